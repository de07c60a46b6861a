"""Saving a match: its address, its calendar sequence, the stored table it moves, its
revisions; and the match desk in the admin, where a result and its scorers go in on one page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from matches.models import Competition, Deduction, Match, MatchEvent, Season, TableRow, Team
from matches.services import competition_save, deduction_save, match_restore, match_save, team_save
from revisions.models import Actor, Revision, Via

LONDON = ZoneInfo("Europe/London")
ADMIN = Actor(Via.ADMIN)


def at(day: str, time: str = "15:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LONDON)


@pytest.fixture
def league(db):
    competition = Competition.objects.create(name="Premier League", slug="premier-league")
    season = Season.objects.create(
        competition=competition,
        name="2023–24",
        slug="2023-24",
        starts_on=dt.date(2023, 8, 11),
        ends_on=dt.date(2024, 5, 19),
    )
    teams = {
        slug: team_save(team=Team(name=name, short_name=short, is_club=slug == "liverpool"))
        for slug, name, short in [
            ("liverpool", "Liverpool FC", "Liverpool"),
            ("chelsea", "Chelsea FC", "Chelsea"),
            ("arsenal", "Arsenal FC", "Arsenal"),
            ("everton", "Everton FC", "Everton"),
        ]
    }
    return season, teams


def play(season, home, away, score=None, *, day="2023-09-02", actor=ADMIN, **fields) -> Match:
    match = Match(season=season, home=home, away=away, kickoff=at(day), **fields)
    if score is not None:
        match.home_score, match.away_score = score
        match.status = Match.Status.FINISHED
    return match_save(match=match, actor=actor)


def table(season) -> list[tuple[str, int, int, int]]:
    return [
        (row.team.short_name, row.played, row.goal_difference, row.points)
        for row in TableRow.objects.of(season)
    ]


def test_a_match_gets_its_address_from_the_teams_and_the_day_in_uk_time(league):
    season, teams = league
    late = Match(
        season=season,
        home=teams["chelsea"],
        away=teams["liverpool"],
        # 00:30 in London on 3 September is still 2 September in UTC.
        kickoff=dt.datetime(2023, 9, 2, 23, 30, tzinfo=dt.UTC),
    )
    match_save(match=late, actor=None)
    assert late.slug == "chelsea-v-liverpool-2023-09-03"
    assert late.get_absolute_url() == "/matches/chelsea-v-liverpool-2023-09-03/"


def test_every_team_has_a_row_before_a_ball_is_kicked(league):
    season, teams = league
    play(season, teams["liverpool"], teams["chelsea"])
    play(season, teams["arsenal"], teams["everton"])
    assert table(season) == [
        ("Arsenal", 0, 0, 0),
        ("Chelsea", 0, 0, 0),
        ("Everton", 0, 0, 0),
        ("Liverpool", 0, 0, 0),
    ]


def test_a_result_moves_the_stored_table_and_an_edit_of_it_moves_it_again(league):
    season, teams = league
    match = play(season, teams["liverpool"], teams["chelsea"])
    play(season, teams["arsenal"], teams["everton"], (1, 1))
    match.home_score, match.away_score, match.status = 1, 2, Match.Status.FINISHED
    match_save(match=match, actor=ADMIN)
    assert table(season) == [
        ("Chelsea", 1, 1, 3),
        ("Arsenal", 1, 0, 1),
        ("Everton", 1, 0, 1),
        ("Liverpool", 1, -1, 0),
    ]
    match.home_score = 3
    match_save(match=match, actor=ADMIN)
    assert table(season)[0] == ("Liverpool", 1, 1, 3)
    assert TableRow.objects.of(season).get(team=teams["liverpool"]).form == "W"


def test_postponed_and_cancelled_matches_count_for_nothing(league):
    season, teams = league
    play(season, teams["liverpool"], teams["chelsea"], (2, 0))
    match = play(season, teams["arsenal"], teams["everton"], (3, 0))
    match.status = Match.Status.CANCELLED
    match_save(match=match, actor=ADMIN)
    assert table(season)[:2] == [("Liverpool", 1, 2, 3), ("Arsenal", 0, 0, 0)]


def test_a_deduction_moves_the_table(league):
    season, teams = league
    play(season, teams["everton"], teams["chelsea"], (1, 0))
    deduction_save(deduction=Deduction(season=season, team=teams["everton"], points=8))
    row = TableRow.objects.of(season).get(team=teams["everton"])
    assert (row.points, row.deducted, row.position) == (-5, 8, 2)  # below Chelsea on 0


def test_a_cup_has_no_table(league):
    _, teams = league
    cup = Competition.objects.create(name="FA Cup", slug="fa-cup", kind=Competition.Kind.CUP)
    season = Season.objects.create(
        competition=cup,
        name="2023–24",
        slug="2023-24",
        starts_on=dt.date(2023, 8, 1),
        ends_on=dt.date(2024, 5, 25),
    )
    play(season, teams["arsenal"], teams["liverpool"], (0, 2), day="2024-01-07")
    assert not TableRow.objects.filter(season=season).exists()


def test_the_calendar_sequence_rises_when_the_kickoff_or_the_status_moves(league):
    season, teams = league
    match = play(season, teams["liverpool"], teams["chelsea"])
    assert match.sequence == 0
    match.round = "Matchday 4"  # not something a calendar shows
    match_save(match=match, actor=ADMIN)
    assert match.sequence == 0
    match.kickoff = at("2023-09-02", "17:30")
    match_save(match=match, actor=ADMIN)
    match.status = Match.Status.POSTPONED
    match_save(match=match, actor=ADMIN)
    assert Match.objects.get(pk=match.pk).sequence == 2


def test_a_match_that_breaks_the_rules_says_which(league):
    season, teams = league
    match = Match(
        season=season,
        home=teams["liverpool"],
        away=teams["liverpool"],
        kickoff=at("2024-06-01"),
        status=Match.Status.FINISHED,
        home_score=1,
    )
    with pytest.raises(ValidationError) as refused:
        match.full_clean(exclude=["slug"])
    assert refused.value.message_dict == {
        "away": ["A team cannot play itself."],
        "away_score": ["Give both scores, or neither."],
        "kickoff": ["1 June 2024 is outside the 2023–24 season (11 August 2023 to 19 May 2024)."],
    }


def test_every_save_of_a_match_is_a_revision_with_its_events_and_restores(league):
    season, teams = league
    match = play(season, teams["liverpool"], teams["chelsea"], (1, 0))
    scorer = MatchEvent(
        team=teams["liverpool"], player_name="Darwin Núñez", minute=90, added_minute=3, kind="goal"
    )
    match_save(match=match, actor=ADMIN, events=[scorer])
    first = Revision.objects.of(match).last()
    latest = Revision.objects.latest_of(match)
    assert first.data["events"] == []
    assert latest.data["events"] == [
        {
            "team_id": teams["liverpool"].pk,
            "player_id": None,
            "player_name": "Darwin Núñez",
            "minute": 90,
            "added_minute": 3,
            "kind": "goal",
        }
    ]
    assert first is not None
    match_restore(match=match, revision=first, actor=Actor(Via.RESTORE))
    assert list(match.events.all()) == []
    assert Revision.objects.of(match).count() == 3


def test_a_result_goes_in_on_one_page_of_the_admin(league, admin_client):
    season, teams = league
    match = play(season, teams["liverpool"], teams["chelsea"])
    page = admin_client.get(f"/admin/matches/match/{match.pk}/change/")
    assert page.status_code == 200
    # The rows of goals and cards offer the match's two teams only.
    team_choices = page.context["inline_admin_formsets"][0].formset.forms[0].fields["team"]
    assert set(team_choices.queryset) == {teams["liverpool"], teams["chelsea"]}
    local = match.local_kickoff
    form = {
        "season": season.pk,
        "round": "Matchday 4",
        "kickoff_0": local.strftime("%Y-%m-%d"),
        "kickoff_1": local.strftime("%H:%M:%S"),
        "home": teams["liverpool"].pk,
        "away": teams["chelsea"].pk,
        "venue": "",
        "status": "finished",
        "home_score": "2",
        "away_score": "1",
        "home_score_ht": "1",
        "away_score_ht": "0",
        "home_penalties": "",
        "away_penalties": "",
        "slug": match.slug,
        "events-TOTAL_FORMS": "2",
        "events-INITIAL_FORMS": "0",
        "events-0-minute": "23",
        "events-0-kind": "goal",
        "events-0-team": teams["liverpool"].pk,
        "events-0-player_name": "Mohamed Salah",
        "events-1-minute": "67",
        "events-1-kind": "yellow",
        "events-1-team": teams["chelsea"].pk,
        "events-1-player_name": "Enzo Fernández",
        "lineups-TOTAL_FORMS": "0",
        "lineups-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/admin/matches/match/{match.pk}/change/", form)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert table(season)[0] == ("Liverpool", 1, 1, 3)
    assert [event.clock for event in Match.objects.get(pk=match.pk).events.all()] == ["23'", "67'"]
    latest = Revision.objects.latest_of(match)
    assert (latest.source, len(latest.data["events"]), latest.data["home_score"]) == ("admin", 2, 2)


def test_the_history_of_a_match_compares_its_results_and_events(league, admin_client):
    season, teams = league
    match = play(season, teams["liverpool"], teams["chelsea"], (1, 0))
    scorer = MatchEvent(team=teams["liverpool"], player_name="Luis Díaz", minute=12, kind="goal")
    match_save(match=match, actor=ADMIN, events=[scorer])
    page = admin_client.get(f"/admin/matches/match/{match.pk}/history/")
    assert page.status_code == 200
    assert "Changed goals, cards and substitutions" in page.content.decode()


def test_a_match_moved_to_another_season_leaves_one_table_for_the_other(league):
    season, teams = league
    match = play(season, teams["liverpool"], teams["chelsea"], (1, 0))
    later = Season.objects.create(
        competition=season.competition,
        name="2024–25",
        slug="2024-25",
        starts_on=dt.date(2023, 8, 1),  # overlapping, so the same day fits both
        ends_on=dt.date(2025, 5, 25),
    )
    match.season = later
    match_save(match=match, actor=ADMIN)
    assert table(season) == []
    assert table(later) == [("Liverpool", 1, 1, 3), ("Chelsea", 1, -1, 0)]


def test_a_deleted_match_leaves_the_table(league, admin_client):
    season, teams = league
    match = play(season, teams["liverpool"], teams["chelsea"], (1, 0))
    play(season, teams["arsenal"], teams["everton"], (2, 2))
    response = admin_client.post(f"/admin/matches/match/{match.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert table(season) == [("Arsenal", 1, 0, 1), ("Everton", 1, 0, 1)]


def test_a_moved_kickoff_reorders_the_form(league):
    season, teams = league
    win = play(season, teams["liverpool"], teams["chelsea"], (1, 0), day="2023-09-02")
    play(season, teams["arsenal"], teams["liverpool"], (1, 0), day="2023-09-16")
    assert TableRow.objects.of(season).get(team=teams["liverpool"]).form == "WL"
    win.kickoff = at("2023-09-30")
    match_save(match=win, actor=ADMIN)
    assert TableRow.objects.of(season).get(team=teams["liverpool"]).form == "LW"


def test_the_player_page_names_the_match_apps_values_as_it_has_them():
    # players cannot import matches (it reads them through reverse relations), so it spells
    # the values out: this keeps them in step.
    from players import views

    assert set(views.PLAYED) == set(Match.DECIDED)
    assert set(views.GOALS) == set(MatchEvent.GOALS)
    assert set(views.ON_THE_PITCH) <= set(MatchEvent.Kind.values)


def test_the_stored_html_follows_the_match_its_teams_and_its_competition(league):
    season, teams = league
    match = play(season, teams["liverpool"], teams["chelsea"], (2, 1))
    match.refresh_from_db()
    assert 'href="/matches/liverpool-v-chelsea-2023-09-02/"' in match.row_html
    assert "Premier League" in match.row_html and "Last result" in match.card_html
    season.refresh_from_db()
    assert '<span class="standings__name">Chelsea</span>' in season.table_html
    assert '<tr class="is-club">' in season.excerpt_html
    # A result changed, a team renamed, a competition renamed: every stored copy follows.
    match.home_score = 0
    match_save(match=match, actor=None)
    match.refresh_from_db()
    assert "fixture__score" in match.row_html and ">0<" in match.row_html
    chelsea = teams["chelsea"]
    chelsea.short_name = "The Blues"
    team_save(team=chelsea)
    season.competition.name = "The League"
    competition_save(competition=season.competition)
    match.refresh_from_db()
    season.refresh_from_db()
    assert "The Blues" in match.row_html and "The Blues" in match.card_html
    assert "The League" in match.row_html and "Premier League" not in match.card_html
    assert "The Blues" in season.table_html and "The Blues" in season.excerpt_html
    # A fixture's card is the next match's; a cancelled match has none.
    fixture = play(season, teams["everton"], teams["liverpool"], day="2023-10-07")
    assert "Next match" in fixture.card_html and "Everton" in fixture.row_html
    fixture.status = Match.Status.CANCELLED
    match_save(match=fixture, actor=None)
    assert fixture.card_html == "" and "Cancelled" in fixture.row_html
