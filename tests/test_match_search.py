"""Teams in the site's search: a team a search names comes first, with the club's matches
against it; the club itself and words that name no team add nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from matches.models import Competition, Match, Season, Team
from matches.search import teams_named
from matches.services import match_save, team_save
from revisions.models import Actor, Via

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def teams(db):
    cup = Competition.objects.create(name="League Cup", slug="league-cup", kind="cup")
    season = Season.objects.create(
        competition=cup,
        name="2023–24",
        slug="2023-24",
        starts_on=dt.date(2023, 8, 1),
        ends_on=dt.date(2024, 3, 31),
    )
    rows: list[tuple[str, str, str, str, dict[str, Any]]] = [
        ("liverpool", "Liverpool FC", "Liverpool", "The Reds", {"is_club": True}),
        ("chelsea", "Chelsea FC", "Chelsea", "The Blues", {"ground": "Stamford Bridge"}),
        ("manchester-city", "Manchester City FC", "Man City", "City", {}),
        ("nottingham-forest", "Nottingham Forest FC", "Nottm Forest", "Nott'm Forest", {}),
    ]
    made = {
        slug: team_save(team=Team(slug=slug, name=name, short_name=short, aliases=aliases, **extra))
        for slug, name, short, aliases, extra in rows
    }
    final = Match(
        season=season,
        round="Final",
        home=made["chelsea"],
        away=made["liverpool"],
        kickoff=dt.datetime(2024, 2, 25, 15, tzinfo=LONDON),
        venue="Wembley Stadium",
        status=Match.Status.FINISHED,
        home_score=0,
        away_score=1,
        extra_time=True,
    )
    match_save(match=final, actor=Actor(Via.ADMIN))
    return made


@pytest.mark.parametrize(
    "query, found",
    [
        ("chelsea", ["chelsea"]),
        ("Chelsea final", ["chelsea"]),
        ("the blues", ["chelsea"]),
        ("MAN CITY", ["manchester-city"]),
        ("nottm forest", ["nottingham-forest"]),
        ("Nott'm Forest", ["nottingham-forest"]),
        ("forest", ["nottingham-forest"]),  # a run of words in a name
        ("che", []),  # too short to be a part of a name
        ("liverpool", []),  # the club is not an opponent
        ("the", []),
        ("", []),
    ],
)
def test_a_search_names_a_team_by_a_name_or_part_of_one(teams, query, found):
    assert [team.slug for team in teams_named(query, list(Team.objects.all()))] == found


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_team_and_the_clubs_matches_against_it_come_before_the_stories(client, teams):
    page = client.get("/search/", {"q": "the blues"})
    html = page.content.decode()
    section = html[html.index('class="search-teams"') : html.index('class="search-summary"')]
    assert "Chelsea FC · Stamford Bridge" in text(section)
    # The score as people read it, and as screen readers say it ("0 to 1").
    assert "Final Chelsea CHE 0 – to 1 LIV Liverpool AET Away · Wembley Stadium W Won" in text(
        section
    )
    assert 'href="/matches/chelsea-v-liverpool-2024-02-25/"' in section


def test_a_team_without_matches_says_so_and_the_second_page_shows_no_teams(client, teams):
    page = client.get("/search/", {"q": "man city"}).content.decode()
    assert "No matches with Liverpool FC on the site." in page
    assert (
        'class="search-teams"'
        not in client.get("/search/", {"q": "man city", "page": 2}).content.decode()
    )
