"""The public match pages: fixtures and results, a match, a league table, the home page's
match blocks, a player's season figures, the calendar feed and the sitemap; what a fan
reads on them, and query counts that do not grow with matches, events or articles."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from articles.models import Article, ArticleMatch
from matches.models import Competition, Deduction, LineupEntry, Match, MatchEvent, Season, Team
from matches.services import deduction_save, match_save, team_save
from players.models import Player

pytestmark = pytest.mark.django_db

UK = ZoneInfo("Europe/London")
# Tuesday 20 February 2024, noon: between the Brentford away win and the Luton home game.
NOW = dt.datetime(2024, 2, 20, 12, 0, tzinfo=dt.UTC)
FINAL = "/matches/chelsea-v-liverpool-2024-02-25/"
TABLE = "/tables/premier-league/2023-24/"


def uk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A time in UK local time, as match sources give it."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=UK)


def visible_text(page: str) -> str:
    """The main content's text as a screen reader has it: without what is aria-hidden (the
    crests' initials, the dash between scores) and with the visually hidden words."""
    body = page.split("<main", 1)[1].split("</main>", 1)[0] if "<main" in page else page
    body = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>[^<]*</span>', " ", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def json_ld(page: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def teams(club) -> dict[str, Team]:
    grounds = {"Liverpool": "Anfield", "Chelsea": "Stamford Bridge", "Brentford": "Gtech"}
    made = {}
    for short in ("Liverpool", "Chelsea", "Brentford", "Luton", "Man City", "Everton", "Arsenal"):
        made[short] = team_save(
            team=Team(
                name=f"{short} FC",
                short_name=short,
                ground=grounds.get(short, f"{short} Park"),
                is_club=short == "Liverpool",
            )
        )
    return made


@pytest.fixture
def seasons(teams) -> dict[str, Season]:
    league = Competition.objects.create(name="Premier League", slug="premier-league")
    cup = Competition.objects.create(name="League Cup", slug="league-cup", kind="cup")
    dates = {"starts_on": dt.date(2023, 8, 1), "ends_on": dt.date(2024, 6, 30)}
    return {
        "league": Season.objects.create(
            competition=league, name="2023–24", slug="2023-24", **dates
        ),
        "cup": Season.objects.create(competition=cup, name="2023–24", slug="2023-24", **dates),
    }


@pytest.fixture
def make_match(teams, seasons):
    """Save a match through matches.services, as the admin and the importer do."""

    def make(home: str, away: str, kickoff: dt.datetime, *, season="league", events=(), **fields):
        match = Match(
            season=seasons[season], home=teams[home], away=teams[away], kickoff=kickoff, **fields
        )
        if "home_score" in fields and "status" not in fields:
            match.status = Match.Status.FINISHED
        return match_save(match=match, actor=None, events=list(events) or None)

    return make


def event(team: Team, minute: int, kind: str, *, player=None, name="", added=None) -> MatchEvent:
    return MatchEvent(
        team=team, player=player, player_name=name, minute=minute, added_minute=added, kind=kind
    )


@pytest.fixture
def season_so_far(teams, seasons, make_match):
    """Liverpool's last two results, the next league match, the cup final, a postponed and a
    cancelled match, and the rest of a small league."""
    salah = Player.objects.get(slug="mohamed-salah")
    nunez = Player.objects.get(slug="darwin-nunez")
    liverpool, chelsea = teams["Liverpool"], teams["Chelsea"]
    make_match(
        "Liverpool", "Chelsea", uk(2024, 1, 31, 20, 15), round="Matchday 22",
        home_score=4, away_score=1, home_score_ht=2, away_score_ht=0,
        events=[
            event(liverpool, 23, "penalty_goal", player=salah),
            event(chelsea, 39, "own_goal", name="Axel Disasi"),
            event(liverpool, 65, "goal", player=nunez),
            event(chelsea, 71, "goal", name="Christopher Nkunku"),
            event(liverpool, 90, "goal", player=salah, added=2),
            event(chelsea, 45, "yellow", name="Moisés Caicedo"),
            event(liverpool, 80, "red", player=nunez),
            event(liverpool, 55, "penalty_missed", player=salah),
        ],
    )  # fmt: skip
    make_match("Brentford", "Liverpool", uk(2024, 2, 17, 12, 30), home_score=1, away_score=4)
    make_match("Arsenal", "Man City", uk(2024, 2, 17, 15, 0), home_score=2, away_score=2)
    make_match("Liverpool", "Luton", uk(2024, 2, 21, 19, 30), round="Matchday 26")
    make_match(
        "Chelsea", "Liverpool", uk(2024, 2, 25, 15, 0), season="cup", round="Final",
        venue="Wembley Stadium",
    )  # fmt: skip
    make_match("Liverpool", "Man City", uk(2024, 3, 10, 15, 45), status="postponed")
    make_match("Everton", "Liverpool", uk(2024, 4, 24, 20, 0), status="cancelled")
    deduction_save(
        deduction=Deduction(
            season=seasons["league"], team=teams["Everton"], points=8, reason="Breach of PSR."
        )
    )


# ---------- /matches/ ----------


def test_fixtures_come_next_first_and_results_latest_first(client, season_so_far):
    page = client.get("/matches/").content.decode()
    fixtures, results = visible_text(page).split("Fixtures", 1)[1].split("Results", 1)
    assert fixtures.index("Luton") < fixtures.index("Wembley") < fixtures.index("Man City")
    assert results.index("Brentford") < results.index("Chelsea")
    assert "Arsenal" not in page  # another club's match


def test_the_list_says_when_in_club_time_what_where_and_how_it_went(client, season_so_far):
    text = visible_text(client.get("/matches/").content.decode())
    assert "Wed 21 Feb, 19:30" in text and "Premier League · Matchday 26" in text
    assert "Sun 25 Feb, 15:00" in text and "League Cup · Final" in text
    assert "Home · Anfield" in text and "Away · Wembley Stadium" in text
    assert "Brentford 1 to 4 Liverpool" in text
    assert "Liverpool 4 to 1 Chelsea" in text
    assert text.count("Won") == 2


def test_postponed_and_cancelled_matches_say_so(client, season_so_far):
    text = visible_text(client.get("/matches/").content.decode())
    assert re.search(r"Sun 10 Mar, 15:45 .*?Postponed", text)
    assert re.search(r"Wed 24 Apr, 20:00 .*?Cancelled", text)


def test_the_list_filters_by_competition_and_season(client, season_so_far):
    cup = visible_text(client.get("/matches/?competition=league-cup").content.decode())
    assert "League Cup · Final" in cup and "Luton" not in cup
    both = visible_text(
        client.get("/matches/?season=2023-24&competition=premier-league").content.decode()
    )
    assert "Luton" in both and "Wembley" not in both


@pytest.mark.parametrize(
    "query",
    ["season=1999-00", "competition=nope", "season=", "season=2023-24&season=2024-25"],
)
def test_unknown_or_odd_filters_are_not_found(client, season_so_far, query):
    assert client.get(f"/matches/?{query}").status_code == HTTPStatus.NOT_FOUND


def test_a_season_without_the_competition_says_so(client, season_so_far, teams):
    cup = Competition.objects.create(name="FA Cup", slug="fa-cup", kind="cup")
    older = Season.objects.create(
        competition=Competition.objects.get(slug="premier-league"),
        name="2022–23",
        slug="2022-23",
        starts_on=dt.date(2022, 8, 1),
        ends_on=dt.date(2023, 6, 30),
    )
    Season.objects.create(
        competition=cup,
        name="2023–24",
        slug="2023-24",
        starts_on=dt.date(2023, 8, 1),
        ends_on=dt.date(2024, 6, 30),
    )
    match_save(
        match=Match(
            season=older,
            home=teams["Liverpool"],
            away=teams["Arsenal"],
            kickoff=uk(2023, 4, 9, 16, 30),
            status="finished",
            home_score=2,
            away_score=2,
        ),
        actor=None,
    )
    response = client.get("/matches/?season=2022-23&competition=league-cup")
    assert response.status_code == HTTPStatus.OK
    assert "Liverpool FC played no League Cup matches in 2022–23." in visible_text(
        response.content.decode()
    )


def test_with_no_matches_the_list_says_so(client, club):
    text = visible_text(client.get("/matches/").content.decode())
    assert "No fixtures yet." in text


def test_the_list_offers_the_calendar(client, season_so_far):
    page = client.get("/matches/").content.decode()
    assert 'href="webcal://testserver/matches/calendar.ics"' in page
    assert 'href="/matches/calendar.ics" download="fixtures.ics"' in page


# ---------- /matches/<slug>/ ----------


@pytest.fixture
def final(season_so_far, teams, seasons):
    """The cup final as played: extra time, penalties, scorers, cards, subs and line-ups."""
    match = Match.objects.get(slug="chelsea-v-liverpool-2024-02-25")
    liverpool, chelsea = teams["Liverpool"], teams["Chelsea"]
    vvd = Player.objects.get(slug="virgil-van-dijk")
    elliott = Player.objects.get(slug="harvey-elliott")
    gravenberch = Player.objects.get(slug="ryan-gravenberch")
    endo = Player.objects.get(slug="wataru-endo")
    match.status = Match.Status.FINISHED
    match.home_score, match.away_score = 1, 1
    match.home_score_ht, match.away_score_ht = 0, 0
    match.extra_time = True
    match.home_penalties, match.away_penalties = 3, 4
    match_save(
        match=match,
        actor=None,
        events=[
            event(chelsea, 60, "goal", name="Cole Palmer"),
            event(liverpool, 118, "goal", player=vvd),
            event(liverpool, 28, "sub_off", player=gravenberch),
            event(liverpool, 28, "sub_on", player=elliott),
            event(liverpool, 45, "yellow", player=endo, added=1),
        ],
    )
    for order, (team, player, name, number, starting) in enumerate(
        [
            (liverpool, vvd, "", 4, True),
            (liverpool, gravenberch, "", 38, True),
            (liverpool, endo, "", 3, True),
            (liverpool, elliott, "", 19, False),
            (chelsea, None, "Cole Palmer", 20, True),
        ]
    ):
        LineupEntry.objects.create(
            match=match,
            team=team,
            player=player,
            player_name=name,
            shirt_number=number,
            starting=starting,
            order=order,
        )
    return match


def link(article: Article, match: Match, role: str) -> None:
    ArticleMatch.objects.update_or_create(
        article=article, match=match, defaults={"role": role, "picked": True}
    )


def test_match_page_has_the_teams_score_and_how_it_was_decided(client, final):
    text = visible_text(client.get(FINAL).content.decode())
    assert "Chelsea 1 to 1 Liverpool" in text
    assert "League Cup · Final · 2023–24" in text
    assert "Liverpool win 4–3 on penalties" in text
    assert "Half time 0–0" in text
    assert "Sunday 25 February 2024, 15:00 · Wembley Stadium" in text
    assert "Full time" in text
    assert "Won" in text  # the club's marker: a shoot-out win


def test_match_page_shows_crests_as_initials_without_an_image(client, final):
    page = client.get(FINAL).content.decode()
    assert '<span class="crest crest--lg crest--initials" aria-hidden="true">CHE</span>' in page
    assert (
        '<span class="crest crest--lg crest--initials crest--club" aria-hidden="true">LIV</span>'
        in page
    )


def test_scorers_and_cards_by_minute_with_pens_own_goals_and_added_time(client, season_so_far):
    page = client.get("/matches/liverpool-v-chelsea-2024-01-31/").content.decode()
    text = visible_text(page)
    assert "Mohamed Salah 23' (pen) , 90+2'" in text
    assert "Axel Disasi 39' (og)" in text
    home = page.split('class="scorers scorers--home"', 1)[1].split("</ul>", 1)[0]
    assert "Disasi" in home and "Nkunku" not in home  # an own goal counts for the other side
    timeline = visible_text(page.split('class="timeline"', 1)[1].split("</ol>", 1)[0])
    assert re.findall(r"\d+(?:\+\d)?'", timeline) == ["23'", "39'", "45'", "55'", "65'", "71'", "80'", "90+2'"]  # fmt: skip
    assert 'aria-label="Penalty missed"' in page and 'aria-label="Own goal"' in page
    assert 'aria-label="Yellow card"' in page and 'aria-label="Red card"' in page
    assert 'href="/squad/mohamed-salah/">Mohamed Salah</a>' in page


def test_line_ups_with_bench_and_substitutions(client, final):
    page = client.get(FINAL).content.decode()
    text = visible_text(page)
    assert "Starting XI" in text and "Substitutes" in text
    assert "Harvey Elliott on for Ryan Gravenberch" in text
    assert "Off 28'" in text and "On 28'" in text
    liverpool = text.split("Line-ups", 1)[1].split("Liverpool", 1)[1]
    assert liverpool.index("Virgil van Dijk") < liverpool.index("Substitutes")
    assert liverpool.index("Substitutes") < liverpool.index("Harvey Elliott")


def test_a_match_page_before_kickoff_has_the_time_and_no_empty_sections(client, season_so_far):
    text = visible_text(client.get("/matches/liverpool-v-luton-2024-02-21/").content.decode())
    assert "Liverpool v Luton" in text
    assert "Wednesday 21 February 2024, 19:30 · Anfield" in text
    assert "Key events" not in text and "Line-ups" not in text and "Match reports" not in text


def test_a_postponed_match_page_says_so(client, season_so_far):
    page = client.get("/matches/liverpool-v-man-city-2024-03-10/").content.decode()
    assert '<span class="status status--off">Postponed</span>' in page
    assert json_ld(page)["eventStatus"] == "https://schema.org/EventPostponed"


def test_match_page_lists_published_reports_and_previews(client, final, make_article):
    report = make_article(title="Van Dijk wins it", published_at=NOW)
    preview = make_article(title="Wembley awaits", published_at=NOW - dt.timedelta(days=3))
    draft = make_article(title="Unfinished", status=Article.Status.DRAFT)
    later = make_article(title="Not yet", published_at=NOW + dt.timedelta(hours=1))
    for article, role in ((report, "report"), (preview, "preview"), (draft, "report")):
        link(article, final, role)
    link(later, final, "report")
    text = visible_text(client.get(FINAL).content.decode())
    reports, previews = text.split("Match reports", 1)[1].split("Previews", 1)
    assert "Van Dijk wins it" in reports and "Wembley awaits" in previews
    assert "Unfinished" not in text and "Not yet" not in text


def test_an_article_about_two_matches_has_its_role_on_each(client, final, make_article):
    story = make_article(title="From Wembley to Luton", published_at=NOW)
    link(story, final, "report")
    link(story, Match.objects.get(slug="liverpool-v-luton-2024-02-21"), "preview")
    text = visible_text(client.get(FINAL).content.decode())
    assert text.count("From Wembley to Luton") == 1 and "Previews" not in text
    luton = visible_text(client.get("/matches/liverpool-v-luton-2024-02-21/").content.decode())
    assert "Previews From Wembley to Luton" in luton and "Match reports" not in luton


def test_match_json_ld_is_a_sports_event(client, final):
    data = json_ld(client.get(FINAL).content.decode())
    assert data["@type"] == "SportsEvent"
    assert data["name"] == "Chelsea 1–1 Liverpool (Liverpool win 4–3 on penalties)"
    assert data["startDate"] == "2024-02-25T15:00:00+00:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["homeTeam"] == {
        "@type": "SportsTeam",
        "name": "Chelsea FC",
        "alternateName": "Chelsea",
        "sport": "Association football",
    }
    assert data["awayTeam"]["name"] == "Liverpool FC"
    assert data["awayTeam"]["url"] == "http://testserver/"
    assert data["competitor"] == [data["homeTeam"], data["awayTeam"]]
    assert data["location"] == {"@type": "Place", "name": "Wembley Stadium"}
    assert data["url"] == f"http://testserver{FINAL}"
    assert "Full time: Chelsea 1–1 Liverpool" in data["description"]


def test_a_cancelled_match_is_a_cancelled_event(client, season_so_far):
    page = client.get("/matches/everton-v-liverpool-2024-04-24/").content.decode()
    assert json_ld(page)["eventStatus"] == "https://schema.org/EventCancelled"
    assert "Cancelled" in visible_text(page)


def test_an_unknown_match_is_not_found(client, season_so_far):
    assert client.get("/matches/nobody-v-nobody-2024-01-01/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("n", [1, 50])
def test_match_page_queries_do_not_grow_with_events_or_articles(
    client, final, make_article, teams, django_assert_num_queries, n
):
    liverpool = teams["Liverpool"]
    final.events.all().delete()
    MatchEvent.objects.bulk_create(
        MatchEvent(match=final, team=liverpool, minute=1 + i % 120, kind="goal", player_name="X")
        for i in range(n)
    )
    for i in range(n):
        link(make_article(published_at=NOW - dt.timedelta(minutes=i)), final, "report")
    # The match, its events, its line-ups, its public reports and previews.
    with django_assert_num_queries(4):
        response = client.get(FINAL)
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count('class="card"') == n


# ---------- /tables/<competition>/<season>/ ----------


def test_table_is_the_stored_one_with_the_club_highlighted(client, season_so_far):
    page = client.get(TABLE).content.decode()
    rows = re.findall(r'<tr(?: class="is-club")?>\s*<td class="standings__pos">(\d+)</td>', page)
    assert rows == [str(n) for n in range(1, 8)]
    club_row = page.split('<tr class="is-club">', 1)[1].split("</tr>", 1)[0]
    assert '<span class="standings__name">Liverpool</span>' in club_row
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", club_row)
    # Pos, P W D L GF GA GD Pts.
    assert cells[:9] == ["1", "2", "2", "0", "0", "8", "2", "+6", "6"]


def test_table_shows_form_with_words_and_deductions_with_their_reason(client, season_so_far):
    page = client.get(TABLE).content.decode()
    club_row = page.split('<tr class="is-club">', 1)[1].split("</tr>", 1)[0]
    assert '<ol class="form" aria-label="Last 2, oldest first">' in club_row
    assert club_row.count('<span class="visually-hidden">Won</span>') == 2
    everton = page.split('<span class="standings__name">Everton</span>', 1)[1].split("</tr>")[0]
    assert "−8" in everton and "(8 points deducted)" in everton
    assert re.search(r"−8</td>", everton)  # points: 0 − 8
    assert "<strong>Everton</strong> −8 points: Breach of PSR." in page


def test_tables_link_other_seasons_and_the_fixtures(client, season_so_far, seasons):
    Season.objects.create(
        competition=seasons["league"].competition,
        name="2022–23",
        slug="2022-23",
        starts_on=dt.date(2022, 8, 1),
        ends_on=dt.date(2023, 6, 30),
    )
    page = client.get(TABLE).content.decode()
    assert 'href="/tables/premier-league/2022-23/"' in page
    assert 'href="/matches/?season=2023-24"' in page


@pytest.mark.parametrize(
    "url",
    ["/tables/premier-league/1999-00/", "/tables/nope/2023-24/", "/tables/league-cup/2023-24/"],
)
def test_unknown_tables_and_cup_tables_are_not_found(client, season_so_far, url):
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_the_table_link_opens_the_clubs_latest_league_table(client, season_so_far):
    response = client.get("/tables/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == TABLE


@pytest.mark.parametrize("n", [1, 50])
def test_table_queries_do_not_grow_with_teams(
    client, season_so_far, seasons, teams, django_assert_num_queries, n
):
    for i in range(n):
        opponent = team_save(team=Team(name=f"Extra {i} FC", short_name=f"Extra {i}"))
        match_save(
            match=Match(
                season=seasons["league"],
                home=teams["Liverpool"],
                away=opponent,
                kickoff=uk(2023, 9, 1, 15) + dt.timedelta(days=i),
                status="finished",
                home_score=1,
                away_score=0,
            ),
            actor=None,
        )
    # The league seasons (with their stored tables), the deductions' reasons.
    with django_assert_num_queries(2):
        response = client.get(TABLE)
    assert response.status_code == HTTPStatus.OK


# ---------- The home page ----------


def test_home_shows_the_next_match_the_last_result_and_the_clubs_part_of_the_table(
    client, season_so_far
):
    page = client.get("/").content.decode()
    centre = visible_text(page.split('class="match-centre"', 1)[1].split("</section>", 1)[0])  # fmt: skip
    assert "Next match Premier League · Matchday 26" in centre
    assert "Liverpool v Luton" in centre and "Wed 21 Feb, 19:30 · Anfield" in centre
    assert "Last result Won" in centre and "Brentford 1 to 4 Liverpool" in centre
    assert 'href="/matches/brentford-v-liverpool-2024-02-17/"' in page
    assert f'href="{TABLE}"' in page
    table = page.split('class="standings standings--compact"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r"<tr(?: class=\"is-club\")?>\s*<td", table)) == 5
    assert re.findall(r'<td class="standings__pos">(\d+)</td>', table) == ["1", "2", "3", "4", "5"]


def test_the_table_excerpt_keeps_five_rows_at_either_end():
    from matches.models import TableRow
    from matches.pages import table_excerpt

    def table(club_at: int) -> list[TableRow]:
        return [TableRow(position=p, team=Team(is_club=p == club_at)) for p in range(1, 21)]

    for club_at, expected in ((1, [1, 2, 3, 4, 5]), (10, [8, 9, 10, 11, 12]), (20, [16, 17, 18, 19, 20])):  # fmt: skip
        assert [row.position for row in table_excerpt(table(club_at))] == expected
    assert table_excerpt(table(0)) == []


def test_home_says_the_next_match_is_postponed(client, season_so_far, clock):
    clock.move_to(dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC))
    Match.objects.filter(slug__in=["chelsea-v-liverpool-2024-02-25"]).update(status="cancelled")
    centre = client.get("/").content.decode().split('class="match-centre"', 1)[1].split("</section>")[0]  # fmt: skip
    assert "Postponed" in centre and "Man City" in centre


def test_home_without_matches_has_no_match_blocks(client, seeded):
    page = client.get("/").content.decode()
    assert "match-centre" not in page and "Next match" not in page


@pytest.mark.parametrize("n", [1, 50])
def test_home_queries_do_not_grow_with_matches(
    client, seeded, teams, seasons, django_assert_num_queries, n
):
    for i in range(n):
        match_save(
            match=Match(
                season=seasons["league"],
                home=teams["Liverpool"],
                away=teams["Chelsea" if i % 2 else "Arsenal"],
                kickoff=NOW + dt.timedelta(days=i - n // 2, hours=3),
                **({"status": "finished", "home_score": 2, "away_score": 1} if i < n // 2 else {}),
            ),
            actor=None,
        )
    # Articles, trophies, squad; next match, last result, the club's part of the table.
    with django_assert_num_queries(6):
        response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert "Next match" in response.content.decode()


# ---------- The player page ----------


def test_player_page_shows_his_season_figures(client, final, season_so_far):
    text = visible_text(client.get("/squad/mohamed-salah/").content.decode())
    figures = text.split("Season by season", 1)[1].split("News about", 1)[0]
    # No line-ups for the Chelsea game: his goals say he played.
    assert "2023–24 Premier League 1 2 0 0" in figures
    nunez = visible_text(client.get("/squad/darwin-nunez/").content.decode())
    assert "2023–24 Premier League 1 1 0 1" in nunez


def test_appearances_count_starts_and_substitutes_but_not_the_bench(client, final, teams):
    # Elliott came on; Endo started and was booked; Gravenberch started and went off.
    def figures(slug: str) -> str:
        text = visible_text(client.get(f"/squad/{slug}/").content.decode())
        return text.split("Season by season", 1)[1].split("News about", 1)[0]

    assert "2023–24 League Cup 1 0 0 0" in figures("harvey-elliott")
    assert "2023–24 League Cup 1 0 1 0" in figures("wataru-endo")
    assert "2023–24 League Cup 1 1 0 0" in figures("virgil-van-dijk")
    # Booked on the bench, never on: a card, not an appearance.
    quansah = Player.objects.get(slug="jarell-quansah")
    LineupEntry.objects.create(match=final, team=teams["Liverpool"], player=quansah, starting=False)
    MatchEvent.objects.create(match=final, team=teams["Liverpool"], player=quansah, minute=90, kind="yellow")  # fmt: skip
    assert "2023–24 League Cup 0 0 1 0" in figures("jarell-quansah")


def test_a_player_without_matches_has_no_figures_table(client, club):
    assert "Season by season" not in client.get("/squad/mohamed-salah/").content.decode()


@pytest.mark.parametrize("n", [1, 50])
def test_player_page_queries_do_not_grow_with_matches(
    client, club, teams, seasons, django_assert_num_queries, n
):
    salah = Player.objects.get(slug="mohamed-salah")
    for i in range(n):
        match = match_save(
            match=Match(
                season=seasons["league" if i % 2 else "cup"],
                home=teams["Liverpool"],
                away=teams["Chelsea"],
                kickoff=uk(2023, 9, 1, 15) + dt.timedelta(days=i),
                status="finished",
                home_score=1,
                away_score=0,
            ),
            actor=None,
            events=[event(teams["Liverpool"], 10, "goal", player=salah)],
        )
        LineupEntry.objects.create(match=match, team=teams["Liverpool"], player=salah)
    # The player, honours, articles; his line-ups, his events.
    with django_assert_num_queries(5):
        response = client.get("/squad/mohamed-salah/")
    assert response.status_code == HTTPStatus.OK
    assert "Season by season" in response.content.decode()


# ---------- /matches/calendar.ics ----------


def parse(response) -> Calendar:
    return Calendar.from_ical(response.content)


def events_by_summary(calendar: Calendar) -> dict[str, Any]:
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_calendar_has_the_clubs_matches_in_utc(client, season_so_far, settings):
    settings.FANPORTAL_SITE_DOMAIN = "kopreport.example"
    settings.ALLOWED_HOSTS = ["www.kopreport.example"]
    # The UIDs name the site's domain, whatever host the request used.
    response = client.get("/matches/calendar.ics", HTTP_HOST="www.kopreport.example")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = parse(response)
    assert str(calendar["X-WR-CALNAME"]) == "Liverpool FC fixtures"
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT6H"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT6H"
    events = events_by_summary(calendar)
    assert set(events) == {
        "Liverpool 4–1 Chelsea",
        "Brentford 1–4 Liverpool",
        "Liverpool v Luton",
        "Chelsea v Liverpool",
        "Liverpool v Man City (postponed)",
        "Everton v Liverpool (cancelled)",
    }
    luton = events["Liverpool v Luton"]
    match = Match.objects.get(slug="liverpool-v-luton-2024-02-21")
    assert str(luton["UID"]) == f"match-{match.pk}@kopreport.example"
    assert luton["DTSTART"].to_ical() == b"20240221T193000Z"
    assert luton["DTEND"].to_ical() == b"20240221T213000Z"
    assert luton["DTSTAMP"].dt == match.updated_at
    assert str(luton["LOCATION"]) == "Anfield"
    assert str(luton["URL"]) == "http://www.kopreport.example/matches/liverpool-v-luton-2024-02-21/"
    assert str(luton["STATUS"]) == "CONFIRMED"
    assert "Arsenal" not in response.content.decode()


def test_calendar_says_postponed_and_cancelled(client, season_so_far):
    events = events_by_summary(parse(client.get("/matches/calendar.ics")))
    assert str(events["Liverpool v Man City (postponed)"]["STATUS"]) == "TENTATIVE"
    assert str(events["Everton v Liverpool (cancelled)"]["STATUS"]) == "CANCELLED"
    assert str(events["Liverpool 4–1 Chelsea"]["STATUS"]) == "CONFIRMED"


def test_calendar_sequence_rises_when_the_kickoff_moves_and_the_uid_stays(client, season_so_far):
    def luton() -> Any:
        events = parse(client.get("/matches/calendar.ics")).walk("VEVENT")
        return next(e for e in events if "Luton" in str(e["SUMMARY"]))

    before = luton()
    match = Match.objects.get(slug="liverpool-v-luton-2024-02-21")
    match.kickoff = uk(2024, 2, 21, 20, 0)
    match_save(match=match, actor=None)
    after = luton()
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after["DTSTART"].to_ical() == b"20240221T200000Z"
    match.round = "Matchday 26 (moved)"  # not the time or the status: the same sequence
    match_save(match=match, actor=None)
    assert int(luton()["SEQUENCE"]) == int(after["SEQUENCE"])


# ---------- Sitemap ----------


def test_sitemap_lists_club_matches_and_tables_with_lastmod(client, season_so_far):
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = [e.findtext(f"{ns}loc") for e in ET.fromstring(client.get("/sitemap.xml").content)]
    assert "http://testserver/sitemap-matches.xml" in index
    assert "http://testserver/sitemap-tables.xml" in index
    matches = {
        u.findtext(f"{ns}loc"): u.findtext(f"{ns}lastmod")
        for u in ET.fromstring(client.get("/sitemap-matches.xml").content)
    }
    luton = Match.objects.get(slug="liverpool-v-luton-2024-02-21")
    assert (
        matches[f"http://testserver{luton.get_absolute_url()}"]
        == luton.updated_at.date().isoformat()
    )
    assert "http://testserver/matches/arsenal-v-man-city-2024-02-17/" not in matches
    tables = [
        u.findtext(f"{ns}loc") for u in ET.fromstring(client.get("/sitemap-tables.xml").content)
    ]
    assert tables == [f"http://testserver{TABLE}"]
    sections = [
        u.findtext(f"{ns}loc") for u in ET.fromstring(client.get("/sitemap-sections.xml").content)
    ]
    assert "http://testserver/matches/" in sections


# ---------- The header ----------


def test_header_links_matches_and_the_table_and_marks_the_current_one(client, season_so_far):
    page = client.get("/matches/").content.decode()
    assert '<a href="/matches/" aria-current="page">Matches</a>' in page
    assert '<a href="/tables/">Table</a>' in page
    table = client.get(TABLE).content.decode()
    assert '<a href="/tables/" aria-current="page">Table</a>' in table


# ---------- With the page cache on ----------


@pytest.fixture
def page_cache(settings):
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.FANPORTAL_PAGE_CACHE = True
    caches["default"].clear()
    yield
    caches["default"].clear()


def test_entering_a_result_changes_the_home_page_and_the_table_at_once(
    client, season_so_far, page_cache, clock
):
    clock.move_to(dt.datetime(2024, 2, 22, 12, tzinfo=dt.UTC))
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    client.get(TABLE)
    match = Match.objects.get(slug="liverpool-v-luton-2024-02-21")
    match.status, match.home_score, match.away_score = Match.Status.FINISHED, 4, 1
    match_save(match=match, actor=None)
    home = client.get("/")
    assert home["X-Page-Cache"] == "miss"
    assert "Liverpool 4 to 1 Luton" in visible_text(home.content.decode())
    club_row = client.get(TABLE).content.decode().split('<tr class="is-club">', 1)[1]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", club_row)[:2] == ["1", "3"]  # played three
