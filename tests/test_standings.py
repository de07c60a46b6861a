"""matches.standings: league tables from results, without the database."""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from matches.standings import (
    HEAD_TO_HEAD_FIRST,
    PREMIER_LEAGUE,
    TIE_BREAKERS,
    Result,
    Row,
    standings,
)

DATA = Path(settings.BASE_DIR).parent / "shared" / "data"
SEASON_START = datetime(2024, 8, 17, 15, 0)


def results(*scores: str) -> list[Result]:
    """Results from lines like "A 2-1 B", a day apart in the order given."""
    made = []
    for day, score in enumerate(scores):
        home, goals, away = score.split()
        home_goals, away_goals = goals.split("-")
        kickoff = SEASON_START + timedelta(days=day)
        made.append(Result(home, away, int(home_goals), int(away_goals), kickoff))
    return made


def order(rows: list[Row]) -> list[object]:
    return [row.team for row in rows]


def premier_league_2023_24() -> list[Result]:
    """The 380 results of openfootball's 2023–24 Premier League, kickoffs in UK local time."""
    season = json.loads((DATA / "openfootball-en.1-2023-24.json").read_text(encoding="utf-8"))
    return [
        Result(
            home=match["team1"],
            away=match["team2"],
            home_goals=match["score"]["ft"][0],
            away_goals=match["score"]["ft"][1],
            kickoff=datetime.fromisoformat(f"{match['date']}T{match['time']}"),
        )
        for match in season["matches"]
    ]


def test_the_premier_league_2023_24_table_is_the_official_one():
    rows = standings(
        [], premier_league_2023_24(), deductions={"Everton FC": 8, "Nottingham Forest FC": 4}
    )

    assert [
        (
            row.position,
            row.team,
            row.played,
            row.won,
            row.drawn,
            row.lost,
            row.goals_for,
            row.goals_against,
            row.points,
        )
        for row in rows
    ] == [
        (1, "Manchester City FC", 38, 28, 7, 3, 96, 34, 91),
        (2, "Arsenal FC", 38, 28, 5, 5, 91, 29, 89),
        (3, "Liverpool FC", 38, 24, 10, 4, 86, 41, 82),
        (4, "Aston Villa FC", 38, 20, 8, 10, 76, 61, 68),
        (5, "Tottenham Hotspur FC", 38, 20, 6, 12, 74, 61, 66),
        (6, "Chelsea FC", 38, 18, 9, 11, 77, 63, 63),
        (7, "Newcastle United FC", 38, 18, 6, 14, 85, 62, 60),
        (8, "Manchester United FC", 38, 18, 6, 14, 57, 58, 60),
        (9, "West Ham United FC", 38, 14, 10, 14, 60, 74, 52),
        (10, "Crystal Palace FC", 38, 13, 10, 15, 57, 58, 49),
        (11, "Brighton & Hove Albion FC", 38, 12, 12, 14, 55, 62, 48),
        (12, "AFC Bournemouth", 38, 13, 9, 16, 54, 67, 48),
        (13, "Fulham FC", 38, 13, 8, 17, 55, 61, 47),
        (14, "Wolverhampton Wanderers FC", 38, 13, 7, 18, 50, 65, 46),
        (15, "Everton FC", 38, 13, 9, 16, 40, 51, 40),
        (16, "Brentford FC", 38, 10, 9, 19, 56, 65, 39),
        (17, "Nottingham Forest FC", 38, 9, 9, 20, 49, 67, 32),
        (18, "Luton Town FC", 38, 6, 8, 24, 52, 85, 26),
        (19, "Burnley FC", 38, 5, 9, 24, 41, 78, 24),
        (20, "Sheffield United FC", 38, 3, 7, 28, 35, 104, 16),
    ]
    assert {row.team: row.deducted for row in rows if row.deducted} == {
        "Everton FC": 8,
        "Nottingham Forest FC": 4,
    }
    liverpool = rows[2]
    # Everton 2–0 (a), Fulham 1–3 (a), West Ham 2–2 (a), Spurs 4–2, Villa 3–3 (a), Wolves 2–0.
    assert (liverpool.form, liverpool.goal_difference) == ("LDWDW", 45)


def test_goal_difference_separates_teams_level_on_points():
    rows = standings(["A", "B", "C"], results("A 1-0 C", "B 3-0 C"))

    assert [(row.team, row.points, row.goal_difference) for row in rows] == [
        ("B", 3, 3),
        ("A", 3, 1),
        ("C", 0, -4),
    ]


def test_goals_scored_separate_teams_level_on_points_and_goal_difference():
    rows = standings(["A", "B", "C"], results("A 1-0 C", "B 3-2 C"))

    assert [(row.team, row.points, row.goal_difference, row.goals_for) for row in rows] == [
        ("B", 3, 1, 3),
        ("A", 3, 1, 1),
        ("C", 0, -2, 2),
    ]


# Three teams on 3 points with goal difference 0. Z and Y scored 2, X 1, so X is third on goals;
# Z beat Y, which decides between them even though all three are level in the matches between
# the three, and even though Y comes first in the alphabet.
LEVEL_PAIR = results("Z 2-1 Y", "Z 0-1 X", "Y 1-0 X")


def test_head_to_head_separates_teams_level_on_points_goal_difference_and_goals():
    rows = standings(["X", "Y", "Z"], LEVEL_PAIR)

    assert [(row.team, row.points, row.goal_difference, row.goals_for) for row in rows] == [
        ("Z", 3, 0, 2),
        ("Y", 3, 0, 2),
        ("X", 3, 0, 1),
    ]


def test_without_head_to_head_teams_level_on_everything_go_alphabetically():
    rows = standings(["X", "Y", "Z"], LEVEL_PAIR, tie_breakers=("goal_difference", "goals_for"))

    assert order(rows) == ["Y", "Z", "X"]


# Between themselves A beat B and C, and B beat C; C made its points up against D, B in part.
THREE_LEVEL = results("A 1-0 B", "A 1-0 C", "B 1-0 C", "B 5-0 D", "C 5-0 D", "C 5-0 D")


def test_head_to_head_ranks_three_teams_by_a_mini_table_of_their_matches():
    rows = standings("ABCD", THREE_LEVEL, tie_breakers=HEAD_TO_HEAD_FIRST)

    assert [(row.team, row.points, row.goal_difference) for row in rows] == [
        ("A", 6, 2),
        ("B", 6, 5),
        ("C", 6, 8),
        ("D", 0, -15),
    ]


def test_premier_league_order_puts_goal_difference_before_head_to_head():
    rows = standings("ABCD", THREE_LEVEL, tie_breakers=PREMIER_LEAGUE)

    assert order(rows) == ["C", "B", "A", "D"]


def test_a_smaller_group_still_level_after_head_to_head_gets_a_mini_table_of_its_own():
    # A, B, C and D are on 6 points. In the four's matches D has 3 and the others 6; in the
    # matches between A, B and C alone, A has 6, B 3 and C 0. Goal difference would put C first.
    played = results(
        "A 1-0 B",
        "A 1-0 C",
        "B 1-0 C",
        "D 1-0 A",
        "B 1-0 D",
        "C 3-0 D",
        "C 3-0 D",
        "D 1-0 E",
    )

    rows = standings("ABCDE", played, tie_breakers=("head_to_head", "goal_difference"))

    assert [(row.team, row.points, row.goal_difference) for row in rows] == [
        ("A", 6, 1),
        ("B", 6, 1),
        ("C", 6, 4),
        ("D", 6, -5),
        ("E", 0, -1),
    ]


def test_away_goals_in_the_matches_between_them_come_after_their_points():
    # Two draws: A scored 1 at B's ground, B scored 2 at A's.
    played = results("B 1-1 A", "A 2-2 B")

    with_away_goals = standings(
        "AB", played, tie_breakers=(*PREMIER_LEAGUE, "away_goals_head_to_head")
    )
    without = standings("AB", played)

    assert (order(with_away_goals), order(without)) == (["B", "A"], ["A", "B"])


def test_head_to_head_goal_difference_is_over_the_matches_between_them():
    # X, Y and Z beat each other in turn and each beat W: 6 points and +3 apiece. Between
    # themselves X is +2, Z 0 and Y -2; over the season Y scored most (7), then Z (6), X (5).
    played = results("X 3-0 Y", "Y 2-1 Z", "Z 2-1 X", "X 1-0 W", "Y 5-0 W", "Z 3-0 W")

    between = standings(
        "WXYZ", played, tie_breakers=("head_to_head", "head_to_head_goal_difference")
    )
    overall = standings("WXYZ", played, tie_breakers=("head_to_head", "goal_difference"))
    goals = standings("WXYZ", played, tie_breakers=("head_to_head", "goals_for"))

    assert [order(between), order(overall), order(goals)] == [
        ["X", "Z", "Y", "W"],
        ["X", "Y", "Z", "W"],
        ["Y", "Z", "X", "W"],
    ]
    assert [(row.team, row.points, row.goal_difference) for row in between] == [
        ("X", 6, 3),
        ("Z", 6, 3),
        ("Y", 6, 3),
        ("W", 0, -9),
    ]


def test_head_to_head_goals_are_over_the_matches_between_them():
    # Level on 6 points; between themselves Z scored 5, Y 4 and X 2, over the season X scored
    # most (7), then Z (6) and Y (5).
    played = results("X 1-0 Y", "Y 4-3 Z", "Z 2-1 X", "X 5-0 W", "Y 1-0 W", "Z 1-0 W")

    between = standings("WXYZ", played, tie_breakers=("head_to_head", "head_to_head_goals_for"))
    overall = standings("WXYZ", played, tie_breakers=("head_to_head", "goals_for"))

    assert [order(between), order(overall)] == [["Z", "Y", "X", "W"], ["X", "Z", "Y", "W"]]
    assert [(row.team, row.points, row.goals_for) for row in overall] == [
        ("X", 6, 7),
        ("Z", 6, 6),
        ("Y", 6, 5),
        ("W", 0, 0),
    ]


def test_a_deduction_lowers_points_and_can_change_the_order():
    played = results("A 2-0 C", "A 1-1 B", "B 1-0 C", "A 1-0 D", "B 0-0 D")

    before = standings("ABCD", played)
    after = standings("ABCD", played, deductions={"A": 3, "D": 2})

    assert [(row.team, row.deducted, row.points) for row in before] == [
        ("A", 0, 7),
        ("B", 0, 5),
        ("D", 0, 1),
        ("C", 0, 0),
    ]
    assert [(row.team, row.deducted, row.points) for row in after] == [
        ("B", 0, 5),
        ("A", 3, 4),
        ("C", 0, 0),
        ("D", 2, -1),
    ]


def test_form_is_the_last_five_results_oldest_first():
    played = results(
        "A 1-0 B",  # W (the sixth from last: left out)
        "A 0-1 C",  # L
        "B 2-2 A",  # D
        "C 0-3 A",  # W
        "A 0-0 B",  # D
        "A 1-2 C",  # L
    )
    # Given newest first: the order is the kickoffs', not the caller's.
    rows = {row.team: row for row in standings("ABC", reversed(played))}

    assert (rows["A"].played, rows["A"].form) == (6, "LDWDL")
    assert (rows["B"].played, rows["B"].form) == (3, "LDD")
    assert (rows["C"].played, rows["C"].form) == (3, "WLW")


def test_a_team_without_matches_has_an_empty_row():
    rows = standings(["A", "B", "Idle"], results("A 1-0 B"), names={"Idle": "Idle Town"})

    assert rows[1] == Row(
        position=2,
        team="Idle",
        played=0,
        won=0,
        drawn=0,
        lost=0,
        goals_for=0,
        goals_against=0,
        deducted=0,
        points=0,
        form="",
    )
    assert order(rows) == ["A", "Idle", "B"]


def test_teams_only_in_results_or_deductions_get_rows():
    rows = standings([], results("A 0-0 B"), deductions={"C": 1})

    assert [(row.position, row.team, row.played, row.points) for row in rows] == [
        (1, "A", 1, 1),
        (2, "B", 1, 1),
        (3, "C", 0, -1),
    ]


def test_teams_level_on_everything_go_by_name_case_insensitively_else_by_key():
    names = {3: "arsenal FC", 1: "Chelsea FC", 2: "AFC Bournemouth"}

    by_name = standings([1, 2, 3], [], names=names)
    by_key = standings([3, 1, 2], [])

    assert [order(by_name), order(by_key)] == [[2, 3, 1], [1, 2, 3]]
    assert [row.position for row in by_name] == [1, 2, 3]


def test_the_same_results_in_any_order_give_the_same_table():
    played = premier_league_2023_24()
    # Crystal Palace and Manchester United finished on 57:58; made level on points too, they
    # are ranked by their two matches (Palace won both), not by the names given.
    deductions = {"Manchester United FC": 11}
    names = {"Crystal Palace FC": "Palace", "Manchester United FC": "Man Utd"}
    expected = standings([], played, deductions=deductions, names=names)
    shuffled = random.Random(2324)

    for _ in range(5):
        again = played[:]
        shuffled.shuffle(again)
        teams = [row.team for row in expected]
        shuffled.shuffle(teams)
        assert standings(teams, again, deductions=deductions, names=names) == expected
    assert [(row.position, row.team, row.points) for row in expected[7:10]] == [
        (8, "West Ham United FC", 52),
        (9, "Crystal Palace FC", 49),
        (10, "Manchester United FC", 49),
    ]


def test_goal_difference_is_an_attribute_and_in_the_dict():
    row = standings(["A", "B"], results("A 4-1 B"))[0]

    assert row.goal_difference == 3
    assert asdict(row) == {
        "position": 1,
        "team": "A",
        "played": 1,
        "won": 1,
        "drawn": 0,
        "lost": 0,
        "goals_for": 4,
        "goals_against": 1,
        "deducted": 0,
        "points": 3,
        "form": "W",
        "goal_difference": 3,
    }


def test_every_named_tie_breaker_is_accepted_and_others_refused():
    assert sorted(TIE_BREAKERS) == [
        "away_goals_head_to_head",
        "goal_difference",
        "goals_for",
        "head_to_head",
        "head_to_head_goal_difference",
        "head_to_head_goals_for",
        "name",
    ]
    with pytest.raises(ValueError) as refused:
        standings("AB", [], tie_breakers=["goal_difference", "away_goals"])  # type: ignore[list-item]

    assert str(refused.value) == (
        "Unknown tie-breaker 'away_goals'; expected one of away_goals_head_to_head, "
        "goal_difference, goals_for, head_to_head, head_to_head_goal_difference, "
        "head_to_head_goals_for, name."
    )


def test_name_as_a_tie_breaker_comes_before_the_criteria_after_it():
    played = results("A 1-0 C", "B 3-0 C")

    assert order(standings("ABC", played, tie_breakers=("name", "goal_difference"))) == [
        "A",
        "B",
        "C",
    ]


def test_a_team_cannot_play_itself_nor_score_negative_goals():
    with pytest.raises(ValueError) as itself:
        standings([], results("A 1-1 A"))
    with pytest.raises(ValueError) as negative:
        standings([], [Result("A", "B", -1, 0, SEASON_START)])

    assert str(itself.value) == (
        "'A' cannot play itself: Result(home='A', away='A', home_goals=1, away_goals=1, "
        "kickoff=datetime.datetime(2024, 8, 17, 15, 0))."
    )
    assert str(negative.value) == (
        "Goals cannot be negative: Result(home='A', away='B', home_goals=-1, away_goals=0, "
        "kickoff=datetime.datetime(2024, 8, 17, 15, 0))."
    )
