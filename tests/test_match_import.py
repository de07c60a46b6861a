"""Importing fixtures and results: the parsers on their own, then the import through the
command, on the real seasons of both formats."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import DataError, connection

from fanportal.demo import load_demo_club
from matches import importing, parsing
from matches.importing import Source, import_matches
from matches.models import Competition, Match, MatchEvent, Season, TableRow, Team
from matches.names import NameIndex, fold_name
from matches.parsing import (
    FOOTBALL_DATA,
    OPENFOOTBALL,
    Goal,
    ParseError,
    detect,
    parse_football_data,
    parse_openfootball,
)
from matches.services import match_save
from players.models import Player
from revisions.models import Actor, Revision, Via, when
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db

MATCHES = SEEDS / "matches"
PREMIER_LEAGUE = MATCHES / "en.1-2023-24.json"
LEAGUE_CUP = MATCHES / "en.league-cup-2023-24-liverpool.json"
FOOTBALL_DATA_2223 = Path(__file__).parent / "data" / "football-data-season-2223.csv"
UTC = dt.UTC
HEADER = "Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR"


@pytest.fixture
def demo(db):
    """The demo club with its competitions, seasons 2023–24, teams and deductions."""
    return load_demo_club(SEEDS / "club.toml", teams=MATCHES / "teams.toml")


@pytest.fixture
def season_2223(demo) -> Season:
    return Season.objects.create(
        competition=Competition.objects.get(slug="premier-league"),
        name="2022–23",
        slug="2022-23",
        starts_on=dt.date(2022, 8, 5),
        ends_on=dt.date(2023, 5, 28),
    )


def run(*args: str | Path) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_matches", *map(str, args), stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
    return out.getvalue(), err.getvalue(), code


def openfootball(*matches: str, name: str = "English Premier League 2023/24") -> str:
    """A football.json file with one match a line: the first match is on line 2."""
    body = ",\n".join(matches)
    return f'{{"name": "{name}", "matches": [\n{body}\n]}}\n'


def fixture(home: str, away: str, date: str = "2023-09-02", score: str = "[2, 1]", **more) -> str:
    entry = {"round": "Matchday 4", "date": date, "time": "15:00", "team1": home, "team2": away}
    entry.update(more)
    text = json.dumps(entry)[:-1]
    return f'{text}, "score": {{"ft": {score}}}}}' if score else text + "}"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def table(season: Season) -> list[tuple[str, int]]:
    return [(row.team.short_name, row.points) for row in TableRow.objects.of(season)]


# ------------------------------------------------------------------------------ parsing


def test_formats_are_told_apart_by_content_not_name():
    assert detect(PREMIER_LEAGUE.read_text()) == OPENFOOTBALL
    assert detect(FOOTBALL_DATA_2223.read_text()) == FOOTBALL_DATA
    assert detect("\ufeffDiv,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG\n") == FOOTBALL_DATA
    with pytest.raises(
        ParseError, match=r"^line 1: neither openfootball JSON nor a football-data CSV"
    ):
        detect("# Demo match data\n")


def test_openfootball_rows_know_their_line_and_the_season():
    fixtures = parse_openfootball(PREMIER_LEAGUE.read_text())
    assert (fixtures.competition_name, fixtures.season_slug) == (
        "English Premier League",
        "2023-24",
    )
    assert len(fixtures.rows) == 380
    first = fixtures.rows[0]
    assert (first.line, first.home, first.away, first.round) == (
        4,
        "Burnley FC",
        "Manchester City FC",
        "Matchday 1",
    )
    assert (first.home_score, first.away_score, first.home_score_ht, first.away_score_ht) == (
        0,
        3,
        0,
        2,
    )
    assert fixtures.rows[1].line == 21  # where its "{" is


def test_extra_time_penalties_and_goals():
    text = openfootball(
        '{"round": "Final", "date": "2024-02-25", "time": "15:00", "team1": "Chelsea FC",'
        ' "team2": "Liverpool FC", "score": {"ft": [0, 0], "et": [1, 1], "p": [4, 3]},'
        ' "ground": "Wembley Stadium", "goals2": [{"name": "Virgil van Dijk", "minute": 118},'
        ' {"name": "Someone", "minute": 90, "offset": 2, "owngoal": true}]}',
        name="English League Cup 2023/24",
    )
    (row,) = parse_openfootball(text).rows
    assert (row.home_score, row.away_score, row.extra_time) == (1, 1, True)
    assert (row.home_penalties, row.away_penalties) == (4, 3)
    assert row.ground == "Wembley Stadium"
    assert row.goals == (
        Goal("Virgil van Dijk", 118, for_home=False),
        Goal("Someone", 90, added_minute=2, own_goal=True, for_home=False),
    )


def test_no_score_is_a_fixture_and_no_time_is_unknown():
    text = openfootball('{"date": "2024-05-19", "team1": "Arsenal FC", "team2": "Everton FC"}')
    (row,) = parse_openfootball(text).rows
    assert not row.played
    assert row.time is None
    assert row.kickoff == dt.datetime(2024, 5, 19, 14, 0, tzinfo=UTC)  # 15:00 BST


def test_uk_time_becomes_utc_across_the_clock_changes():
    rows = parse_openfootball(
        openfootball(
            fixture("Manchester City FC", "Arsenal FC", date="2024-03-31", time="16:30"),
            fixture("Arsenal FC", "Sheffield United FC", date="2023-10-28", time="15:00"),
            fixture("Arsenal FC", "Chelsea FC", date="2023-10-29", time="15:00"),
        )
    ).rows
    assert [row.kickoff.astimezone(UTC) for row in rows] == [
        dt.datetime(2024, 3, 31, 15, 30, tzinfo=UTC),  # BST began at 01:00 that morning
        dt.datetime(2023, 10, 28, 14, 0, tzinfo=UTC),  # still BST
        dt.datetime(2023, 10, 29, 15, 0, tzinfo=UTC),  # GMT again
    ]


def test_football_data_dates_in_every_spelling_and_a_time_column():
    text = (
        "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,HTHG,HTAG\n"
        "E0,12/08/23,12:30,Arsenal,Nott'm Forest,2,1,2,0\n"
        "E0,12/08/2023,15:00,Bournemouth,West Ham,1,1,0,0\n"
        "E0,2023-08-13,14:00,Chelsea,Liverpool,,,,\n"
    )
    fixtures = parse_football_data(text)
    assert fixtures.division == "E0"
    assert [(row.line, row.date, row.time) for row in fixtures.rows] == [
        (2, dt.date(2023, 8, 12), dt.time(12, 30)),
        (3, dt.date(2023, 8, 12), dt.time(15, 0)),
        (4, dt.date(2023, 8, 13), dt.time(14, 0)),
    ]
    assert fixtures.rows[0].away == "Nott'm Forest"
    assert not fixtures.rows[2].played


def test_names_match_ignoring_case_accents_punctuation_and_fc():
    assert fold_name("Nott'm Forest") == fold_name("Nottm Forest") == "nottm forest"
    assert fold_name("Atlético Madrid") == "atletico madrid"
    brighton = Team(name="Brighton & Hove Albion FC", short_name="Brighton", aliases="")
    sheffield = Team(name="Sheffield United FC", short_name="Sheffield United", aliases="")
    index = NameIndex([brighton, sheffield])
    assert index.find("Brighton and Hove Albion").item is brighton
    assert index.find("BRIGHTON").item is brighton
    unknown = index.find("Sheffield Utd")
    assert (unknown.item, unknown.closest) == (None, sheffield)


def test_a_name_two_teams_claim_finds_neither():
    index = NameIndex(
        [
            Team(name="Manchester United FC", short_name="Man Utd", aliases="United"),
            Team(name="Newcastle United FC", short_name="Newcastle", aliases="United"),
        ]
    )
    found = index.find("United")
    assert found.item is None
    assert [team.name for team in found.claimed_by] == [
        "Manchester United FC",
        "Newcastle United FC",
    ]


def test_every_name_in_both_shared_files_is_a_demo_team(demo):
    index = NameIndex(Team.objects.all())
    names = {row.home for row in parse_openfootball(PREMIER_LEAGUE.read_text()).rows}
    names |= {row.home for row in parse_football_data(FOOTBALL_DATA_2223.read_text()).rows}
    assert {name for name in names if index.find(name).item is None} == set()
    assert len(names) == 40


# ---------------------------------------------------------------------- the real seasons


def test_the_2023_24_season_imports_and_its_table_is_the_official_one(demo):
    out, err, code = run(PREMIER_LEAGUE)
    assert (out, err, code) == ("380 created, 0 updated, 0 unchanged, 0 failed\n", "", 0)
    season = Season.objects.get(competition__slug="premier-league", slug="2023-24")
    assert Match.objects.filter(season=season, status=Match.Status.FINISHED).count() == 380
    rows = table(season)
    assert rows[:3] == [("Man City", 91), ("Arsenal", 89), ("Liverpool", 82)]
    assert rows[-6:] == [
        ("Everton", 40),  # 48 on the pitch, 8 deducted
        ("Brentford", 39),
        ("Nottm Forest", 32),  # 36, 4 deducted
        ("Luton", 26),
        ("Burnley", 24),
        ("Sheffield United", 16),
    ]


def test_each_imported_match_has_a_revision_naming_the_file(demo):
    run(PREMIER_LEAGUE)
    match = Match.objects.get(home__slug="burnley", away__slug="man-city")
    revision = Revision.objects.latest_of(match)
    assert (revision.source, revision.note, revision.user) == (
        Via.MATCHES,
        PREMIER_LEAGUE.name,
        None,
    )
    assert revision.data["home_score"] == 0 and revision.data["away_score"] == 3
    assert Revision.objects.filter(source=Via.MATCHES).count() == 380


def test_kickoffs_are_stored_in_utc_from_uk_time(demo):
    run(PREMIER_LEAGUE)
    city_arsenal = Match.objects.get(home__slug="man-city", away__slug="arsenal")
    assert city_arsenal.kickoff == dt.datetime(2024, 3, 31, 15, 30, tzinfo=UTC)
    arsenal_sheffield = Match.objects.get(home__slug="arsenal", away__slug="sheffield-united")
    assert arsenal_sheffield.kickoff == dt.datetime(2023, 10, 28, 14, 0, tzinfo=UTC)
    assert arsenal_sheffield.slug == "arsenal-v-sheffield-united-2023-10-28"


def test_running_again_changes_nothing(demo):
    run(PREMIER_LEAGUE)
    before = list(Match.objects.order_by("pk").values_list())
    revisions = Revision.objects.count()
    out, err, code = run(PREMIER_LEAGUE)
    assert (out, err, code) == ("0 created, 0 updated, 380 unchanged, 0 failed\n", "", 0)
    assert list(Match.objects.order_by("pk").values_list()) == before
    assert Revision.objects.count() == revisions


def test_the_football_data_season_imports_with_its_short_names(season_2223):
    out, err, code = run(FOOTBALL_DATA_2223, "--competition", "premier-league")
    assert (out, code) == ("380 created, 0 updated, 0 unchanged, 0 failed\n", 0)
    # The file has no times: 15:00 UK time, said so.
    assert err == (
        f"warning: {FOOTBALL_DATA_2223}: 380 new matches without a kick-off time, "
        "stored at 15:00 UK time\n"
    )
    forest = Match.objects.get(season=season_2223, home__slug="nottm-forest", away__slug="west-ham")
    assert (forest.home_score, forest.away_score) == (1, 0)
    assert forest.kickoff == dt.datetime(2022, 8, 14, 14, 0, tzinfo=UTC)
    top = table(season_2223)[:2]
    assert top == [("Man City", 89), ("Arsenal", 84)]


def test_football_data_without_a_div_column_needs_the_competition(season_2223):
    out, err, code = run(FOOTBALL_DATA_2223)
    assert err == (
        f"{FOOTBALL_DATA_2223}, line 1: the file does not say its competition (no Div column); "
        "use --competition\n"
    )
    assert (out, code) == ("0 created, 0 updated, 0 unchanged, 1 failed\n", 1)


def test_the_season_comes_from_the_dates_and_must_exist(demo, tmp_path):
    path = write(tmp_path, "2122.csv", f"{HEADER}\n2021-08-13,Brentford,Arsenal,2,0,H,1,0,H\n")
    _, err, code = run(path, "--competition", "premier-league")
    assert err == (
        f"{path}, line 2: no Premier League season holds 13 August 2021; "
        "add it in the admin or use --season\n"
    )
    assert code == 1


def test_a_season_the_file_names_must_exist(demo, tmp_path):
    path = write(
        tmp_path,
        "x.json",
        openfootball(
            fixture("Arsenal FC", "Chelsea FC", date="2024-09-01"),
            name="English Premier League 2024/25",
        ),
    )
    _, err, _ = run(path)
    assert (
        err
        == f'{path}, line 1: no Premier League season "2024-25"; add it in the admin or use --season\n'
    )


def test_an_unknown_competition_option_is_one_error(demo):
    with pytest.raises(
        CommandError,
        match=r'^no competition "la-liga" \(there are: fa-cup, league-cup, premier-league\)$',
    ):
        call_command("import_matches", str(PREMIER_LEAGUE), "--competition", "la-liga")


# ---------------------------------------------------------------- one match, two sources

SNIPPET_2223 = (
    '{"name": "English Premier League 2022/23", "matches": [\n'
    '{"round": "Matchday 1", "date": "2022-08-05", "team1": "Crystal Palace FC",'
    ' "team2": "Arsenal FC", "score": {"ht": [0, 1], "ft": [0, 2]}},\n'
    '{"round": "Matchday 1", "date": "2022-08-06", "team1": "Fulham FC",'
    ' "team2": "Liverpool FC", "score": {"ht": [1, 0], "ft": [2, 2]}}\n'
    "]}\n"
)


def test_the_same_match_from_both_sources_is_one_match(season_2223, tmp_path):
    run(FOOTBALL_DATA_2223, "--competition", "premier-league")
    path = write(tmp_path, "en.1-2022-23.json", SNIPPET_2223)
    out, err, code = run(path, "-v", "2")
    # openfootball adds the round, which football-data does not have; the rest agrees.
    assert out.splitlines() == [
        f'{path}, line 2: Crystal Palace v Arsenal: updated: the file says round "Matchday 1", '
        "the site has no round before",
        f'{path}, line 3: Fulham v Liverpool: updated: the file says round "Matchday 1", '
        "the site has no round before",
        f"{path}: Premier League 2022–23, 2 matches (0 created, 2 updated, 0 unchanged)",
        "0 created, 2 updated, 0 unchanged, 0 failed",
    ]
    assert (err, code) == ("", 0)
    assert Match.objects.filter(season=season_2223).count() == 380
    assert run(path) == ("0 created, 0 updated, 2 unchanged, 0 failed\n", "", 0)
    assert run(FOOTBALL_DATA_2223, "--competition", "premier-league")[0] == (
        "0 created, 0 updated, 380 unchanged, 0 failed\n"
    )


def test_a_kickoff_time_the_other_source_lacked_is_a_change_to_take(season_2223, tmp_path):
    run(FOOTBALL_DATA_2223, "--competition", "premier-league")
    path = write(
        tmp_path,
        "x.json",
        SNIPPET_2223.replace('"date": "2022-08-05"', '"date": "2022-08-05", "time": "20:00"'),
    )
    out, _, _ = run(path)
    assert out.splitlines() == [
        f'{path}, line 2: Crystal Palace v Arsenal: the file says kick-off at 20:00 and round "Matchday 1", '
        "the site has 15:00 and no round; not changed (use --update to take the file's)",
        "0 created, 1 updated, 0 unchanged, 0 failed, 1 left alone",
    ]
    run(path, "--update")
    palace = Match.objects.get(
        season=season_2223, home__slug="crystal-palace", away__slug="arsenal"
    )
    assert palace.kickoff == dt.datetime(2022, 8, 5, 19, 0, tzinfo=UTC)
    assert palace.sequence == 1  # the calendar's SEQUENCE: the kickoff moved


# ------------------------------------------------------------------------- refusals


def refused(demo, tmp_path, name: str, text: str, *args: str) -> str:
    """Import one file that must be refused; nothing of it written. Returns its line."""
    path = write(tmp_path, name, text)
    teams = Team.objects.count()
    out, err, code = run(path, *args)
    assert (out, code) == ("0 created, 0 updated, 0 unchanged, 1 failed\n", 1)
    assert not Match.objects.exists()
    assert Team.objects.count() == teams
    assert not Revision.objects.filter(source=Via.MATCHES).exists()
    assert err.count("\n") == 1  # one line
    return err.removeprefix(f"{path}, ").rstrip("\n")


GOOD = fixture("Arsenal FC", "Chelsea FC")


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        (
            "broken.json",
            '{"name": "English Premier League 2023/24", "matches": [\n' + GOOD + "\n",
            "line 3: not valid JSON (Expecting ',' delimiter)",
        ),
        (
            "no-matches.json",
            '{"name": "English Premier League 2023/24"}',
            'line 1: not an openfootball file: no "matches" list',
        ),
        (
            "score.json",
            openfootball(GOOD, fixture("Everton FC", "Fulham FC", score='[3, "x"]')),
            'line 3: score [3, "x"] is not two whole numbers',
        ),
        (
            "date.json",
            openfootball(GOOD, fixture("Everton FC", "Fulham FC", date="2024-02-30")),
            'line 3: no such date "2024-02-30"',
        ),
        (
            "itself.json",
            openfootball(GOOD, fixture("Everton FC", "Everton")),
            'line 3: "Everton FC" v "Everton": a team cannot play itself',
        ),
        (
            "twice.json",
            openfootball(
                GOOD,
                fixture("Everton FC", "Fulham FC"),
                fixture("Arsenal", "Chelsea", date="2024-01-20"),
            ),
            "line 4: Arsenal v Chelsea is in the file twice (first on line 2)",
        ),
        (
            "outside.json",
            openfootball(GOOD, fixture("Everton FC", "Fulham FC", date="2024-06-01")),
            "line 3: 1 June 2024 is outside the Premier League 2023–24 season "
            "(11 August 2023 to 19 May 2024)",
        ),
        (
            "unknown.json",
            openfootball(GOOD, fixture("Sheffield Utd", "Fulham FC")),
            'line 3: no team called "Sheffield Utd" (closest: Sheffield United FC); '
            "add it as an alias or use --create-teams",
        ),
        (
            "competition.json",
            openfootball(GOOD, name="Scottish Premiership 2023/24"),
            'line 1: no competition called "Scottish Premiership" (the file\'s name is '
            '"Scottish Premiership 2023/24"); add it as an alias of one or use --competition',
        ),
    ],
)
def test_a_refused_openfootball_file_says_why_and_writes_nothing(
    demo, tmp_path, name, text, reason
):
    assert refused(demo, tmp_path, name, text) == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "Date,HomeTeam,AwayTeam,FTHG\n2023-09-02,Arsenal,Chelsea,1\n",
            "line 1: missing columns: FTAG",
        ),
        (
            f"{HEADER}\n2023-09-02,Arsenal,Chelsea,1,1,D,0,0\n",
            "line 2: 8 fields where the header has 9",
        ),
        (
            f'{HEADER}\n2023-09-02,Arsenal,"Chel\nsea",1,1,D,0,0,D\n2023-09-03,"Everton,1\n',
            "line 4: not a valid CSV (unexpected end of data)",
        ),
        (
            f"{HEADER}\n2023-09-02,Arsenal,Chelsea,1,1,D,0,0,D\n2023-09-03,Everton,Fulham,3,x,H,0,0,D\n",
            'line 3: score "3-x" is not two whole numbers',
        ),
        (f"{HEADER}\n30/02/24,Arsenal,Chelsea,1,1,D,0,0,D\n", 'line 2: no such date "30/02/24"'),
        (
            f"{HEADER}\n2023-09-02,Arsenal,Arsenal FC,1,1,D,0,0,D\n",
            'line 2: "Arsenal" v "Arsenal FC": a team cannot play itself',
        ),
    ],
)
def test_a_refused_football_data_file_says_why_and_writes_nothing(demo, tmp_path, text, reason):
    assert refused(demo, tmp_path, "data.csv", text, "--competition", "premier-league") == reason


def test_good_files_import_when_another_is_refused(demo, tmp_path):
    bad = write(tmp_path, "a-bad.json", openfootball(GOOD, fixture("Everton FC", "Everton FC")))
    good = write(tmp_path, "b-good.json", openfootball(GOOD))
    out, err, code = run(tmp_path, tmp_path / "missing.json")
    assert out == "1 created, 0 updated, 0 unchanged, 2 failed\n"
    assert err.splitlines() == [
        f"{tmp_path}/missing.json: no such file or folder",
        f'{bad}, line 3: "Everton FC" v "Everton FC": a team cannot play itself',
    ]
    assert code == 1
    assert Revision.objects.get(source=Via.MATCHES).note == good.name


# -------------------------------------------------------------- changes, editors, dry runs


def test_a_dry_run_writes_nothing_and_says_what_would_happen(demo):
    tables = list(TableRow.objects.values_list())  # the deductions' rows, so far
    out, err, code = run(PREMIER_LEAGUE, "--dry-run")
    assert (out, err, code) == (
        "dry run, nothing written: 380 created, 0 updated, 0 unchanged, 0 failed\n",
        "",
        0,
    )
    assert not Match.objects.exists()
    assert list(TableRow.objects.values_list()) == tables
    assert not Revision.objects.filter(source=Via.MATCHES).exists()


def test_a_changed_score_is_reported_and_left_alone_without_update(demo, tmp_path):
    run(write(tmp_path, "a.json", openfootball(GOOD)))
    path = write(
        tmp_path, "a.json", openfootball(fixture("Arsenal FC", "Chelsea FC", score="[1, 1]"))
    )
    out, err, code = run(path)
    assert out.splitlines() == [
        f"{path}, line 2: Arsenal v Chelsea: the file says 1–1, the site has 2–1; not changed "
        "(use --update to take the file's)",
        "0 created, 0 updated, 0 unchanged, 0 failed, 1 left alone",
    ]
    assert (err, code) == ("", 0)
    assert Match.objects.get().home_score == 2


def test_update_takes_the_changed_score_and_the_table_follows(demo, tmp_path):
    run(write(tmp_path, "a.json", openfootball(GOOD)))
    path = write(
        tmp_path, "a.json", openfootball(fixture("Arsenal FC", "Chelsea FC", score="[1, 1]"))
    )
    assert run(path, "--update") == ("0 created, 1 updated, 0 unchanged, 0 failed\n", "", 0)
    match = Match.objects.get()
    assert (match.home_score, match.away_score) == (1, 1)
    assert Revision.objects.latest_of(match).note == "a.json"
    season = match.season
    assert dict(table(season))["Arsenal"] == 1


def test_a_fixture_gets_its_result_without_update(demo, tmp_path):
    run(write(tmp_path, "a.json", openfootball(fixture("Arsenal FC", "Chelsea FC", score=""))))
    assert Match.objects.get().status == Match.Status.SCHEDULED
    assert (
        run(write(tmp_path, "a.json", openfootball(GOOD)))[0]
        == "0 created, 1 updated, 0 unchanged, 0 failed\n"
    )
    assert Match.objects.get().status == Match.Status.FINISHED
    # ...and a fixture list read again never undoes the result.
    path = write(tmp_path, "a.json", openfootball(fixture("Arsenal FC", "Chelsea FC", score="")))
    assert run(path)[0] == "0 created, 0 updated, 1 unchanged, 0 failed\n"


@pytest.fixture
def entered_in_admin(demo, tmp_path, time_machine) -> tuple[Path, Match]:
    """Arsenal 2–1 Chelsea imported, then made 1–1 by an editor in the admin."""
    path = write(tmp_path, "a.json", openfootball(GOOD))
    time_machine.move_to(dt.datetime(2026, 12, 1, 11, 0, tzinfo=UTC), tick=False)
    run(path)
    alice = User.objects.create_user("alice", first_name="Alice", last_name="Smith")
    time_machine.move_to(dt.datetime(2026, 12, 1, 12, 3, tzinfo=UTC), tick=False)
    match = Match.objects.get()
    match.home_score = 1
    match_save(match=match, actor=Actor.of(alice, Via.ADMIN))
    time_machine.move_to(dt.datetime(2026, 12, 1, 12, 30, tzinfo=UTC), tick=False)
    return path, match


def test_a_result_an_editor_entered_is_left_alone_even_with_update(entered_in_admin):
    path, _ = entered_in_admin
    out, _, code = run(path, "--update")
    assert out.splitlines() == [
        f"{path}, line 2: Arsenal v Chelsea: the file says 2–1, the site has 1–1, entered by "
        "Alice Smith on 1 December 2026, 12:03:00; not changed (use --force to take the file's)",
        "0 created, 0 updated, 0 unchanged, 0 failed, 1 left alone",
    ]
    assert code == 0
    assert Match.objects.get().home_score == 1


def test_force_takes_the_file_over_the_editor_and_says_so(entered_in_admin):
    path, match = entered_in_admin
    out, _, _ = run(path, "--force")
    assert out.splitlines() == [
        f"{path}, line 2: Arsenal v Chelsea: took the file's 2–1 over 1–1, entered by Alice Smith "
        "on 1 December 2026, 12:03:00 (it stays in the match's revisions)",
        "0 created, 1 updated, 0 unchanged, 0 failed",
    ]
    assert Match.objects.get().home_score == 2
    assert [revision.source for revision in Revision.objects.of(match)] == [
        Via.MATCHES,
        Via.ADMIN,
        Via.MATCHES,
    ]
    assert when(Revision.objects.of(match)[1]) == "1 December 2026, 12:03:00"


# ------------------------------------------------------------------------------ cups


def test_the_league_cup_final_has_its_venue_extra_time_and_scorer(demo):
    out, err, code = run(LEAGUE_CUP)
    assert (out, code) == ("6 created, 0 updated, 0 unchanged, 0 failed\n", 0)
    assert err == (
        f"warning: {LEAGUE_CUP}: 1 new match without a kick-off time, stored at 15:00 UK time\n"
    )
    final = Match.objects.get(round="Final")
    assert (final.home.slug, final.away.slug, final.home_score, final.away_score) == (
        "chelsea",
        "liverpool",
        0,
        1,
    )
    assert final.extra_time
    assert final.venue == "Wembley Stadium"
    assert final.kickoff == dt.datetime(2024, 2, 25, 15, 0, tzinfo=UTC)
    assert final.season.competition.slug == "league-cup"
    (goal,) = final.events.all()
    assert (goal.player, goal.player_name, goal.team.slug, goal.minute, goal.kind) == (
        Player.objects.get(slug="virgil-van-dijk"),
        "",
        "liverpool",
        118,
        MatchEvent.Kind.GOAL,
    )
    assert Revision.objects.latest_of(final).data["events"][0]["minute"] == 118
    # A venue that is the home team's ground is left blank: the ground shows.
    assert Match.objects.get(home__slug="liverpool", away__slug="leicester").venue == ""


def test_the_demo_folder_imports_the_league_and_both_cups(demo):
    out, _, code = run(MATCHES)
    assert (out, code) == ("390 created, 0 updated, 0 unchanged, 0 failed\n", 0)
    assert run(MATCHES)[0] == "0 created, 0 updated, 390 unchanged, 0 failed\n"
    quarter_final = Match.objects.get(season__competition__slug="fa-cup", round="Quarter-finals")
    assert (str(quarter_final.home), quarter_final.home_score, quarter_final.away_score) == (
        "Manchester United FC",
        4,
        3,
    )
    assert quarter_final.extra_time
    assert not TableRow.objects.filter(season=quarter_final.season).exists()  # a cup has no table


def test_create_teams_makes_the_teams_a_file_names(demo, tmp_path):
    path = write(
        tmp_path,
        "fa.json",
        openfootball(
            fixture("Maidstone United FC", "Ipswich Town FC", date="2024-01-27"),
            name="English FA Cup 2023/24",
        ),
    )
    out, _, code = run(path, "--create-teams")
    assert out.splitlines() == [
        f"{path}: created team Maidstone United FC",
        "1 created, 0 updated, 0 unchanged, 0 failed",
    ]
    assert code == 0
    team = Team.objects.get(slug="maidstone-united")
    assert (team.name, team.short_name) == ("Maidstone United FC", "Maidstone United")
    assert Revision.objects.latest_of(team).source == Via.MATCHES
    assert Match.objects.get().home == team


def test_football_data_div_column_names_the_competition(demo, tmp_path):
    path = write(
        tmp_path,
        "E0.csv",
        "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR\n"
        "E0,11/08/2023,20:00,Burnley,Man City,0,3,A,0,2,A\n",
    )
    assert run(path) == ("1 created, 0 updated, 0 unchanged, 0 failed\n", "", 0)
    match = Match.objects.get()
    assert str(match.season) == "Premier League 2023–24"
    assert match.kickoff == dt.datetime(2023, 8, 11, 19, 0, tzinfo=UTC)
    # openfootball's copy of the match is the same match.
    assert run(PREMIER_LEAGUE)[0] == "379 created, 1 updated, 0 unchanged, 0 failed\n"


# ------------------------------------------------------------- what a file cannot hold


def scored(home: str, away: str, score: dict, date: str = "2023-09-02", **more) -> str:
    """One openfootball match with the score object given whole (ft, et, p)."""
    entry = {"round": "Matchday 4", "date": date, "time": "15:00", "team1": home, "team2": away}
    return json.dumps({**entry, **more, "score": score})


# Digits that match \d, and that int() reads, but are no ASCII digits.
WIDE_2023 = "\uff12\uff10\uff12\uff13"  # fullwidth 2023
ARABIC_15_00 = "\u0661\u0665:\u0660\u0660"  # 15:00 in Arabic-Indic digits
ARABIC_12_08_23 = "\u0661\u0662/\u0660\u0668/\u0662\u0663"  # 12/08/23
LONG_CLUB = "Real Club Deportivo de la Ciudad de Wolverhampton FC"  # 49 without FC


def test_the_parsers_limits_are_the_models():
    assert Match._meta.get_field("round").max_length == parsing.ROUND_LENGTH
    assert Match._meta.get_field("venue").max_length == parsing.VENUE_LENGTH
    assert MatchEvent._meta.get_field("player_name").max_length == parsing.SCORER_LENGTH


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (  # a negative score as the file gives it, not "-1-2"
            openfootball(GOOD, fixture("Everton FC", "Fulham FC", score="[-1, 2]")),
            "line 3: score [-1, 2] is not two whole numbers",
        ),
        (
            openfootball(GOOD, fixture("Everton FC", "Fulham FC", score="[100, 0]")),
            "line 3: score [100, 0] is not a football score (more than 99 goals)",
        ),
        (
            openfootball(GOOD, scored("Everton FC", "Fulham FC", {"ht": [0, 40000], "ft": [1, 1]})),
            "line 3: score [0, 40000] is not a football score (more than 99 goals)",
        ),
        (
            openfootball(GOOD, scored("Everton FC", "Fulham FC", {"ft": [2, 1], "p": [4, 3]})),
            "line 3: penalties [4, 3] after a full-time score of [2, 1], which is not level",
        ),
        (
            openfootball(
                GOOD,
                scored("Everton FC", "Fulham FC", {"ft": [1, 1], "et": [2, 1], "p": [4, 3]}),
            ),
            "line 3: penalties [4, 3] after an extra-time score of [2, 1], which is not level",
        ),
        (
            openfootball(GOOD, fixture("Everton FC", "Fulham FC", round="R" * 61)),
            f'line 3: round "{"R" * 40}…" is longer than 60 characters',
        ),
        (
            openfootball(GOOD, fixture("Everton FC", "Fulham FC", ground="W" * 101)),
            f'line 3: ground "{"W" * 40}…" is longer than 100 characters',
        ),
        (
            openfootball(
                GOOD,
                fixture("Everton FC", "Fulham FC", goals1=[{"name": "S" * 101, "minute": 3}]),
            ),
            f'line 3: scorer\'s name "{"S" * 40}…" is longer than 100 characters',
        ),
        (
            openfootball(
                GOOD,
                fixture(
                    "Everton FC", "Fulham FC", goals1=[{"name": "Dwight McNeil", "minute": 151}]
                ),
            ),
            "line 3: goal by Dwight McNeil: minute 151 is past 150, longer than a match lasts",
        ),
        (
            openfootball(
                GOOD,
                fixture(
                    "Everton FC",
                    "Fulham FC",
                    goals1=[{"name": "Dwight McNeil", "minute": 120, "offset": 31}],
                ),
            ),
            "line 3: goal by Dwight McNeil: minute 120+31 is past 150, longer than a match lasts",
        ),
        (  # only ASCII digits are numbers: a year in fullwidth digits is not one
            openfootball(GOOD, fixture("Everton FC", "Fulham FC", date=f"{WIDE_2023}-09-02")),
            f'line 3: "{WIDE_2023}-09-02" is not a date (YYYY-MM-DD)',
        ),
        (
            openfootball(GOOD, fixture("Everton FC", "Fulham FC", time=ARABIC_15_00)),
            f'line 3: no such time "{ARABIC_15_00}"',
        ),
    ],
)
def test_what_the_models_or_a_match_cannot_hold_refuses_the_file(demo, tmp_path, text, reason):
    assert refused(demo, tmp_path, "x.json", text) == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (  # "²".isdigit() is true, int("²") a ValueError: the run's traceback
            f"{HEADER}\n2023-09-02,Arsenal,Chelsea,²,1,H,0,0,D\n",
            'line 2: score "²-1" is not two whole numbers',
        ),
        (
            f"{HEADER}\n2023-09-02,Arsenal,Chelsea,2,1,H,1,³,D\n",
            'line 2: score "1-³" is not two whole numbers',
        ),
        (  # read as 12 August 2023 by \d and int()
            f"{HEADER}\n{ARABIC_12_08_23},Arsenal,Chelsea,2,1,H,0,0,D\n",
            f'line 2: "{ARABIC_12_08_23}" is not a date (YYYY-MM-DD)',
        ),
        (
            f"{HEADER}\n2023-09-02,Arsenal,Chelsea,100,1,H,0,0,D\n",
            'line 2: score "100-1" is not a football score (more than 99 goals)',
        ),
    ],
)
def test_football_data_numbers_are_ascii_and_bounded(demo, tmp_path, text, reason):
    assert refused(demo, tmp_path, "data.csv", text, "--competition", "premier-league") == reason


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("X" * 101, f'line 3: team name "{"X" * 40}…" is longer than 100 characters'),
        (
            LONG_CLUB,
            f'line 3: team name "{LONG_CLUB[:40]}…" makes a short name longer than 40 characters; '
            "add the team in the admin",
        ),
    ],
)
def test_create_teams_refuses_a_name_a_team_cannot_hold(demo, tmp_path, name, reason):
    text = openfootball(GOOD, fixture(name, "Fulham FC"))
    assert refused(demo, tmp_path, "x.json", text, "--create-teams") == reason


def test_what_the_database_refuses_refuses_that_file_alone(demo, tmp_path, monkeypatch):
    """The backstop: a DatabaseError in a file's transaction (on PostgreSQL an over-long
    value is a DataError) is the file's one line; its writes, teams too, roll back."""
    real = importing.matches_create
    calls = []

    def failing_once(**kwargs):
        calls.append(1)
        real(**kwargs)  # written, then undone
        if len(calls) == 1:
            raise DataError("value too long for type character varying(60)\n")

    monkeypatch.setattr(importing, "matches_create", failing_once)
    maidstone = fixture("Maidstone United FC", "Ipswich Town FC", date="2024-01-27")
    cup = "English FA Cup 2023/24"
    bad = write(tmp_path, "a.json", openfootball(maidstone, name=cup))
    good = write(tmp_path, "b.json", openfootball(maidstone, name=cup))
    out, err, code = run(bad, good, "--create-teams")
    assert err == (
        f"{bad}: the database refused the file (value too long for type character "
        "varying(60)); nothing of it written\n"
    )
    assert out.splitlines() == [
        f"{good}: created team Maidstone United FC",
        "1 created, 0 updated, 0 unchanged, 1 failed",
    ]
    assert code == 1
    match = Match.objects.get()
    assert match.home == Team.objects.get(slug="maidstone-united")  # made again, by b.json
    assert [revision.note for revision in Revision.objects.filter(source=Via.MATCHES)] == [
        "b.json",
        "b.json",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite does not bound lengths")
def test_an_over_long_value_on_postgresql_is_the_files_line(demo, tmp_path, monkeypatch):
    monkeypatch.setattr(parsing, "ROUND_LENGTH", 1000)  # past the parser's check
    bad = write(
        tmp_path, "a.json", openfootball(fixture("Arsenal FC", "Chelsea FC", round="R" * 61))
    )
    good = write(tmp_path, "b.json", openfootball(fixture("Everton FC", "Fulham FC")))
    out, err, code = run(bad, good)
    assert err == (
        f"{bad}: the database refused the file (value too long for type character "
        "varying(60)); nothing of it written\n"
    )
    assert (out, code) == ("1 created, 0 updated, 0 unchanged, 1 failed\n", 1)
    assert Match.objects.get().home.slug == "everton"


def test_a_file_past_the_size_limit_is_refused_not_cut(demo, tmp_path):
    big = tmp_path / "big.csv"
    row = "2023-09-02,Arsenal,Chelsea,2,1,H,1,0,H\n"
    with big.open("w") as handle:
        handle.write(f"{HEADER}\n")
        handle.write(row * (20 * 1024 * 1024 // len(row) + 1))
    assert big.stat().st_size > 20 * 1024 * 1024
    out, err, code = run(big, "--competition", "premier-league")
    assert err == f"{big}: larger than 20 MiB, the most a file may be\n"
    assert (out, code) == ("0 created, 0 updated, 0 unchanged, 1 failed\n", 1)
    assert not Match.objects.exists()


def test_a_large_file_in_a_folder_that_is_no_fixtures_file_is_skipped(demo, tmp_path):
    (tmp_path / "archive.zip").write_bytes(b"PK\x03\x04" + b"\0" * (20 * 1024 * 1024))
    write(tmp_path, "a.json", openfootball(GOOD))
    assert run(tmp_path) == ("1 created, 0 updated, 0 unchanged, 0 failed\n", "", 0)


def test_a_season_option_that_names_no_season_says_to_add_it(demo, tmp_path):
    text = openfootball(GOOD)
    reason = refused(demo, tmp_path, "x.json", text, "--season", "2030-31")
    assert (
        reason == 'line 1: no Premier League season "2030-31" (--season); add it in the admin first'
    )


# ---------------------------------------------------------------- cups, statuses, progress

FA_CUP = "English FA Cup 2023/24"


def test_a_cup_tie_moved_to_another_day_is_the_same_tie(demo, tmp_path):
    tie = fixture("Arsenal FC", "Liverpool FC", date="2024-01-07", round="Round 3", score="")
    run(write(tmp_path, "a.json", openfootball(tie, name=FA_CUP)))
    moved = tie.replace("2024-01-07", "2024-01-09")
    path = write(tmp_path, "b.json", openfootball(moved, name=FA_CUP))
    out, err, code = run(path)
    assert out.splitlines() == [
        f"{path}, line 2: Arsenal v Liverpool: the file says kick-off on 9 January 2024 at "
        "15:00, the site has 7 January 2024 at 15:00; not changed (use --update to take the "
        "file's)",
        "0 created, 0 updated, 0 unchanged, 0 failed, 1 left alone",
    ]
    assert (err, code) == ("", 0)
    assert run(path, "--update")[0] == "0 created, 1 updated, 0 unchanged, 0 failed\n"
    match = Match.objects.get()
    assert match.kickoff == dt.datetime(2024, 1, 9, 15, 0, tzinfo=UTC)
    # Without a round the tie is the teams on that day, as before; another round is another.
    no_round = moved.replace('"round": "Round 3", ', "")
    assert '"round"' not in no_round
    assert run(write(tmp_path, "c.json", openfootball(no_round, name=FA_CUP)))[0] == (
        "0 created, 0 updated, 1 unchanged, 0 failed\n"
    )
    replay = tie.replace("Round 3", "Round 3 replay").replace("2024-01-07", "2024-01-17")
    assert run(write(tmp_path, "d.json", openfootball(replay, name=FA_CUP)))[0] == (
        "1 created, 0 updated, 0 unchanged, 0 failed\n"
    )


@pytest.fixture
def postponed(demo, tmp_path, time_machine) -> Match:
    """Arsenal v Chelsea imported as a fixture (on 1 December 2026 at 11:00), to be
    postponed."""
    time_machine.move_to(dt.datetime(2026, 12, 1, 11, 0, tzinfo=UTC), tick=False)
    run(write(tmp_path, "a.json", openfootball(fixture("Arsenal FC", "Chelsea FC", score=""))))
    match = Match.objects.get()
    match.status = Match.Status.POSTPONED
    return match


def test_a_result_for_a_postponed_match_needs_update(postponed, tmp_path):
    match_save(match=postponed, actor=Actor(Via.MATCHES, note="fixtures.json"))
    path = write(tmp_path, "a.json", openfootball(GOOD))
    out, _, code = run(path)
    assert out.splitlines() == [
        f"{path}, line 2: Arsenal v Chelsea: the file says 2–1 (finished), the site has no "
        "score (postponed); not changed (use --update to take the file's)",
        "0 created, 0 updated, 0 unchanged, 0 failed, 1 left alone",
    ]
    assert code == 0
    assert Match.objects.get().status == Match.Status.POSTPONED
    assert run(path, "--update")[0] == "0 created, 1 updated, 0 unchanged, 0 failed\n"
    assert Match.objects.get().status == Match.Status.FINISHED


def test_a_match_an_editor_postponed_needs_force(postponed, tmp_path, time_machine):
    alice = User.objects.create_user("alice", first_name="Alice", last_name="Smith")
    time_machine.move_to(dt.datetime(2026, 12, 1, 12, 3, tzinfo=UTC), tick=False)
    match_save(match=postponed, actor=Actor.of(alice, Via.ADMIN))
    path = write(tmp_path, "a.json", openfootball(GOOD))
    for options in ((), ("--update",)):
        out, _, _ = run(path, *options)
        assert out.splitlines() == [
            f"{path}, line 2: Arsenal v Chelsea: the file says 2–1 (finished), the site has no "
            "score (postponed), entered by Alice Smith on 1 December 2026, 12:03:00; not "
            "changed (use --force to take the file's)",
            "0 created, 0 updated, 0 unchanged, 0 failed, 1 left alone",
        ]
        assert Match.objects.get().status == Match.Status.POSTPONED
    out, _, _ = run(path, "--force")
    assert out.splitlines() == [
        f"{path}, line 2: Arsenal v Chelsea: took the file's 2–1 (finished) over no score "
        "(postponed), entered by Alice Smith on 1 December 2026, 12:03:00 (it stays in the "
        "match's revisions)",
        "0 created, 1 updated, 0 unchanged, 0 failed",
    ]
    assert (Match.objects.get().status, Match.objects.get().home_score) == (
        Match.Status.FINISHED,
        2,
    )


def test_an_awarded_result_and_a_finished_one_say_their_statuses(demo, tmp_path):
    path = write(
        tmp_path, "a.json", openfootball(fixture("Arsenal FC", "Chelsea FC", score="[3, 0]"))
    )
    run(path)
    match = Match.objects.get()
    match.status = Match.Status.AWARDED
    match_save(match=match, actor=Actor(Via.MATCHES, note="awarded.json"))
    out, _, _ = run(path)
    assert out.splitlines() == [
        f"{path}, line 2: Arsenal v Chelsea: the file says 3–0 (finished), the site has 3–0 "
        "(awarded); not changed (use --update to take the file's)",
        "0 created, 0 updated, 0 unchanged, 0 failed, 1 left alone",
    ]
    assert Match.objects.get().status == Match.Status.AWARDED


def test_progress_has_the_number_of_matches_and_reaches_it(demo, tmp_path):
    bad = write(tmp_path, "a.json", openfootball(GOOD, fixture("Everton FC", "Everton FC")))
    totals: list[int] = []
    steps: list[int] = []
    results = list(
        import_matches(
            [Source(str(PREMIER_LEAGUE), PREMIER_LEAGUE), Source(str(bad), bad)],
            progress=steps.append,
            total=totals.append,
        )
    )
    assert [result.failed for result in results] == [False, True]
    assert totals == [382]
    assert sum(steps) == 382  # the refused file's two at once


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_has_a_total(demo, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    call_command("import_matches", str(PREMIER_LEAGUE), str(LEAGUE_CUP), stdout=Terminal())
    assert "0/386 " in terminal.getvalue()


def test_two_rows_that_find_one_cup_tie_refuse_the_file(demo, tmp_path):
    tie = fixture("Arsenal FC", "Liverpool FC", date="2024-01-07", round="Round 3", score="")
    run(write(tmp_path, "a.json", openfootball(tie, name=FA_CUP)))
    before = list(Match.objects.values_list())
    moved = tie.replace("2024-01-07", "2024-01-09")  # found by its round
    no_round = tie.replace('"round": "Round 3", ', "")  # found by its day: the same tie
    path = write(tmp_path, "b.json", openfootball(moved, no_round, name=FA_CUP))
    out, err, code = run(path, "--update")
    assert err == (
        f"{path}, line 3: Arsenal v Liverpool is in the file twice (first on line 2: the same "
        "match on the site)\n"
    )
    assert (out, code) == ("0 created, 0 updated, 0 unchanged, 1 failed\n", 1)
    assert list(Match.objects.values_list()) == before  # line 2's update rolled back
    assert not Revision.objects.filter(source=Via.MATCHES, note="b.json").exists()
