"""Reading fixture files: openfootball's football.json and football-data.co.uk's CSV.

Pure: text in, a `Fixtures` of plain rows out, or a `ParseError` naming the line. Team names
stay as the file spells them (matches.importing finds the teams); nothing here touches the
database. Which format a file is comes from its content, never its name.

Times in both formats are UK local time; `Row.kickoff` makes them aware datetimes in
Europe/London, so a kickoff on 31 March 2024 at 16:30 (BST) is 15:30 UTC and one on
28 October 2023 at 15:00 (still BST) is 14:00 UTC. A match without a time kicks off at
15:00 UK time (`DEFAULT_TIME`), and `Row.time` stays None so that a file that does not know
the time never moves one the site has.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
DEFAULT_TIME = dt.time(15, 0)

OPENFOOTBALL = "openfootball"
FOOTBALL_DATA = "football-data"

# football-data.co.uk's columns: the ones a row needs, and the half-time ones it may have.
REQUIRED_COLUMNS = ("Date", "HomeTeam", "AwayTeam", "FTHG", "FTAG")

# What the models can hold, and what a real match can be: a file past any of them is refused
# here, naming the line, rather than failing in the database (tests check these against the
# models' fields).
ROUND_LENGTH = 60  # Match.round
VENUE_LENGTH = 100  # Match.venue
SCORER_LENGTH = 100  # MatchEvent.player_name
MAX_GOALS = 99  # a score (full time, half time, extra time, penalties)
MAX_MINUTE = 150  # a goal's minute, with the minutes added

_NUMBER = re.compile(r"[0-9]+")  # ASCII digits only: "²".isdigit() and "٣" match \d


class ParseError(Exception):
    """A file refused: the line it happened on and why."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Goal:
    """A goal as openfootball lists it under the team it counted for (`for_home`): an own
    goal is listed under the team it counted for, and was scored by the other side."""

    name: str
    minute: int
    added_minute: int | None = None
    penalty: bool = False
    own_goal: bool = False
    for_home: bool = True


@dataclass(frozen=True)
class Row:
    """One match as the file has it. Scores are None when the file gives none (a fixture
    not played yet, or a half-time score it does not have)."""

    line: int
    date: dt.date
    time: dt.time | None
    home: str
    away: str
    round: str = ""
    home_score: int | None = None
    away_score: int | None = None
    home_score_ht: int | None = None
    away_score_ht: int | None = None
    extra_time: bool = False
    home_penalties: int | None = None
    away_penalties: int | None = None
    ground: str = ""
    goals: tuple[Goal, ...] | None = None  # None: the file does not list scorers

    @property
    def kickoff(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.time or DEFAULT_TIME, tzinfo=UK)

    @property
    def played(self) -> bool:
        return self.home_score is not None


@dataclass(frozen=True)
class Fixtures:
    """A parsed file. `name` is openfootball's competition-and-season line ("English Premier
    League 2023/24"), `division` football-data's Div code ("E0"), when the file has them."""

    format: str
    rows: tuple[Row, ...]
    name: str = ""
    name_line: int = 1
    division: str = ""

    @property
    def season_slug(self) -> str:
        """ "2023-24" from a name that ends "2023/24" (or "2023-24", "2023/2024")."""
        found = re.search(r"\b([0-9]{4})\s*[/-]\s*([0-9]{2}|[0-9]{4})\b", self.name)
        if not found:
            return ""
        return f"{found[1]}-{found[2][-2:]}"

    @property
    def competition_name(self) -> str:
        """The name without its season: "English Premier League"."""
        return re.sub(r"\s*\b[0-9]{4}\s*[/-]\s*([0-9]{2}|[0-9]{4})\b\s*", " ", self.name).strip()


def detect(text: str) -> str:
    """OPENFOOTBALL for a JSON document, FOOTBALL_DATA for a CSV whose header names the home
    and away teams; ParseError for anything else."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        return OPENFOOTBALL
    header = stripped.split("\n", 1)[0]
    if "HomeTeam" in header and "AwayTeam" in header:
        return FOOTBALL_DATA
    raise ParseError(
        1, "neither openfootball JSON nor a football-data CSV (no HomeTeam and AwayTeam columns)"
    )


def parse(text: str) -> Fixtures:
    """Parse a file in whichever of the two formats it is."""
    if detect(text) == OPENFOOTBALL:
        return parse_openfootball(text)
    return parse_football_data(text)


# ------------------------------------------------------------------------ openfootball


def parse_openfootball(text: str) -> Fixtures:
    """`{"name": ..., "matches": [{"round", "date", "time", "team1", "team2", "score":
    {"ht", "ft", "et", "p"}, "goals1", "goals2", "ground"}]}`. With `et` the score is the
    one after extra time; `goals1` lists the goals that counted for team1."""
    text = text.lstrip("\ufeff")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(error.lineno, f"not valid JSON ({error.msg})") from None
    if not isinstance(document, dict) or not isinstance(document.get("matches"), list):
        raise ParseError(1, 'not an openfootball file: no "matches" list')
    name = document.get("name", "")
    lines = _element_lines(text)
    rows = []
    for number, match in enumerate(document["matches"]):
        line = lines[number] if number < len(lines) else 1
        rows.append(_openfootball_row(match, line))
    return Fixtures(
        OPENFOOTBALL, tuple(rows), name=name if isinstance(name, str) else "", name_line=1
    )


def _openfootball_row(match: Any, line: int) -> Row:
    if not isinstance(match, dict):
        raise ParseError(line, "a match must be an object")
    for key in ("date", "team1", "team2"):
        if not isinstance(match.get(key), str) or not match[key].strip():
            raise ParseError(line, f'match without "{key}"')
    score = match.get("score") or {}
    if not isinstance(score, dict):
        raise ParseError(line, f"score {_shown(score)} is not two whole numbers")
    full_time = _pair(score.get("ft"), line)
    extra_time = _pair(score.get("et"), line)
    final = extra_time or full_time
    half_time = _pair(score.get("ht"), line)
    penalties = _pair(score.get("p"), line)
    if final is None and (half_time or penalties):
        raise ParseError(line, "a half-time or penalty score without the final score")
    if penalties and final and final[0] != final[1]:
        after = (
            f"an extra-time score of {_shown(score['et'])}"
            if extra_time
            else f"a full-time score of {_shown(score['ft'])}"
        )
        raise ParseError(line, f"penalties {_shown(score['p'])} after {after}, which is not level")
    goals = None
    if "goals1" in match or "goals2" in match:
        goals = (
            *_goals(match.get("goals1") or [], line, for_home=True),
            *_goals(match.get("goals2") or [], line, for_home=False),
        )
    ground = match.get("ground") or ""
    if isinstance(ground, dict):
        ground = ground.get("name") or ""
    ground = ground.strip() if isinstance(ground, str) else ""
    _check_length(ground, VENUE_LENGTH, "ground", line)
    round_name = match.get("round") or ""
    round_name = round_name.strip() if isinstance(round_name, str) else str(round_name)
    _check_length(round_name, ROUND_LENGTH, "round", line)
    return Row(
        line=line,
        date=_date(match["date"].strip(), line),
        time=_time(match.get("time"), line),
        home=match["team1"].strip(),
        away=match["team2"].strip(),
        round=round_name,
        home_score=final[0] if final else None,
        away_score=final[1] if final else None,
        home_score_ht=half_time[0] if half_time else None,
        away_score_ht=half_time[1] if half_time else None,
        extra_time=extra_time is not None,
        home_penalties=penalties[0] if penalties else None,
        away_penalties=penalties[1] if penalties else None,
        ground=ground,
        goals=goals,
    )


def _pair(value: Any, line: int) -> tuple[int, int] | None:
    if value is None:
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in value)
    ):
        _check_goals(value[0], value[1], _shown(value), line)
        return value[0], value[1]
    raise ParseError(line, f"score {_shown(value)} is not two whole numbers")


def _check_goals(home: int, away: int, shown: str, line: int) -> None:
    if home > MAX_GOALS or away > MAX_GOALS:
        raise ParseError(
            line, f"score {shown} is not a football score (more than {MAX_GOALS} goals)"
        )


def _check_length(value: str, limit: int, what: str, line: int) -> None:
    if len(value) > limit:
        raise ParseError(line, f"{what} {quoted(value)} is longer than {limit} characters")


def quoted(text: str, limit: int = 40) -> str:
    """A name for a message, in quotes, cut after `limit` characters: a refused file's
    over-long name must not make the one line a page long."""
    return json.dumps(text if len(text) <= limit else text[:limit] + "…", ensure_ascii=False)


def _shown(value: Any) -> str:
    """A bad score as the file gives it: [3, "x"], [-1, 2] (not "-1-2")."""
    return json.dumps(value, ensure_ascii=False)


def _goals(entries: Any, line: int, *, for_home: bool) -> Iterator[Goal]:
    if not isinstance(entries, list):
        raise ParseError(line, "goals must be a list")
    for entry in entries:
        minute = entry.get("minute") if isinstance(entry, dict) else None
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise ParseError(line, "a goal without the scorer's name")
        name = name.strip()
        _check_length(name, SCORER_LENGTH, "scorer's name", line)
        if not isinstance(minute, int) or isinstance(minute, bool) or minute < 0:
            raise ParseError(line, f"goal by {name}: no minute")
        offset = entry.get("offset")
        if not isinstance(offset, int) or isinstance(offset, bool) or offset <= 0:
            offset = None
        if minute + (offset or 0) > MAX_MINUTE:
            clock = f"{minute}+{offset}" if offset else str(minute)
            raise ParseError(
                line,
                f"goal by {name}: minute {clock} is past {MAX_MINUTE}, longer than a match lasts",
            )
        yield Goal(
            name=name,
            minute=minute,
            added_minute=offset,
            penalty=bool(entry.get("penalty")),
            own_goal=bool(entry.get("owngoal")),
            for_home=for_home,
        )


def _element_lines(text: str) -> list[int]:
    """The line each element of the top-level "matches" list starts on.

    Walks the (already valid) document's top level with the JSON decoder's own
    `raw_decode`, so a match's line is where its "{" is, however the file is laid out.
    """
    decoder = json.JSONDecoder()
    whitespace = re.compile(r"[ \t\r\n]*")

    def skip(position: int) -> int:
        found = whitespace.match(text, position)
        return found.end() if found else position

    position = skip(0)
    if text[position : position + 1] != "{":
        return []
    position = skip(position + 1)
    while position < len(text) and text[position] != "}":
        key, position = decoder.raw_decode(text, position)
        position = skip(skip(position) + 1)  # past the colon
        if key == "matches" and text[position] == "[":
            lines = []
            position = skip(position + 1)
            while text[position] != "]":
                lines.append(text.count("\n", 0, position) + 1)
                _, position = decoder.raw_decode(text, position)
                position = skip(position)
                if text[position] == ",":
                    position = skip(position + 1)
            return lines
        _, position = decoder.raw_decode(text, position)
        position = skip(position)
        if text[position : position + 1] == ",":
            position = skip(position + 1)
    return []


# ----------------------------------------------------------------------- football-data


def parse_football_data(text: str) -> Fixtures:
    """football-data.co.uk's CSV: `Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,...`
    (Div and Time only in some files). Dates are dd/mm/yy, dd/mm/yyyy or ISO; a row with
    no full-time goals is a fixture not played yet; rows with every field blank are skipped
    (the files often end with some)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader, [])]
    except csv.Error as error:
        raise ParseError(1, f"not a valid CSV ({error})") from None
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ParseError(1, f"missing columns: {', '.join(missing)}")
    rows = []
    divisions = set()
    start = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise ParseError(start, f"not a valid CSV ({error})") from None
        line, start = start, reader.line_num + 1
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            raise ParseError(line, f"{len(fields)} fields where the header has {len(header)}")
        row = {column: value.strip() for column, value in zip(header, fields, strict=True)}
        if row.get("Div"):
            divisions.add(row["Div"])
        rows.append(_football_data_row(row, line))
    if len(divisions) > 1:
        raise ParseError(1, f"rows of several divisions ({', '.join(sorted(divisions))})")
    return Fixtures(FOOTBALL_DATA, tuple(rows), division=next(iter(divisions), ""))


def _football_data_row(row: dict[str, str], line: int) -> Row:
    for column in ("HomeTeam", "AwayTeam", "Date"):
        if not row[column]:
            raise ParseError(line, f"no {column}")
    full_time = _csv_pair(row, "FTHG", "FTAG", line)
    half_time = _csv_pair(row, "HTHG", "HTAG", line) if full_time else None
    return Row(
        line=line,
        date=_csv_date(row["Date"], line),
        time=_time(row.get("Time") or None, line),
        home=row["HomeTeam"],
        away=row["AwayTeam"],
        home_score=full_time[0] if full_time else None,
        away_score=full_time[1] if full_time else None,
        home_score_ht=half_time[0] if half_time else None,
        away_score_ht=half_time[1] if half_time else None,
    )


def _csv_pair(row: dict[str, str], home: str, away: str, line: int) -> tuple[int, int] | None:
    values = row.get(home, ""), row.get(away, "")
    if not any(values):
        return None
    shown = f'"{values[0]}-{values[1]}"'
    if all(_NUMBER.fullmatch(value) for value in values):
        home_goals, away_goals = int(values[0]), int(values[1])
        _check_goals(home_goals, away_goals, shown, line)
        return home_goals, away_goals
    raise ParseError(line, f"score {shown} is not two whole numbers")


_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{2}|[0-9]{4})")


def _csv_date(value: str, line: int) -> dt.date:
    found = _DMY.fullmatch(value)
    if not found:
        return _date(value, line)
    day, month, year = int(found[1]), int(found[2]), int(found[3])
    if len(found[3]) == 2:
        year += 2000 if year < 70 else 1900  # football-data's files start in 1993
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ParseError(line, f'no such date "{value}"') from None


def _date(value: str, line: int) -> dt.date:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ParseError(line, f'"{value}" is not a date (YYYY-MM-DD)')
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ParseError(line, f'no such date "{value}"') from None


def _time(value: Any, line: int) -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,2}[:.][0-9]{2}", value.strip()):
        hours, minutes = re.split(r"[:.]", value.strip())
        if int(hours) < 24 and int(minutes) < 60:
            return dt.time(int(hours), int(minutes))
    raise ParseError(line, f"no such time {json.dumps(value, ensure_ascii=False)}")
