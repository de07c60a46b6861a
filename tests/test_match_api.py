"""/api/matches and /api/tables, as a fixtures app or a club site widget uses them: exact
bodies, every filter, the errors a client sees, and query counts that do not grow with the
number of matches, events, articles or teams."""

from __future__ import annotations

import datetime as dt
import typing
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command

from apikit import SLUG_PATTERN
from articles.models import Article, ArticleMatch
from fanportal.demo import load_demo_club
from matches.models import (
    Competition,
    Deduction,
    LineupEntry,
    Match,
    MatchEvent,
    Season,
    TableRow,
    Team,
)
from matches.schemas import MatchStatus
from matches.services import deduction_save, match_save, team_save
from players.models import Player
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db

UK = ZoneInfo("Europe/London")
FINAL = "chelsea-v-liverpool-2024-02-25"
DATETIME = "must be an RFC 3339 date-time with an offset, such as 2024-02-25T15:00:00Z"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def uk(year: int, month: int, day: int, hour: int = 15, minute: int = 0) -> dt.datetime:
    """A kickoff in UK local time, as the sources give it."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=UK)


@pytest.fixture
def teams(club) -> dict[str, Team]:
    grounds = {"Liverpool": "Anfield", "Chelsea": "Stamford Bridge"}
    return {
        short: team_save(
            team=Team(
                name=f"{short} FC",
                short_name=short,
                ground=grounds.get(short, f"{short} Park"),
                is_club=short == "Liverpool",
            )
        )
        for short in ("Liverpool", "Chelsea", "Arsenal", "Everton")
    }


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
        "old": Season.objects.create(
            competition=league,
            name="2022–23",
            slug="2022-23",
            starts_on=dt.date(2022, 8, 1),
            ends_on=dt.date(2023, 6, 30),
        ),
    }


@pytest.fixture
def make_match(teams, seasons):
    """Save a match through matches.services, as the admin and the importer do."""

    def make(
        home: str,
        away: str,
        kickoff: dt.datetime,
        score: tuple[int, int] | None = None,
        *,
        season: str = "league",
        events: list[MatchEvent] | None = None,
        **fields: typing.Any,
    ) -> Match:
        match = Match(
            season=seasons[season], home=teams[home], away=teams[away], kickoff=kickoff, **fields
        )
        if score is not None:
            match.home_score, match.away_score = score
            match.status = fields.get("status", Match.Status.FINISHED)
        return match_save(match=match, actor=None, events=events)

    return make


@pytest.fixture
def league(make_match, teams):
    """A small league (four teams, four results, a fixture to come), Everton −3, and the
    League Cup final (Chelsea 0–1 Liverpool after extra time, Van Dijk 118')."""
    make_match("Liverpool", "Chelsea", uk(2023, 9, 2), (4, 1), home_score_ht=2, away_score_ht=0)
    make_match("Arsenal", "Everton", uk(2023, 9, 2, 17, 30), (1, 1))
    make_match("Chelsea", "Arsenal", uk(2023, 10, 21, 12, 30), (0, 2))
    make_match("Everton", "Liverpool", uk(2023, 10, 21), (0, 3))
    make_match("Liverpool", "Arsenal", uk(2023, 12, 23, 17, 30), round="Matchday 18")
    make_match("Chelsea", "Everton", uk(2024, 3, 10), status=Match.Status.POSTPONED)
    make_match(
        "Chelsea",
        "Liverpool",
        uk(2024, 2, 25),
        (0, 1),
        season="cup",
        round="Final",
        venue="Wembley Stadium",
        extra_time=True,
        events=[
            MatchEvent(
                team=teams["Liverpool"],
                player=Player.objects.get(slug="virgil-van-dijk"),
                minute=118,
                kind=MatchEvent.Kind.GOAL,
            ),
            MatchEvent(
                team=teams["Chelsea"],
                player_name="Moisés Caicedo",
                minute=90,
                added_minute=3,
                kind=MatchEvent.Kind.YELLOW,
            ),
        ],
    )
    season = Season.objects.get(slug="2023-24", competition__slug="premier-league")
    deduction_save(
        deduction=Deduction(season=season, team=teams["Everton"], points=3, reason="Finances")
    )


def team(short: str) -> dict[str, str]:
    return {"name": f"{short} FC", "short_name": short, "slug": short.lower()}


LEAGUE_CUP = {"name": "League Cup", "slug": "league-cup"}
SEASON = {"name": "2023–24", "slug": "2023-24"}
FINAL_ITEM = {
    "slug": FINAL,
    "url": f"http://testserver/matches/{FINAL}/",
    "competition": LEAGUE_CUP,
    "season": SEASON,
    "round": "Final",
    "kickoff": "2024-02-25T15:00:00Z",
    "home": team("Chelsea"),
    "away": team("Liverpool"),
    "venue": "Wembley Stadium",
    "status": "finished",
    "score": {
        "home": 0,
        "away": 1,
        "home_ht": None,
        "away_ht": None,
        "extra_time": True,
        "home_penalties": None,
        "away_penalties": None,
    },
}


def slugs(client, query: str) -> list[str]:
    response = client.get(f"/api/matches?{query}")
    assert response.status_code == HTTPStatus.OK, response.json()
    return [item["slug"] for item in response.json()["items"]]


# ---------- GET /api/matches ----------


def test_a_listed_match_says_everything_a_fixture_list_shows(client, league):
    assert client.get("/api/matches?competition=league-cup").json() == {
        "items": [FINAL_ITEM],
        "count": 1,
    }


def test_a_fixture_has_no_score_and_plays_at_the_home_ground(client, league):
    [fixture] = client.get("/api/matches?status=scheduled").json()["items"]
    assert fixture == {
        "slug": "liverpool-v-arsenal-2023-12-23",
        "url": "http://testserver/matches/liverpool-v-arsenal-2023-12-23/",
        "competition": {"name": "Premier League", "slug": "premier-league"},
        "season": SEASON,
        "round": "Matchday 18",
        "kickoff": "2023-12-23T17:30:00Z",
        "home": team("Liverpool"),
        "away": team("Arsenal"),
        "venue": "Anfield",
        "status": "scheduled",
        "score": None,
    }


def test_kickoff_is_in_utc(client, league):
    # 15:00 in London on 2 September 2023 (summer time) is 14:00 UTC.
    [match] = client.get("/api/matches?limit=1").json()["items"]
    assert (match["slug"], match["kickoff"]) == (
        "liverpool-v-chelsea-2023-09-02",
        "2023-09-02T14:00:00Z",
    )


def test_matches_come_by_kickoff_earliest_first(client, league):
    assert slugs(client, "") == [
        "liverpool-v-chelsea-2023-09-02",
        "arsenal-v-everton-2023-09-02",
        "chelsea-v-arsenal-2023-10-21",
        "everton-v-liverpool-2023-10-21",
        "liverpool-v-arsenal-2023-12-23",
        FINAL,
        "chelsea-v-everton-2024-03-10",
    ]
    assert slugs(client, "order=-kickoff&limit=2") == ["chelsea-v-everton-2024-03-10", FINAL]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("competition=league-cup", [FINAL]),
        ("season=2023-24&team=chelsea&competition=premier-league", [
            "liverpool-v-chelsea-2023-09-02",
            "chelsea-v-arsenal-2023-10-21",
            "chelsea-v-everton-2024-03-10",
        ]),
        ("season=2022-23", []),
        ("team=liverpool&status=finished", [
            "liverpool-v-chelsea-2023-09-02",
            "everton-v-liverpool-2023-10-21",
            FINAL,
        ]),
        ("status=postponed", ["chelsea-v-everton-2024-03-10"]),
        # from ≤ kickoff < to, with any offset.
        ("from=2023-10-21T11:30:00Z&to=2023-10-21T15:00:00%2B01:00", [
            "chelsea-v-arsenal-2023-10-21",
        ]),
        ("from=2024-02-25T15:00:00Z", [FINAL, "chelsea-v-everton-2024-03-10"]),
        ("to=2023-09-02T14:00:00Z", []),
        ("from=2024-01-01T00:00:00Z&to=2023-01-01T00:00:00Z", []),
    ],
)  # fmt: skip
def test_filters(client, league, query, expected):
    assert slugs(client, query) == expected


@pytest.mark.parametrize(
    "query, detail",
    [
        ("competition=la-liga", "Unknown competition “la-liga”."),
        ("season=1999-00", "Unknown season “1999-00”."),
        ("competition=league-cup&season=2022-23", "The League Cup has no season “2022-23”."),
        ("team=luton", "Unknown team “luton”."),
        ("competition=la-liga&team=luton", "Unknown competition “la-liga”."),
    ],
)
def test_what_does_not_exist_is_a_404(client, league, query, detail):
    response = client.get(f"/api/matches?{query}")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": detail}


def error(name: str, msg: str, kind: str, **ctx: object) -> dict[str, object]:
    detail: dict[str, object] = {"type": kind, "loc": ["query", name], "msg": msg}
    return {"detail": [{**detail, "ctx": ctx} if ctx else detail]}


STATUSES = "'scheduled', 'live', 'finished', 'postponed', 'cancelled', 'abandoned' or 'awarded'"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("from=0.5", error("from", DATETIME, "date_time_format")),
        ("to=2024-02-25", error("to", DATETIME, "date_time_format")),
        ("team=liverpool&team=chelsea", error(
            "team", "team: give this parameter once", "repeated_parameter"
        )),
        ("from=2024-01-01T00:00:00Z&from=2024-02-01T00:00:00Z", error(
            "from", "from: give this parameter once", "repeated_parameter"
        )),
        ("status=done", error(
            "status", f"Input should be {STATUSES}", "literal_error", expected=STATUSES
        )),
        ("team=Liverpool FC", error(
            "team",
            f"String should match pattern '{SLUG_PATTERN}'",
            "string_pattern_mismatch",
            pattern=SLUG_PATTERN,
        )),
        ("order=latest", error(
            "order",
            "Input should be 'kickoff' or '-kickoff'",
            "literal_error",
            expected="'kickoff' or '-kickoff'",
        )),
    ],
)  # fmt: skip
def test_invalid_parameters_are_a_422(client, league, query, expected):
    response = client.get(f"/api/matches?{query}")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == expected


def test_the_status_filter_takes_every_match_status():
    assert typing.get_args(MatchStatus) == tuple(Match.Status.values)


# ---------- GET /api/matches/{slug} ----------


@pytest.fixture
def reported(league, make_article, teams):
    """The final's report and preview, published, and a draft linked to it too."""
    final = Match.objects.get(slug=FINAL)
    for slug, role, day, status in [
        ("wembley-preview", "preview", 23, Article.Status.PUBLISHED),
        ("van-dijk-wins-it", "report", 26, Article.Status.PUBLISHED),
        ("not-yet", "report", 26, Article.Status.DRAFT),
    ]:
        article = make_article(
            slug=slug,
            title=slug.replace("-", " ").capitalize(),
            status=status,
            published_at=dt.datetime(2024, 2, day, 9, tzinfo=dt.UTC),
        )
        ArticleMatch.objects.create(article=article, match=final, role=role, picked=True)
    vvd = Player.objects.get(slug="virgil-van-dijk")
    LineupEntry.objects.bulk_create(
        [
            LineupEntry(match=final, team=teams["Chelsea"], player_name="Cole Palmer", order=1),
            LineupEntry(match=final, team=teams["Liverpool"], player=vvd, shirt_number=4, order=1),
            LineupEntry(
                match=final,
                team=teams["Liverpool"],
                player_name="Jayden Danns",
                shirt_number=76,
                starting=False,
                order=2,
            ),
        ]
    )
    return final


def test_a_match_with_its_events_line_ups_and_articles(client, reported):
    vvd = {
        "name": "Virgil van Dijk",
        "slug": "virgil-van-dijk",
        "url": "http://testserver/squad/virgil-van-dijk/",
    }
    assert client.get(f"/api/matches/{FINAL}").json() == {
        **FINAL_ITEM,
        "events": [
            {
                "minute": 90,
                "added_minute": 3,
                "kind": "yellow",
                "team": "chelsea",
                "player": None,
                "player_name": "Moisés Caicedo",
            },
            {
                "minute": 118,
                "added_minute": None,
                "kind": "goal",
                "team": "liverpool",
                "player": vvd,
                "player_name": "Virgil van Dijk",
            },
        ],
        "lineups": [
            {
                "team": "chelsea",
                "player": None,
                "player_name": "Cole Palmer",
                "shirt_number": None,
                "starting": True,
            },
            {
                "team": "liverpool",
                "player": vvd,
                "player_name": "Virgil van Dijk",
                "shirt_number": 4,
                "starting": True,
            },
            {
                "team": "liverpool",
                "player": None,
                "player_name": "Jayden Danns",
                "shirt_number": 76,
                "starting": False,
            },
        ],
        "articles": [
            {
                "slug": "van-dijk-wins-it",
                "title": "Van dijk wins it",
                "role": "report",
                "published_at": "2024-02-26T09:00:00Z",
                "url": "http://testserver/news/van-dijk-wins-it/",
            },
            {
                "slug": "wembley-preview",
                "title": "Wembley preview",
                "role": "preview",
                "published_at": "2024-02-23T09:00:00Z",
                "url": "http://testserver/news/wembley-preview/",
            },
        ],
    }


def test_an_unknown_match_is_a_404(client, league):
    response = client.get("/api/matches/liverpool-v-luton-2024-02-21")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Not Found"}


def test_a_match_is_revalidated_by_its_etag_alone(client, reported):
    first = client.get(f"/api/matches/{FINAL}")
    assert "Last-Modified" not in first
    again = client.get(f"/api/matches/{FINAL}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_an_article_lists_its_matches(client, reported):
    body = client.get("/api/articles/van-dijk-wins-it").json()
    assert body["matches"] == [
        {
            "slug": FINAL,
            "role": "report",
            "name": "Chelsea v Liverpool",
            "url": f"http://testserver/matches/{FINAL}/",
        }
    ]


def test_an_articles_etag_changes_with_its_matches(client, league, make_article):
    article = make_article(slug="story", published_at=dt.datetime(2024, 2, 26, tzinfo=dt.UTC))
    before = client.get("/api/articles/story")["ETag"]
    # As a relink after an import links it: no new version, the same body.
    ArticleMatch.objects.create(article=article, match=Match.objects.get(slug=FINAL), role="report")
    after = client.get("/api/articles/story", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == HTTPStatus.OK
    assert after["ETag"] != before and after["ETag"].startswith('"v1-')


# ---------- GET /api/tables/{competition}/{season} ----------


def row(position: int, short: str, *counts: int, deducted: int = 0, form: str) -> dict:
    played, won, drawn, lost, goals_for, goals_against, points = counts
    return {
        "position": position,
        "team": team(short),
        "played": played,
        "won": won,
        "drawn": drawn,
        "lost": lost,
        "goals_for": goals_for,
        "goals_against": goals_against,
        "goal_difference": goals_for - goals_against,
        "points": points,
        "deducted": deducted,
        "form": form,
    }


def test_a_table_with_its_deduction(client, league):
    response = client.get("/api/tables/premier-league/2023-24")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    season = Season.objects.get(slug="2023-24", competition__slug="premier-league")
    # When the deduction recomputed it (JSON times are to the millisecond).
    stored = season.table_updated_at.replace(
        microsecond=season.table_updated_at.microsecond // 1000 * 1000
    )
    assert dt.datetime.fromisoformat(body.pop("updated_at")) == stored
    assert body == {
        "competition": {"name": "Premier League", "slug": "premier-league"},
        "season": SEASON,
        "rows": [
            row(1, "Liverpool", 2, 2, 0, 0, 7, 1, 6, form="WW"),
            row(2, "Arsenal", 2, 1, 1, 0, 3, 1, 4, form="DW"),
            row(3, "Chelsea", 2, 0, 0, 2, 1, 6, 0, form="LL"),
            row(4, "Everton", 2, 0, 1, 1, 1, 4, -2, deducted=3, form="DL"),
        ],
        "deductions": [{"team": team("Everton"), "points": 3, "reason": "Finances"}],
    }
    assert response["Last-Modified"]


@pytest.mark.parametrize(
    "url, detail",
    [
        ("/api/tables/league-cup/2023-24", "The League Cup has no table: it is a cup."),
        ("/api/tables/league-cup/1999-00", "The League Cup has no table: it is a cup."),
        ("/api/tables/la-liga/2023-24", "Unknown competition “la-liga”."),
        ("/api/tables/premier-league/1999-00", "The Premier League has no season “1999-00”."),
    ],
)
def test_no_table_is_a_404_that_says_why(client, league, url, detail):
    response = client.get(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": detail}


def test_a_malformed_table_address_is_a_422(client, league):
    response = client.get("/api/tables/premier-league/2023 24")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["detail"][0]["loc"] == ["path", "season"]


def test_the_2023_24_premier_league_table_is_the_official_one(client):
    load_demo_club(SEEDS / "club.toml", teams=SEEDS / "matches" / "teams.toml")
    call_command("import_matches", str(SEEDS / "matches"), verbosity=0)
    rows = client.get("/api/tables/premier-league/2023-24").json()["rows"]
    assert [(r["team"]["short_name"], r["points"]) for r in rows[:3]] == [
        ("Man City", 91),
        ("Arsenal", 89),
        ("Liverpool", 82),
    ]
    assert [(r["position"], r["team"]["slug"], r["points"], r["deducted"]) for r in rows[-6:]] == [
        (15, "everton", 40, 8),
        (16, "brentford", 39, 0),
        (17, "nottm-forest", 32, 4),
        (18, "luton", 26, 0),
        (19, "burnley", 24, 0),
        (20, "sheffield-united", 16, 0),
    ]


# ---------- Query counts: the same with 1 and with 50 ----------


@pytest.fixture
def many(teams, seasons, make_article):
    """n cup matches of Liverpool's, each with n events and line-up entries, the last one
    with n published reports."""

    def make(n: int) -> Match:
        vvd = Player.objects.get(slug="virgil-van-dijk")
        match = None
        for i in range(n):
            match = match_save(
                match=Match(
                    season=seasons["cup"],
                    home=teams["Liverpool"],
                    away=teams["Chelsea"],
                    kickoff=uk(2023, 8, 1) + dt.timedelta(days=i),
                    home_score=1,
                    away_score=0,
                    status=Match.Status.FINISHED,
                ),
                actor=None,
            )
        assert match is not None
        MatchEvent.objects.bulk_create(
            MatchEvent(match=match, team=teams["Liverpool"], player=vvd, minute=i, kind="goal")
            for i in range(n)
        )
        LineupEntry.objects.bulk_create(
            LineupEntry(match=match, team=teams["Chelsea"], player_name=f"No {i}", order=i)
            for i in range(n)
        )
        for i in range(n):
            article = make_article(slug=f"report-{i}")
            ArticleMatch.objects.create(article=article, match=match, role="report", picked=True)
        return match

    return make


@pytest.mark.parametrize("n", [1, 50])
@pytest.mark.parametrize(
    "query, queries",
    [
        ("", 2),  # the count and the page
        ("team=liverpool", 3),  # and the filters' slugs, all in one query
        ("competition=league-cup&season=2023-24&team=liverpool&status=finished", 3),
    ],
)
def test_list_query_counts(client, many, django_assert_num_queries, n, query, queries):
    many(n)
    with django_assert_num_queries(queries):
        response = client.get(f"/api/matches?limit=100&{query}")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 50])
def test_detail_query_count(client, many, django_assert_num_queries, n):
    match = many(n)
    # The match, its events, its line-ups, its published articles.
    with django_assert_num_queries(4):
        body = client.get(f"/api/matches/{match.slug}").json()
    assert len(body["events"]) == len(body["lineups"]) == len(body["articles"]) == n


@pytest.mark.parametrize("n", [2, 50])
@pytest.mark.parametrize("deduction, queries", [(False, 2), (True, 3)])
def test_table_query_count(client, db, django_assert_num_queries, n, deduction, queries):
    competition = Competition.objects.create(name="Premier League", slug="premier-league")
    season = Season.objects.create(
        competition=competition,
        name="2023–24",
        slug="2023-24",
        starts_on=dt.date(2023, 8, 1),
        ends_on=dt.date(2024, 6, 30),
    )
    made = [team_save(team=Team(name=f"Team {i}", short_name=f"T{i}")) for i in range(n)]
    for i in range(0, n, 2):
        match_save(
            match=Match(
                season=season,
                home=made[i],
                away=made[i + 1],
                kickoff=uk(2023, 9, 2),
                home_score=1,
                away_score=0,
                status=Match.Status.FINISHED,
            ),
            actor=None,
        )
    if deduction:
        deduction_save(deduction=Deduction(season=season, team=made[0], points=1))
    assert TableRow.objects.filter(season=season).count() == n
    with django_assert_num_queries(queries):
        body = client.get("/api/tables/premier-league/2023-24").json()
    assert len(body["rows"]) == n and len(body["deductions"]) == deduction
