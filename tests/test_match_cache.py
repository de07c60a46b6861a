"""Match pages with the page cache on: a result entered changes every page that shows it at
once, and a kickoff passing moves "next match" on by itself, with no edit and no cron job."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from matches.models import Competition, Match, MatchEvent, Season, Team
from matches.services import match_save, team_save
from players.models import Player
from revisions.models import Actor, Via
from tests.test_pagecache import page_cache  # noqa: F401  (the cache on, locmem and Redis)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

LONDON = ZoneInfo("Europe/London")
KICKOFF = dt.datetime(2031, 3, 1, 15, tzinfo=LONDON)  # a Saturday, GMT
NEXT = dt.datetime(2031, 3, 8, 17, 30, tzinfo=LONDON)


@pytest.fixture
def league(club):
    league = Competition.objects.create(name="Premier League", slug="premier-league")
    season = Season.objects.create(
        competition=league,
        name="2030–31",
        slug="2030-31",
        starts_on=dt.date(2030, 8, 1),
        ends_on=dt.date(2031, 5, 31),
    )
    teams = {
        slug: team_save(
            team=Team(slug=slug, name=f"{short} FC", short_name=short, is_club=slug == "liverpool")
        )
        for slug, short in [
            ("liverpool", "Liverpool"),
            ("chelsea", "Chelsea"),
            ("everton", "Everton"),
        ]
    }
    return season, teams


def fixture(season, home, away, kickoff) -> Match:
    return match_save(
        match=Match(season=season, home=home, away=away, kickoff=kickoff), actor=Actor(Via.ADMIN)
    )


def next_match(client) -> str:
    """The home page's next match, as its card reads: "Liverpool v Chelsea"."""
    page = client.get("/").content.decode()
    card = re.search(r'id="next-heading".*?</article>', page, re.S)
    if card is None:
        return ""
    names = re.findall(r'class="match-card__team">.*?<span>([^<]+)</span></span>', card.group())
    return " v ".join(names)


def test_next_match_moves_on_when_a_match_is_over_with_no_edit(client, league):
    season, teams = league
    with time_machine.travel(KICKOFF - dt.timedelta(days=1), tick=False) as clock:
        fixture(season, teams["liverpool"], teams["chelsea"], KICKOFF)
        fixture(season, teams["everton"], teams["liverpool"], NEXT)
        assert next_match(client) == "Liverpool v Chelsea"
        assert client.get("/")["X-Page-Cache"] == "hit"
        clock.move_to(KICKOFF + dt.timedelta(hours=1))
        # Kicked off (pages change then: a cancelled match joins the results), and still the
        # next match until it is over.
        assert next_match(client) == "Liverpool v Chelsea"
        assert client.get("/")["X-Page-Cache"] == "hit"
        clock.move_to(KICKOFF + Match.LENGTH)
        assert next_match(client) == "Everton v Liverpool"


def test_matches_an_import_creates_say_when_they_change_the_pages(client, league, tmp_path):
    fixtures = {
        "name": "English Premier League 2030/31",
        "matches": [
            {
                "round": "Matchday 27",
                "date": "2031-03-01",
                "time": "15:00",
                "team1": "Liverpool FC",
                "team2": "Chelsea FC",
            },
            {
                "round": "Matchday 28",
                "date": "2031-03-08",
                "time": "17:30",
                "team1": "Everton FC",
                "team2": "Liverpool FC",
            },
        ],
    }
    path = tmp_path / "fixtures.json"
    path.write_text(json.dumps(fixtures))
    with time_machine.travel(KICKOFF - dt.timedelta(days=1), tick=False) as clock:
        assert next_match(client) == ""
        call_command(
            "import_matches", str(path), "--competition", "premier-league", stdout=io.StringIO()
        )
        assert next_match(client) == "Liverpool v Chelsea"
        clock.move_to(KICKOFF + Match.LENGTH)
        assert next_match(client) == "Everton v Liverpool"


def test_a_result_entered_changes_every_page_that_shows_it_at_once(client, league):
    season, teams = league
    with time_machine.travel(KICKOFF - dt.timedelta(days=1), tick=False) as clock:
        match = fixture(season, teams["liverpool"], teams["chelsea"], KICKOFF)
        salah = Player.objects.get(slug="mohamed-salah")
        pages = [
            "/",
            match.get_absolute_url(),
            "/tables/premier-league/2030-31/",
            "/squad/mohamed-salah/",
        ]
        clock.move_to(KICKOFF + dt.timedelta(hours=2))
        for path in pages:
            assert client.get(path).status_code == 200
            assert client.get(path)["X-Page-Cache"] == "hit", path
        match.status, match.home_score, match.away_score = Match.Status.FINISHED, 2, 0
        goal = MatchEvent(team=teams["liverpool"], player=salah, minute=9, kind="goal")
        match_save(match=match, actor=Actor(Via.ADMIN), events=[goal])
        home, detail, table, player = (client.get(path) for path in pages)
        assert {response["X-Page-Cache"] for response in (home, detail, table, player)} == {"miss"}
        assert 'class="match-card__score"' in home.content.decode()
        assert "Mohamed Salah" in detail.content.decode()
        liverpool = re.search(
            r'<tr class="[^"]*is-club[^"]*".*?</tr>', table.content.decode(), re.S
        )
        assert liverpool is not None and ">3<" in liverpool.group()
        figures = player.content.decode()
        assert "Premier League" in figures and "2030–31" in figures
