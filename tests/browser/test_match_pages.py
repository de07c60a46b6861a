"""The match pages in real headless Chromium, on match week: fixtures and results, a match
with its line-ups and report, the league table and the home page's match blocks, at phone
and desktop widths; no horizontal scroll (the table at 360 px included), no console or CSP
errors, axe clean. Skips as tests/browser/test_pages.py does without a browser."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from articles.models import ArticleMatch
from matches.models import Competition, Deduction, LineupEntry, Match, MatchEvent, Season, Team
from matches.services import deduction_save, match_save, team_save
from players.models import Player
from tests.browser import test_pages
from tests.browser.test_pages import SHOTS, check

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The browser, and a page at each width, as the site's other browser tests have them.
browser = test_pages.browser
page = test_pages.page

CLUBS = [
    ("Liverpool", "Anfield"),
    ("Chelsea", "Stamford Bridge"),
    ("Arsenal", "Emirates Stadium"),
    ("Manchester City", "Etihad Stadium"),
    ("Nottingham Forest", "City Ground"),
    ("Everton", "Goodison Park"),
    ("Brighton & Hove Albion", "Amex Stadium"),
    ("Sheffield United", "Bramall Lane"),
]
SHORT = {
    "Manchester City": "Man City",
    "Nottingham Forest": "Nott'm Forest",
    "Brighton & Hove Albion": "Brighton",
    "Sheffield United": "Sheffield Utd",
}


@pytest.fixture
def match_week(seeded, make_article):
    """A league season in progress around today: every club has played every other once, the
    club's next match is in three days, one is postponed; a won cup final with its scorer,
    cards, line-ups and a report."""
    now = timezone.now()
    teams = [
        team_save(
            team=Team(
                name=f"{name} FC", short_name=SHORT.get(name, name), ground=ground,
                is_club=name == "Liverpool",
            )
        )
        for name, ground in CLUBS
    ]  # fmt: skip
    league = Competition.objects.create(name="Premier League", slug="premier-league")
    cup = Competition.objects.create(name="League Cup", slug="league-cup", kind="cup")
    dates = {"starts_on": (now - dt.timedelta(days=200)).date(), "ends_on": (now + dt.timedelta(days=200)).date()}  # fmt: skip
    season = Season.objects.create(competition=league, name="This season", slug="this", **dates)
    cup_season = Season.objects.create(competition=cup, name="This season", slug="this", **dates)
    day = 0
    for i, home in enumerate(teams):
        for away in teams[i + 1 :]:
            day += 1
            goals = (day * 7 % 4, day * 3 % 3)
            match_save(
                match=Match(
                    season=season, home=home, away=away, round=f"Matchday {day}",
                    kickoff=now - dt.timedelta(days=60 - day, hours=3), status="finished",
                    home_score=goals[0], away_score=goals[1],
                    home_score_ht=min(goals[0], 1), away_score_ht=0,
                ),
                actor=None,
            )  # fmt: skip
    club, chelsea, forest = teams[0], teams[1], teams[4]
    for days, opponent, status in ((3, chelsea, "scheduled"), (10, forest, "postponed")):
        match_save(
            match=Match(
                season=season, home=club, away=opponent, round="Matchday 30",
                kickoff=now + dt.timedelta(days=days), status=status,
            ),
            actor=None,
        )  # fmt: skip
    deduction_save(deduction=Deduction(season=season, team=forest, points=4, reason="PSR breach."))
    vvd, elliott, gravenberch, endo = (
        Player.objects.get(slug=slug)
        for slug in ("virgil-van-dijk", "harvey-elliott", "ryan-gravenberch", "wataru-endo")
    )
    final = match_save(
        match=Match(
            season=cup_season, home=chelsea, away=club, round="Final", venue="Wembley Stadium",
            kickoff=now - dt.timedelta(days=5), status="finished", home_score=0, away_score=1,
            home_score_ht=0, away_score_ht=0, extra_time=True,
        ),
        actor=None,
        events=[
            MatchEvent(team=club, player=gravenberch, minute=28, kind="sub_off"),
            MatchEvent(team=club, player=elliott, minute=28, kind="sub_on"),
            MatchEvent(team=chelsea, player_name="Cole Palmer", minute=45, added_minute=2, kind="yellow"),
            MatchEvent(team=club, player=endo, minute=60, kind="yellow"),
            MatchEvent(team=club, player=vvd, minute=118, kind="goal"),
        ],
    )  # fmt: skip
    for order, (team, player, name, starting) in enumerate(
        [
            (club, vvd, "", True),
            (club, gravenberch, "", True),
            (club, endo, "", True),
            (club, elliott, "", False),
            (chelsea, None, "Cole Palmer", True),
            (chelsea, None, "Mykhailo Mudryk", False),
        ]
    ):
        LineupEntry.objects.create(
            match=final, team=team, player=player, player_name=name, starting=starting,
            shirt_number=order + 2, order=order,
        )  # fmt: skip
    report = make_article(title="Van Dijk heads Liverpool to the cup", published_at=now)
    ArticleMatch.objects.create(article=report, match=final, role="report", picked=True)
    return final


def no_horizontal_scroll(page) -> None:
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_fixtures_and_results(page, live_server, match_week):
    page.goto(live_server.url + "/matches/")
    check(page, "matches")
    no_horizontal_scroll(page)
    fixtures = page.get_by_role("region", name="Fixtures")
    assert fixtures.get_by_role("link", name=re.compile("Liverpool v Chelsea")).is_visible()
    assert fixtures.get_by_text("Postponed").is_visible()
    results = page.get_by_role("region", name="Results")
    assert results.get_by_role("link", name=re.compile("Chelsea 0 to 1 Liverpool")).is_visible()
    assert page.get_by_role("link", name="Subscribe").get_attribute("href").startswith("webcal://")


def test_a_match_with_its_report(page, live_server, match_week):
    page.goto(live_server.url + "/matches/")
    page.get_by_role("link", name=re.compile("Chelsea 0 to 1 Liverpool")).click()
    page.wait_for_url(f"**{match_week.get_absolute_url()}")
    check(page, "match")
    no_horizontal_scroll(page)
    # Read out as "Chelsea 0 to 1 Liverpool": the crests' initials and the dash are hidden.
    name = re.compile(r"^Chelsea\s+0\s+to\s+1\s+Liverpool$")
    assert page.get_by_role("heading", level=1, name=name).is_visible()
    assert page.get_by_text("After extra time").first.is_visible()
    assert page.get_by_role("link", name="Virgil van Dijk").first.is_visible()
    assert page.get_by_role("heading", name="Line-ups").is_visible()
    report = page.get_by_role("link", name="Van Dijk heads Liverpool to the cup")
    assert report.is_visible()
    report.click()
    page.wait_for_url("**/news/**")


def test_the_table(page, live_server, match_week):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Table").click()
    page.wait_for_url("**/tables/premier-league/this/")
    check(page, "table")
    no_horizontal_scroll(page)
    club = page.locator("tr.is-club")
    assert club.locator(".standings__name").inner_text() == "Liverpool"
    assert page.get_by_text("Nott'm Forest −4 points: PSR breach.").is_visible()
    # The points column is in view without scrolling the table's box.
    box = page.locator(".standings-box").bounding_box()
    points = page.locator("thead .standings__pts").bounding_box()
    assert points["x"] + points["width"] <= box["x"] + box["width"]


def test_the_table_on_a_360_px_phone(browser, live_server, match_week):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    phone = context.new_page()
    errors: list[str] = []

    def console(message) -> None:
        if message.type == "error":
            errors.append(message.text)

    phone.on("console", console)
    phone.goto(live_server.url + "/tables/premier-league/this/")
    phone.wait_for_load_state("load")
    assert errors == []
    no_horizontal_scroll(phone)
    box = phone.locator(".standings-box").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    for column in (".standings__team", ".standings__pts"):
        cell = phone.locator(f"thead {column}").bounding_box()
        assert cell["x"] + cell["width"] <= box["x"] + box["width"], column
    # The form is in the box's own scroll, and the page says so.
    assert phone.get_by_text("Swipe the table for form").is_visible()
    assert phone.evaluate("document.querySelector('.standings-box').scrollWidth") > box["width"]
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=SHOTS / "table-360.png", full_page=True)
    context.close()


def test_home_on_match_week(page, live_server, match_week):
    page.goto(live_server.url + "/")
    check(page, "home-match-week")
    no_horizontal_scroll(page)
    assert page.get_by_role("heading", name="Next match").is_visible()
    assert page.get_by_role("link", name=re.compile("Liverpool v Chelsea")).first.is_visible()
    assert page.get_by_role("heading", name=re.compile("Last result")).is_visible()
    assert page.locator(".standings--compact tbody tr").count() == 5
    assert page.locator(".standings--compact tr.is-club").count() == 1


def test_player_figures(page, live_server, match_week):
    page.goto(live_server.url + "/squad/virgil-van-dijk/")
    check(page, "player-figures")
    no_horizontal_scroll(page)
    table = page.get_by_role("table", name=re.compile("appearances, goals and cards"))
    assert table.get_by_role("row").nth(1).inner_text().split() == [
        "This", "season", "League", "Cup", "1", "1", "0", "0",
    ]  # fmt: skip
