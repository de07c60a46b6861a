"""Match reports find their match: an article that names the opponent of a club match and is
dated from seven days before the match day (a preview) to two days after it (a report) links
to it; editors pick and remove matches; the links follow teams and matches as they change."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from articles.importing import Outcome, import_story
from articles.mentions import MatchIndex
from articles.models import Article, ArticleMatch
from articles.services import MatchPicks, article_restore, article_save, relink_articles
from matches.models import Competition, Match, Season, Team
from matches.services import match_save, team_save
from players.models import Player
from revisions.models import Actor, Revision, Via
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
ADMIN = Actor(Via.ADMIN)


def at(day: str, time: str = "15:00") -> dt.datetime:
    """A moment in club time."""
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LONDON)


def team(slug: str, name: str, short_name: str, aliases: str = "", **fields) -> Team:
    # The demo data may hold the team already.
    return Team.objects.filter(slug=slug).first() or team_save(
        team=Team(name=name, short_name=short_name, slug=slug, aliases=aliases, **fields)
    )


@pytest.fixture
def teams(db):
    return {
        "liverpool": team("liverpool", "Liverpool FC", "Liverpool", "The Reds", is_club=True),
        "chelsea": team("chelsea", "Chelsea FC", "Chelsea", "The Blues"),
        "arsenal": team("arsenal", "Arsenal FC", "Arsenal", "The Gunners"),
        "everton": team("everton", "Everton FC", "Everton", "The Toffees"),
    }


def season_of(slug: str, name: str, kind: str) -> Season:
    competition = Competition.objects.filter(slug=slug).first() or Competition.objects.create(
        name=name, slug=slug, kind=kind
    )
    return Season.objects.filter(competition=competition, slug="2023-24").first() or (
        Season.objects.create(
            competition=competition,
            name="2023–24",
            slug="2023-24",
            starts_on=dt.date(2023, 8, 1),
            ends_on=dt.date(2024, 5, 31),
        )
    )


@pytest.fixture
def cup(db):
    return season_of("league-cup", "League Cup", Competition.Kind.CUP)


@pytest.fixture
def league(db):
    return season_of("premier-league", "Premier League", Competition.Kind.LEAGUE)


def play(season, home, away, kickoff, score=None, **fields) -> Match:
    match = Match(season=season, home=home, away=away, kickoff=kickoff, **fields)
    if score is not None:
        match.home_score, match.away_score = score
        match.status = Match.Status.FINISHED
    return match_save(match=match, actor=ADMIN)


@pytest.fixture
def final(teams, cup):
    """The League Cup final of 25 February 2024: Chelsea 0–1 Liverpool after extra time."""
    existing = Match.objects.filter(slug="chelsea-v-liverpool-2024-02-25").first()
    return existing or play(
        cup,
        teams["chelsea"],
        teams["liverpool"],
        at("2024-02-25", "15:00"),
        (0, 1),
        round="Final",
        venue="Wembley Stadium",
        extra_time=True,
    )


def links(article: Article) -> list[tuple[str, str, bool]]:
    return [
        (link.match.slug, link.role, link.picked)
        for link in ArticleMatch.objects.for_strip().filter(article=article)
    ]


def story(make_article, published_at: dt.datetime, body: str = "Beat Chelsea at Wembley.", **f):
    return make_article(body=body, published_at=published_at, **f)


FINAL = "chelsea-v-liverpool-2024-02-25"


# The windows, at their edges, in club time.


@pytest.mark.parametrize(
    "published_at, role",
    [
        (at("2024-02-17", "23:59:59"), None),
        (at("2024-02-18", "00:00"), "preview"),  # seven days before the match day
        (at("2024-02-24", "23:59:59"), "preview"),
        (at("2024-02-25", "00:00"), "report"),  # the match day, before kickoff too
        (at("2024-02-27", "23:59:59"), "report"),  # two days after
        (at("2024-02-28", "00:00"), None),
    ],
)
def test_a_story_is_a_preview_or_a_report_by_its_day_in_club_time(
    final, make_article, published_at, role
):
    article = story(make_article, published_at)
    assert links(article) == ([(FINAL, role, False)] if role else [])


def test_the_day_is_the_clubs_across_a_clock_change(teams, league, make_article):
    # Clocks went forward on 31 March 2024: 23:30 UTC on 1 April is 00:30 on 2 April in
    # London, three days after a match on 30 March; 22:59 UTC is still 1 April.
    play(league, teams["liverpool"], teams["everton"], at("2024-03-30", "12:30"))
    late = story(make_article, dt.datetime(2024, 4, 1, 23, 30, tzinfo=dt.UTC), "Everton beaten.")
    in_time = story(make_article, dt.datetime(2024, 4, 1, 22, 59, tzinfo=dt.UTC), "Everton.")
    # 23 March in London: seven days before, though the day of the clock change is shorter.
    early = story(make_article, at("2024-03-23", "00:00"), "Everton next.")
    assert links(late) == []
    assert links(in_time) == [("liverpool-v-everton-2024-03-30", "report", False)]
    assert links(early) == [("liverpool-v-everton-2024-03-30", "preview", False)]


def test_the_opponent_is_found_by_an_alias_ignoring_case_and_accents(final, make_article):
    article = story(make_article, at("2024-02-26", "09:00"), "Too good for THE BLUES again.")
    assert links(article) == [(FINAL, "report", False)]


def test_the_opponent_may_be_named_in_the_title_or_standfirst(final, make_article):
    article = make_article(
        title="Chelsea beaten", body="What a night.", published_at=at("2024-02-26", "09:00")
    )
    assert links(article) == [(FINAL, "report", False)]


def test_the_clubs_own_names_do_not_find_a_match(final, make_article):
    article = story(make_article, at("2024-02-26"), "Liverpool FC and the Reds won at Wembley.")
    assert links(article) == []


def test_matches_without_the_club_are_ignored(teams, league, make_article):
    play(league, teams["chelsea"], teams["arsenal"], at("2024-02-24"))
    assert links(story(make_article, at("2024-02-25"), "Chelsea and Arsenal drew.")) == []


def test_a_story_without_an_opponent_finds_nothing(final, make_article):
    assert links(story(make_article, at("2024-02-26"), "A trophy at last.")) == []


def test_of_two_matches_the_nearest_day_wins_and_at_equal_distance_the_one_played(
    final, teams, league, make_article
):
    play(league, teams["liverpool"], teams["arsenal"], at("2024-02-28", "19:45"))
    arsenal = "liverpool-v-arsenal-2024-02-28"
    text = "After Chelsea, Arsenal."
    assert links(story(make_article, at("2024-02-26"), text)) == [(FINAL, "report", False)]
    assert links(story(make_article, at("2024-02-27"), text)) == [(arsenal, "preview", False)]
    # 2024-02-26 is one day after the final and two before Arsenal; on the 25th itself the
    # final is the match day: the nearest.
    play(league, teams["everton"], teams["liverpool"], at("2024-02-23", "20:00"))
    both = story(make_article, at("2024-02-25", "10:00"), "Everton, then Chelsea.")
    assert links(both) == [(FINAL, "report", False)]
    # Two days from each: the report wins.
    tie = story(make_article, at("2024-02-25", "10:00"), "Everton and Arsenal.")
    assert links(tie) == [("everton-v-liverpool-2024-02-23", "report", False)]


def test_team_names_are_not_linked_and_leave_the_players_links_alone(club, final, make_article):
    # A team's alias that is also a person's does not make the person's ambiguous: teams have
    # an index of their own.
    team("mac-allister-rovers", "Mac Allister Rovers", "Rovers", "Mac Allister")
    article = story(make_article, at("2024-02-26"), "Mac Allister and Van Dijk beat Chelsea FC.")
    stored = Article.objects.get(pk=article.pk)
    assert stored.body_html == (
        '<p><a class="mention mention-player" href="/squad/alexis-mac-allister/">Mac Allister</a>'
        ' and <a class="mention mention-player" href="/squad/virgil-van-dijk/">Van Dijk</a> beat '
        "Chelsea FC.</p>\n"
    )
    assert links(article) == [(FINAL, "report", False)]


def test_the_index_is_read_once_for_a_relink_of_many(
    final, make_article, django_assert_num_queries
):
    stories = [story(make_article, at("2024-02-26"), f"Chelsea {n}.") for n in range(3)]
    index = MatchIndex.from_database()
    assert index.find("chelsea", published_at=at("2024-02-26")).role == "report"
    from articles.mentions import MentionIndex

    mentions = MentionIndex.from_database()
    relink_articles(pks=[s.pk for s in stories], index=mentions)  # reads the matches once
    with django_assert_num_queries(0):
        mentions.matches.find("Chelsea", published_at=at("2024-02-26"))


# Editors pick and remove; relinks and imports keep what they decided.

STORY = "date 2024-02-26 Liverpool win the Carabao Cup\n\nVan Dijk's header beat Chelsea."


def test_a_removed_match_stays_removed_through_relinks_and_imports(club, final):
    result = import_story(data=STORY, source_name="cup.txt")
    assert result.pk is not None
    article = Article.objects.get(pk=result.pk)
    assert links(article) == [(FINAL, "report", False)]
    article_save(article=article, actor=ADMIN, match_picks=MatchPicks({}, frozenset({final.pk})))
    assert links(article) == []
    relink_articles()
    assert links(article) == []
    changed = import_story(
        data=STORY + " Chelsea were beaten again.", source_name="cup.txt", update=True, force=True
    )
    assert changed.outcome is Outcome.UPDATED
    assert links(article) == []
    assert list(article.removed_matches.all()) == [final]


def test_a_picked_match_survives_relinks_and_imports_whatever_the_text_says(
    club, final, teams, league
):
    arsenal = play(league, teams["liverpool"], teams["arsenal"], at("2024-04-10"))
    result = import_story(data=STORY, source_name="cup.txt")
    assert result.pk is not None
    article = Article.objects.get(pk=result.pk)
    article_save(
        article=article, actor=ADMIN, match_picks=MatchPicks({arsenal.pk: "preview"}, frozenset())
    )
    expected = [(FINAL, "report", False), (arsenal.slug, "preview", True)]
    assert links(article) == expected
    relink_articles()
    import_story(data=STORY + " More.", source_name="cup.txt", update=True, force=True)
    assert links(Article.objects.get(pk=article.pk)) == expected


def test_a_pick_of_a_found_match_sets_its_role_and_undoes_a_removal(final, make_article):
    article = story(make_article, at("2024-02-26"))
    article_save(article=article, actor=ADMIN, match_picks=MatchPicks({}, frozenset({final.pk})))
    article_save(
        article=article,
        actor=ADMIN,
        match_picks=MatchPicks({final.pk: "preview"}, frozenset({final.pk})),
    )
    assert links(article) == [(FINAL, "preview", True)]
    assert list(article.removed_matches.all()) == []


def test_a_found_link_follows_the_text(final, make_article):
    article = story(make_article, at("2024-02-26"))
    article.body = "No opponent named."
    article_save(article=article, actor=ADMIN)
    assert links(article) == []


# Links follow the teams and the matches, in the background.


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_team_alias_added_later_relinks_old_stories(final, teams, make_article, committed):
    old = story(make_article, at("2024-02-26"), "The Pensioners were beaten.")
    far = story(make_article, at("2024-06-01"), "The Pensioners again.")
    assert links(old) == []
    chelsea = Team.objects.get(pk=teams["chelsea"].pk)
    chelsea.aliases += "\nThe Pensioners"
    with committed():
        team_save(team=chelsea)
    assert links(old) == [(FINAL, "report", False)]
    assert links(far) == []
    chelsea.aliases = "The Blues"
    with committed():
        team_save(team=chelsea)
    assert links(old) == []


def test_a_new_short_name_relinks_too_and_other_changes_do_not(
    final, teams, make_article, committed, enqueued
):
    old = story(make_article, at("2024-02-26"), "Blues FC were beaten.")
    chelsea = Team.objects.get(pk=teams["chelsea"].pk)
    chelsea.ground = "Stamford Bridge"
    with committed():
        team_save(team=chelsea)
    assert enqueued == []
    chelsea.short_name = "Blues FC"
    with committed():
        team_save(team=chelsea)
    assert links(old) == [(FINAL, "report", False)]


def test_a_new_club_match_relinks_the_stories_in_its_window(teams, league, make_article, committed):
    preview = story(make_article, at("2024-03-01"), "Arsenal next.")
    with committed():
        arsenal = play(league, teams["liverpool"], teams["arsenal"], at("2024-03-03", "16:30"))
    assert links(preview) == [(arsenal.slug, "preview", False)]
    # Moved a fortnight on: the story is too early to preview it.
    arsenal = Match.objects.get(pk=arsenal.pk)
    arsenal.kickoff = at("2024-03-17", "16:30")
    with committed():
        match_save(match=arsenal, actor=ADMIN)
    assert links(preview) == []


def test_matches_an_import_creates_relink_the_stories_in_their_window(
    teams, league, make_article, committed, tmp_path
):
    preview = story(make_article, at("2024-03-01"), "Arsenal next.")
    fixtures = {
        "name": "English Premier League 2023/24",
        "matches": [
            {
                "round": "Matchday 28",
                "date": "2024-03-03",
                "time": "16:30",
                "team1": "Liverpool FC",
                "team2": "Arsenal FC",
            },
            {
                "round": "Matchday 28",
                "date": "2024-03-03",
                "time": "14:00",
                "team1": "Everton FC",
                "team2": "Chelsea FC",
            },
        ],
    }
    path = tmp_path / "fixtures.json"
    path.write_text(json.dumps(fixtures))
    with committed():
        call_command(
            "import_matches", str(path), "--competition", "premier-league", stdout=io.StringIO()
        )
    assert links(preview) == [("liverpool-v-arsenal-2024-03-03", "preview", False)]


def test_a_result_relinks_nothing(final, make_article, committed, enqueued):
    story(make_article, at("2024-02-26"))
    final = Match.objects.get(pk=final.pk)
    final.home_score_ht, final.away_score_ht = 0, 0
    with committed():
        match_save(match=final, actor=ADMIN)
    assert enqueued == []


def test_a_deleted_match_takes_its_links_and_another_may_be_found(
    final, teams, league, make_article, committed
):
    everton = play(league, teams["everton"], teams["liverpool"], at("2024-02-23", "20:00"))
    article = story(make_article, at("2024-02-25", "10:00"), "Everton, then Chelsea.")
    assert links(article) == [(FINAL, "report", False)]
    with committed():
        Match.objects.get(pk=final.pk).delete()
    assert links(article) == [(everton.slug, "report", False)]


@pytest.fixture
def enqueued():
    from django.tasks.signals import task_enqueued

    results = []

    def record(sender, task_result, **kwargs):
        results.append(task_result)

    task_enqueued.connect(record)
    yield results
    task_enqueued.disconnect(record)


# The article page.


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" ,", ",")


def strip_of(page: str) -> str:
    found = re.search(r'<aside class="match-strip.*?</aside>', page, re.S)
    assert found, "no match strip"
    return found.group()


def test_the_article_shows_the_match_with_its_score_and_a_link(client, final, make_article):
    article = story(make_article, at("2024-02-26"), slug="won")
    assert links(article)
    strip = strip_of(client.get("/news/won/").content.decode())
    assert text_of(strip) == "League Cup · Final Chelsea 0–1 Liverpool (aet) Sun 25 Feb 2024"
    assert f'href="/matches/{FINAL}/"' in strip


def test_a_preview_before_kickoff_says_so_and_shows_the_result_once_entered(
    client, teams, league, make_article
):
    match = play(league, teams["liverpool"], teams["chelsea"], at("2024-02-24", "15:00"))
    story(make_article, at("2024-02-20"), "Chelsea come to Anfield.", slug="preview")
    strip = strip_of(client.get("/news/preview/").content.decode())
    assert text_of(strip).startswith("Preview: Liverpool v Chelsea, Sat 24 Feb 15:00")
    match = Match.objects.get(pk=match.pk)
    match.home_score, match.away_score, match.status = 2, 1, Match.Status.FINISHED
    match_save(match=match, actor=ADMIN)
    strip = strip_of(client.get("/news/preview/").content.decode())
    assert "Liverpool 2–1 Chelsea" in text_of(strip)


def test_a_postponed_match_says_so(client, teams, league, make_article):
    play(
        league,
        teams["everton"],
        teams["liverpool"],
        at("2024-02-24", "12:30"),
        status=Match.Status.POSTPONED,
    )
    story(make_article, at("2024-02-22"), "Everton away.", slug="off")
    assert "Postponed" in text_of(strip_of(client.get("/news/off/").content.decode()))


def test_no_strip_without_a_match(client, final, make_article):
    story(make_article, at("2024-05-01"), slug="other")
    assert "match-strip" not in client.get("/news/other/").content.decode()


@pytest.mark.parametrize("matches", [0, 1, 2])
def test_the_article_page_costs_six_queries_with_or_without_matches(
    client, club, final, teams, league, make_article, django_assert_num_queries, matches
):
    story(make_article, at("2024-01-01"), "Van Dijk, related.")
    day = "2024-02-26" if matches else "2024-06-01"
    article = story(make_article, at(day), "Van Dijk beat Chelsea.", slug="q")
    if matches == 2:
        other = play(league, teams["liverpool"], teams["arsenal"], at("2024-04-10"))
        article_save(article=article, actor=ADMIN, match_picks=MatchPicks({other.pk: "preview"}))
    assert len(links(article)) == matches
    # The article, its people, trophies, tags, matches and related stories.
    with django_assert_num_queries(6):
        response = client.get("/news/q/")
    assert response.status_code == HTTPStatus.OK


def test_the_json_ld_is_about_the_match(client, final, make_article):
    story(make_article, at("2024-02-26"), slug="ld")
    page = client.get("/news/ld/").content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found
    data = json.loads(found.group(1))
    assert data["about"][0] == {
        "@type": "SportsEvent",
        "name": "Chelsea v Liverpool",
        "startDate": "2024-02-25T15:00:00+00:00",
        "url": f"http://testserver/matches/{FINAL}/",
    }


# Revisions.


def test_revisions_hold_the_matches_and_a_restore_brings_picks_back(
    final, teams, league, make_article, admin_client
):
    arsenal = play(league, teams["liverpool"], teams["arsenal"], at("2024-04-10"))
    article = story(make_article, at("2024-02-26"))
    first = Revision.objects.latest_of(article)
    assert (
        first.data["matches"],
        first.data["picked_matches"],
        first.data["removed_matches"],
    ) == ([f"{final.pk}:report"], [], [])
    article_save(
        article=article,
        actor=ADMIN,
        match_picks=MatchPicks({arsenal.pk: "preview"}, frozenset({final.pk})),
    )
    second = Revision.objects.latest_of(article)
    assert second.data["matches"] == [f"{arsenal.pk}:preview"]
    assert second.data["picked_matches"] == [f"{arsenal.pk}:preview"]
    assert second.data["removed_matches"] == [final.pk]
    page = admin_client.get(f"/admin/articles/article/{article.pk}/history/").content.decode()
    assert "Changed matches, matches picked by hand and matches removed by hand" in page
    assert "Liverpool v Arsenal, 10 Apr 2024 (preview)" in page
    assert "Chelsea 0–1 Liverpool, 25 Feb 2024 (report)" in page
    article_save(article=article, actor=ADMIN, match_picks=MatchPicks())
    assert links(article) == [(FINAL, "report", False)]
    assert second is not None
    article_restore(article=article, revision=second, actor=ADMIN)
    assert links(article) == [(arsenal.slug, "preview", True)]
    assert list(article.removed_matches.all()) == [final]


# The admin.


def test_the_admin_picks_and_removes_matches_and_shows_the_found_one(
    final, teams, league, make_article, admin_client
):
    arsenal = play(league, teams["liverpool"], teams["arsenal"], at("2024-04-10"))
    article = story(make_article, at("2024-02-26"), slug="admin-story")
    url = f"/admin/articles/article/{article.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "Report: Chelsea 0–1 Liverpool, 25 Feb 2024" in page
    form = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": "",
        "body": article.body,
        "status": "published",
        "published_at_0": "2024-02-26",
        "published_at_1": "15:00:00",
        "author": "",
        "base_version": article.version,
        "picked_previews": [arsenal.pk],
        "removed_matches": [final.pk],
    }
    response = admin_client.post(url, form)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    assert links(article) == [(arsenal.slug, "preview", True)]
    assert list(article.removed_matches.all()) == [final]
    page = admin_client.get(url).content.decode()
    assert f'<option value="{arsenal.pk}" selected>' in page


def test_the_admin_refuses_a_match_picked_and_removed(final, make_article, admin_client):
    article = story(make_article, at("2024-02-26"), slug="both")
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {
            "title": article.title,
            "slug": article.slug,
            "body": article.body,
            "status": "published",
            "published_at_0": "2024-02-26",
            "published_at_1": "15:00:00",
            "base_version": article.version,
            "picked_reports": [final.pk],
            "removed_matches": [final.pk],
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "Chelsea 0–1 Liverpool, 25 Feb 2024 is picked above; remove it there." in (
        response.content.decode()
    )


def test_the_admin_searches_the_clubs_matches_only(teams, league, final, admin_client):
    play(league, teams["chelsea"], teams["arsenal"], at("2024-03-02"))
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "chelsea",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "removed_matches",
        },
    )
    assert [item["id"] for item in response.json()["results"]] == [str(final.pk)]


# The seed stories.


def test_the_seed_stories_report_the_league_cup_final(club, final):
    call_command("import_stories", str(SEEDS), stdout=io.StringIO())
    seeds = Article.objects.all()
    assert sorted(seeds.values_list("published_at", flat=True)) == [at("2024-02-26", "00:00")] * 2
    for article in seeds:
        assert links(article) == [(FINAL, "report", False)]
    assert set(final.articles.published()) == set(seeds)


def test_the_seed_stories_find_the_final_when_it_comes_after_them(club, teams, cup, committed):
    call_command("import_stories", str(SEEDS), stdout=io.StringIO())
    with committed():
        match = play(
            cup, teams["chelsea"], teams["liverpool"], at("2024-02-25"), (0, 1), extra_time=True
        )
    assert match.articles.count() == 2


def test_a_player_change_keeps_the_match_links(club, final, make_article, committed):
    article = story(make_article, at("2024-02-26"), "Kelleher kept Chelsea out.")
    kelleher = Player.objects.get(slug="caoimhin-kelleher")
    kelleher.aliases += "\nKell"
    from players.services import player_save

    with committed():
        player_save(player=kelleher)
    assert links(article) == [(FINAL, "report", False)]
