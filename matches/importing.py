"""The match import: fixture files (matches.parsing) become matches of a season.

`import_matches(sources, ...)` judges each file whole before it writes any of it: the
competition and season (from the options, or from the file: openfootball's "name", the
dates), every team name (matches.names), every date inside the season, no team playing
itself, no match twice. A file that fails any of it is refused with one line — the file,
the line, the reason — and nothing of it is written; the others go on.

A match is the same match whichever file it comes from: in a league season it is the home
team against the away team (they meet once); in a cup the two teams in that round when the
file gives rounds (so a tie moved to another day is the same tie, its new day reported like
any kickoff change), else the two teams on that day. So
openfootball's and football-data's copies of a season are one season, and re-running an
import changes nothing. What a file says is compared with what the site has, field by
field, and only for what the file knows: a file without kickoff times never moves a
kickoff, a fixture list never undoes a result, a file without half-time scores never clears
one. A result filled in where the site had none (a match still scheduled) is taken; a result,
kickoff or round that *differs*, or a result for a match an editor postponed, cancelled or
abandoned, is reported and left alone unless `update`; and a match whose latest revision is
a person's (the admin, the API, a restore) is never changed over them unless `force`.

Every write goes through matches.services: the matches a file creates are written together
(`matches_create`), with a revision each and one table recompute for the season, and the
matches it updates are saved one by one with the table recomputed once at the end (380
`match_save`s with a recompute each took 8.5 s).
Each file is one transaction; a dry run goes down the same path and rolls it back. What
the database refuses anyway (a `DatabaseError`) refuses that file alone: its transaction
rolls back and the others go on. A file larger than `_MAX_BYTES` is refused unread.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, router, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from matches.models import Competition, Match, MatchEvent, Season, Team
from matches.names import NameIndex, core_name, fold_name
from matches.parsing import (
    FOOTBALL_DATA,
    UK,
    Fixtures,
    Goal,
    ParseError,
    Row,
    detect,
    parse,
    quoted,
)
from matches.services import match_save, matches_create, recompute_table, team_save
from players.models import Player
from revisions.models import Actor, Revision, Via, when

# football-data.co.uk's division codes, by the competition's name.
DIVISIONS = {
    "E0": "Premier League",
    "E1": "Championship",
    "E2": "League One",
    "E3": "League Two",
    "EC": "National League",
    "SC0": "Scottish Premiership",
}
# Saves made by processes, not people: a match whose latest revision is one of these may be
# updated by the import.
_NOT_EDITS = (Via.MATCHES, Via.DEMO, Via.IMPORT)
_MAX_BYTES = 20 * 1024 * 1024
_MIB = 1024 * 1024
# What a match's status is while a result may still be filled in without --update.
_OPEN = (Match.Status.SCHEDULED, Match.Status.LIVE)


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CHANGED = "changed"  # the file differs from the site: left alone without --update
    EDITED = "edited"  # ...and a person entered what the site has: left alone without --force


LEFT_ALONE = (Outcome.CHANGED, Outcome.EDITED)


class OptionError(Exception):
    """An option names a competition or season that is not there: no file can be imported."""


class TooLarge(Exception):
    """A file larger than an import reads; `head`: its beginning, to tell what it is."""

    def __init__(self, head: str) -> None:
        super().__init__(f"larger than {_size(_MAX_BYTES)}")
        self.head = head


@dataclass(frozen=True)
class MatchResult:
    """What the import did with one match of a file; `message` is its line."""

    line: int
    outcome: Outcome
    message: str
    forced: bool = False  # an update that replaced a person's entry (--force)
    untimed: bool = False  # created without a kick-off time in the file: at 15:00


@dataclass(frozen=True)
class FileResult:
    """What the import did with one file: a refusal (`error`, the whole line), or a result
    per match, the teams it created and its warnings. `skipped`: a file in a folder that is
    not a fixtures file (a README), passed over."""

    source_name: str
    error: str = ""
    season: str = ""  # "Premier League 2023–24"
    matches: tuple[MatchResult, ...] = ()
    teams_created: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.error)

    @property
    def counts(self) -> Counter[Outcome]:
        return Counter(result.outcome for result in self.matches)


@dataclass
class Summary:
    """ "380 created, 0 updated, 0 unchanged, 0 failed": matches, and the files refused."""

    counts: Counter[Outcome] = field(default_factory=Counter)
    failed: int = 0

    def add(self, result: FileResult) -> None:
        if result.failed:
            self.failed += 1
        self.counts.update(result.counts)

    def __str__(self) -> str:
        line = (
            f"{self.counts[Outcome.CREATED]} created, {self.counts[Outcome.UPDATED]} updated, "
            f"{self.counts[Outcome.UNCHANGED]} unchanged, {self.failed} failed"
        )
        if left := sum(self.counts[outcome] for outcome in LEFT_ALONE):
            line += f", {left} left alone"
        return line


# ----------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """A file to import; `in_folder` when it was found in a folder rather than named (a file
    there that is no fixtures file is skipped, not refused)."""

    name: str
    path: Path
    in_folder: bool = False

    def read(self) -> str:
        """The file's text; TooLarge past `_MAX_BYTES` (cut there, a CSV would import in
        part)."""
        with self.path.open("rb") as handle:
            data = handle.read(_MAX_BYTES + 1)
        if len(data) > _MAX_BYTES:
            raise TooLarge(data[:4096].decode("utf-8-sig", errors="replace"))
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # football-data.co.uk's older files are Windows-1252 ("Nott'm" with a curly ’).
            return data.decode("cp1252", errors="replace")


def collect_sources(paths: Iterable[str]) -> tuple[list[Source], list[FileResult]]:
    """The files of the command line's paths: files, and the files of folders (sorted, not
    hidden); a path that names nothing is a failed result."""
    sources: list[Source] = []
    missing: list[FileResult] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            sources.extend(
                Source(str(child), child, in_folder=True)
                for child in sorted(path.iterdir())
                if child.is_file() and not child.name.startswith(".")
            )
        elif path.is_file():
            sources.append(Source(raw, path))
        else:
            missing.append(FileResult(raw, error=f"{raw}: no such file or folder"))
    return sources, missing


# ------------------------------------------------------------------------------ import


@dataclass
class _Known:
    """What every file of a run is checked against, read once: teams, competitions, and our
    players (scorers are linked to them by name)."""

    teams: NameIndex[Team]
    competitions: NameIndex[Competition]
    players: NameIndex[Player]

    @classmethod
    def load(cls) -> _Known:
        return cls(
            teams=NameIndex(Team.objects.all()),
            competitions=NameIndex(Competition.objects.all()),
            players=NameIndex(Player.objects.only("pk", "name", "aliases")),
        )


def import_matches(
    sources: Iterable[Source],
    *,
    competition: str | None = None,
    season: str | None = None,
    update: bool = False,
    force: bool = False,
    create_teams: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
) -> Iterator[FileResult]:
    """Import each file in its own transaction, yielding one result per file, in order; a
    refused file never stops the others. `competition` and `season` are slugs that override
    what the files say; `force` implies `update`; with `dry_run` each file's transaction is
    rolled back, so the results say what would happen. Every file is read and parsed first:
    `total(n)` is called once with the number of matches they hold, then `progress(n)` as
    they are imported (a refused file's all at once). Raises OptionError, before any file,
    for a competition or season not there.
    """
    chosen_competition = None
    if competition:
        chosen_competition = Competition.objects.filter(slug=competition).first()
        if chosen_competition is None:
            slugs = ", ".join(Competition.objects.values_list("slug", flat=True)) or "none yet"
            raise OptionError(f'no competition "{competition}" (there are: {slugs})')
        if season and not chosen_competition.seasons.filter(slug=season).exists():
            raise OptionError(f'no season "{season}" of the {chosen_competition.name}')
    known = _Known.load()
    counter = _Counter(progress or (lambda done: None))
    options = _Options(
        competition=chosen_competition,
        season=season or "",
        update=update or force,
        force=force,
        create_teams=create_teams,
        dry_run=dry_run,
        progress=counter,
    )
    parsed = [(source.name, _read(source)) for source in sources]
    if total is not None:
        total(sum(len(read.rows) for _, read in parsed if isinstance(read, Fixtures)))
    for name, read in parsed:
        if isinstance(read, FileResult):
            yield read
            continue
        counter.done = 0
        result = _import_file(name, read, known, options)
        if result.teams_created and dry_run:
            known.teams = NameIndex(Team.objects.all())  # the teams were rolled back
        if counter.done < len(read.rows):  # refused: the rest of its matches at once
            counter(len(read.rows) - counter.done)
        yield result


@dataclass
class _Counter:
    """`progress`, counting the matches it was told of."""

    report: Callable[[int], None]
    done: int = 0

    def __call__(self, number: int) -> None:
        self.done += number
        self.report(number)


@dataclass(frozen=True)
class _Options:
    competition: Competition | None
    season: str
    update: bool
    force: bool
    create_teams: bool
    dry_run: bool
    progress: Callable[[int], None]


class _Refused(Exception):
    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason


def _read(source: Source) -> Fixtures | FileResult:
    """The file parsed, or its result: refused (unreadable, too large, not parsed) or, in a
    folder, skipped as no fixtures file."""
    name = source.name
    try:
        text = source.read()
    except OSError as error:
        return FileResult(name, error=f"{name}: cannot read ({error.strerror})")
    except TooLarge as error:
        if source.in_folder and not _is_fixtures(error.head):
            return FileResult(name, skipped=True)
        return FileResult(
            name, error=f"{name}: larger than {_size(_MAX_BYTES)}, the most a file may be"
        )
    if source.in_folder and not _is_fixtures(text):
        return FileResult(name, skipped=True)
    try:
        return parse(text)
    except ParseError as error:
        return FileResult(name, error=f"{name}, line {error.line}: {error.reason}")


def _is_fixtures(text: str) -> bool:
    try:
        detect(text)
    except ParseError:
        return False
    return True


def _size(number: int) -> str:
    return f"{number // _MIB} MiB" if number % _MIB == 0 else f"{number} bytes"


def _import_file(name: str, fixtures: Fixtures, known: _Known, options: _Options) -> FileResult:
    try:
        season = _season_of(fixtures, known, options)
        plan = _Plan.of(fixtures, season, known, create_teams=options.create_teams)
    except _Refused as refused:
        return FileResult(name, error=f"{name}, line {refused.line}: {refused.reason}")
    using = router.db_for_write(Match)
    try:
        with transaction.atomic(using=using):
            # One import of a season at a time: two would both see a match missing and
            # create it.
            list(Season.objects.select_for_update().filter(pk=season.pk).values_list("pk"))
            actor = Actor(Via.MATCHES, note=Path(name).name)
            teams_created = plan.create_teams(actor, known)
            results = _apply(plan, source_name=name, actor=actor, known=known, options=options)
            if options.dry_run:
                transaction.set_rollback(True, using=using)
    except (_Refused, DatabaseError) as error:
        # The file's transaction rolled back: the teams it made are gone too.
        if plan.new_teams:
            known.teams = NameIndex(Team.objects.all())
        if isinstance(error, _Refused):
            return FileResult(name, error=f"{name}, line {error.line}: {error.reason}")
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "no reason given"
        return FileResult(
            name, error=f"{name}: the database refused the file ({reason}); nothing of it written"
        )
    warnings: tuple[str, ...] = ()
    if untimed := sum(result.untimed for result in results):
        warnings = (
            f"{name}: {counted(untimed, 'new match', 'new matches')} without a kick-off time, "
            "stored at 15:00 UK time",
        )
    return FileResult(
        name,
        season=str(season),
        matches=tuple(results),
        teams_created=teams_created,
        warnings=warnings,
    )


def _season_of(fixtures: Fixtures, known: _Known, options: _Options) -> Season:
    """The season the file's matches belong to: the options', or the one the file names,
    or the competition's season whose dates hold the file's first match."""
    if not fixtures.rows:
        raise _Refused(fixtures.name_line, "no matches in the file")
    competition = options.competition or _competition_of(fixtures, known)
    seasons = Season.objects.filter(competition=competition).select_related("competition")
    slug = options.season or fixtures.season_slug
    if slug:
        found = seasons.filter(slug=slug).first()
        if found is None and options.season:
            raise _Refused(
                fixtures.name_line,
                f'no {competition.name} season "{slug}" (--season); add it in the admin first',
            )
        if found is None:
            raise _Refused(
                fixtures.name_line,
                f'no {competition.name} season "{slug}"; add it in the admin or use --season',
            )
        return found
    first = min(fixtures.rows, key=lambda row: row.date)
    found = seasons.filter(starts_on__lte=first.date, ends_on__gte=first.date).first()
    if found is None:
        raise _Refused(
            first.line,
            f"no {competition.name} season holds {_day(first.date)}; "
            "add it in the admin or use --season",
        )
    return found


def _competition_of(fixtures: Fixtures, known: _Known) -> Competition:
    if fixtures.name:
        wanted = fixtures.competition_name
        found = known.competitions.find(wanted).item
        if found is None:
            raise _Refused(
                fixtures.name_line,
                f'no competition called "{wanted}" (the file\'s name is "{fixtures.name}"); '
                "add it as an alias of one or use --competition",
            )
        return found
    if fixtures.division:
        wanted = DIVISIONS.get(fixtures.division, fixtures.division)
        found = known.competitions.find(wanted).item
        if found is None:
            raise _Refused(
                fixtures.rows[0].line,
                f'no competition for the division "{fixtures.division}"; use --competition',
            )
        return found
    what = "no Div column" if fixtures.format == FOOTBALL_DATA else 'no "name"'
    raise _Refused(1, f"the file does not say its competition ({what}); use --competition")


# ---------------------------------------------------------------------------- the plan


@dataclass
class _Plan:
    """A file's rows with their teams found and every check passed: what will be written."""

    season: Season
    rows: list[tuple[Row, Team, Team]]
    new_teams: dict[str, Team]  # teams --create-teams will make, by core name

    @classmethod
    def of(cls, fixtures: Fixtures, season: Season, known: _Known, *, create_teams: bool) -> _Plan:
        new_teams: dict[str, Team] = {}

        def team(name: str, line: int) -> Team:
            found = known.teams.find(name)
            if found.item is not None:
                return found.item
            if found.claimed_by:
                claims = " or ".join(team.name for team in found.claimed_by)
                raise _Refused(line, f'"{name}" could be {claims}; make it one team\'s alias')
            if create_teams:
                return new_teams.setdefault(core_name(name), _new_team(name, line))
            closest = f" (closest: {found.closest.name})" if found.closest else ""
            raise _Refused(
                line,
                f'no team called "{name}"{closest}; add it as an alias or use --create-teams',
            )

        is_league = season.competition.is_league
        first_on: dict[tuple[object, ...], int] = {}
        rows = []
        for row in fixtures.rows:
            home, away = team(row.home, row.line), team(row.away, row.line)
            if home is away:
                raise _Refused(row.line, f'"{row.home}" v "{row.away}": a team cannot play itself')
            if not season.covers(row.date):
                raise _Refused(
                    row.line,
                    f"{_day(row.date)} is outside the {season} season "
                    f"({_day(season.starts_on)} to {_day(season.ends_on)})",
                )
            key = (id(home), id(away)) if is_league else (id(home), id(away), _tie(row))
            if key in first_on:
                raise _Refused(
                    row.line,
                    f"{_teams(home, away)} is in the file twice (first on line {first_on[key]})",
                )
            first_on[key] = row.line
            rows.append((row, home, away))
        return cls(season, rows, new_teams)

    def create_teams(self, actor: Actor, known: _Known) -> tuple[str, ...]:
        taken = set(Team.objects.values_list("slug", flat=True))
        for team in self.new_teams.values():
            base = slugify(team.short_name) or "team"
            team.slug, number = base, 2
            while team.slug in taken:
                team.slug, number = f"{base}-{number}", number + 1
            taken.add(team.slug)
            team_save(team=team, actor=actor)
            known.teams.add(team)
        return tuple(team.name for team in self.new_teams.values())


def _new_team(name: str, line: int) -> Team:
    """The team --create-teams makes of a name; refused when its name or short name (the
    name without "FC") is longer than a team's may be."""
    words = name.split()
    short = " ".join(word for word in words if fold_name(word) not in ("fc", "afc")) or name
    name_length = Team._meta.get_field("name").max_length or 0
    short_length = Team._meta.get_field("short_name").max_length or 0
    if len(name) > name_length:
        raise _Refused(line, f"team name {quoted(name)} is longer than {name_length} characters")
    if len(short) > short_length:
        raise _Refused(
            line,
            f"team name {quoted(name)} makes a short name longer than {short_length} "
            "characters; add the team in the admin",
        )
    return Team(name=name, short_name=short)


def _tie(row: Row) -> tuple[str, object]:
    """What tells a cup tie from the same teams' others: its round when the file gives one
    (the day can move), else its day."""
    return ("round", row.round) if row.round else ("day", row.date)


# ------------------------------------------------------------------------- comparing


# A match's status, scores after extra time when played, extra time, and penalties.
_Result = tuple[str, int | None, int | None, bool, int | None, int | None]


@dataclass(frozen=True)
class _Wanted:
    """What the file says of a match, in the model's terms, and what it does not know
    (`None`: leave the site's value)."""

    kickoff: dt.datetime
    round: str | None
    venue: str | None
    result: _Result | None
    half_time: tuple[int, int] | None
    goals: list[MatchEvent] | None


def _wanted(row: Row, home: Team, away: Team, stored: Match | None, known: _Known) -> _Wanted:
    kickoff = row.kickoff
    if row.time is None and stored is not None:
        # The file does not know the time: the site's stands, moved to the file's day.
        local = stored.kickoff.astimezone(UK)
        kickoff = dt.datetime.combine(row.date, local.time(), tzinfo=UK)
    venue = None
    if row.ground:
        venue = "" if fold_name(row.ground) == fold_name(home.ground) else row.ground
    result = None
    if row.played:
        result = (
            Match.Status.FINISHED.value,
            row.home_score,
            row.away_score,
            row.extra_time,
            row.home_penalties,
            row.away_penalties,
        )
    half_time = None
    if row.home_score_ht is not None and row.away_score_ht is not None:
        half_time = (row.home_score_ht, row.away_score_ht)
    goals = None
    if row.goals is not None:
        goals = [_event(goal, home, away, known) for goal in row.goals]
    return _Wanted(kickoff, row.round or None, venue, result, half_time, goals)


def _event(goal: Goal, home: Team, away: Team, known: _Known) -> MatchEvent:
    counted_for, other = (home, away) if goal.for_home else (away, home)
    team = other if goal.own_goal else counted_for  # an own goal is its scorer's team's
    player = known.players.find(goal.name).item if team.is_club else None
    kind = (
        MatchEvent.Kind.OWN_GOAL
        if goal.own_goal
        else MatchEvent.Kind.PENALTY_GOAL
        if goal.penalty
        else MatchEvent.Kind.GOAL
    )
    return MatchEvent(
        team=team,
        player=player,
        player_name="" if player else goal.name,
        minute=goal.minute,
        added_minute=goal.added_minute,
        kind=kind,
    )


def _event_key(event: MatchEvent) -> tuple[object, ...]:
    return (
        event.minute,
        event.added_minute or 0,
        event.kind,
        event.team_id or event.team.pk,
        event.player_id or (event.player.pk if event.player else 0),
        event.player_name,
    )


def _stored_result(match: Match) -> _Result:
    return (
        match.status,
        match.home_score,
        match.away_score,
        match.extra_time,
        match.home_penalties,
        match.away_penalties,
    )


@dataclass
class _Difference:
    """One thing the file and the site say differently, in words; `fill`: the site had
    nothing there (a result for a fixture, a missing half-time score), so taking the file's
    replaces nothing."""

    ours: str
    theirs: str
    fill: bool


def _differences(match: Match, wanted: _Wanted) -> list[_Difference]:
    found = []
    stored = _stored_result(match)
    if wanted.result is not None and wanted.result != stored:
        # The statuses said when they differ and the scores alone would not show it (an
        # awarded 3–0, a postponed match); a scheduled match without a score is "no score".
        shown = wanted.result[0] != stored[0] and (
            match.has_score or match.status != Match.Status.SCHEDULED
        )
        site_has = _score(*stored[1:]) if match.has_score else "no score"
        if shown:
            site_has = (
                _score(*stored[1:], status=stored[0])
                if match.has_score
                else f"no score ({stored[0]})"
            )
        found.append(
            _Difference(
                _score(*wanted.result[1:], status=wanted.result[0] if shown else None),
                site_has,
                # A fill only where a result is still to come: not over an editor's
                # postponed, cancelled or abandoned.
                fill=not match.has_score and match.status in _OPEN,
            )
        )
    stored_ht = (match.home_score_ht, match.away_score_ht)
    if wanted.half_time is not None and wanted.half_time != stored_ht:
        found.append(
            _Difference(
                "{}–{} at half time".format(*wanted.half_time),
                "{}–{} at half time".format(*stored_ht)
                if match.home_score_ht is not None
                else "no half-time score",
                fill=match.home_score_ht is None,
            )
        )
    if wanted.kickoff != match.kickoff:
        ours, theirs = wanted.kickoff.astimezone(UK), match.kickoff.astimezone(UK)
        if ours.date() == theirs.date():
            found.append(_Difference(f"kick-off at {ours:%H:%M}", f"{theirs:%H:%M}", fill=False))
        else:
            found.append(
                _Difference(
                    f"kick-off on {_day(ours.date())} at {ours:%H:%M}",
                    f"{_day(theirs.date())} at {theirs:%H:%M}",
                    fill=False,
                )
            )
    if wanted.round is not None and wanted.round != match.round:
        found.append(
            _Difference(
                f'round "{wanted.round}"',
                f'"{match.round}"' if match.round else "no round",
                fill=not match.round,
            )
        )
    if wanted.venue is not None and wanted.venue != match.venue:
        found.append(
            _Difference(
                f"venue {wanted.venue or match.home.ground or 'the home ground'}",
                f"venue {match.venue}" if match.venue else "no venue",
                fill=not match.venue,
            )
        )
    if wanted.goals is not None:
        goals = [event for event in match.events.all() if event.kind in MatchEvent.SCORING]
        if sorted(map(_event_key, wanted.goals)) != sorted(map(_event_key, goals)):
            found.append(
                _Difference(
                    f"goals {_goal_list(wanted.goals)}",
                    _goal_list(goals) if goals else "no goals",
                    fill=not goals,
                )
            )
    return found


def _score(
    home: int | None,
    away: int | None,
    extra_time: bool,
    pens_home: int | None,
    pens_away: int | None,
    status: str | None = None,
) -> str:
    """ "1–1 after extra time (4–3 on penalties)"; with `status`, "3–0 (awarded)"."""
    text = f"{home}–{away}"
    if extra_time:
        text += " after extra time"
    notes = [f"{pens_home}–{pens_away} on penalties"] if pens_home is not None else []
    if status is not None:
        notes.append(status)
    if notes:
        text += f" ({'; '.join(notes)})"
    return text


def _goal_list(events: Iterable[MatchEvent]) -> str:
    ordered = sorted(events, key=lambda event: (event.minute, event.added_minute or 0))
    return ", ".join(f"{event.who} {event.clock}" for event in ordered) or "none"


# ---------------------------------------------------------------------------- writing


def _apply(
    plan: _Plan, *, source_name: str, actor: Actor, known: _Known, options: _Options
) -> list[MatchResult]:
    season = plan.season
    stored_matches = Match.objects.filter(season=season).select_related("home", "away")
    if any(row.goals is not None for row, _, _ in plan.rows):
        stored_matches = stored_matches.prefetch_related("events__player")
    is_league = season.competition.is_league
    by_key: dict[tuple[object, ...], Match] = {}
    for match in stored_matches:
        for key in _identities(match, is_league=is_league):
            by_key.setdefault(key, match)

    results: list[MatchResult] = []
    new: list[tuple[Match, list[MatchEvent]]] = []
    taken: dict[int, int] = {}  # the stored matches rows found, and the row's line
    for row, home, away in plan.rows:
        where = f"{source_name}, line {row.line}: {_teams(home, away)}"
        if is_league:
            stored = by_key.get((home.pk, away.pk))
        else:
            # A cup tie by its round, else (no round in the file, or none on the site) its day.
            stored = by_key.get((home.pk, away.pk, _tie(row))) or by_key.get(
                (home.pk, away.pk, ("day", row.date))
            )
        if stored is not None:
            if stored.pk in taken:
                raise _Refused(
                    row.line,
                    f"{_teams(home, away)} is in the file twice (first on line "
                    f"{taken[stored.pk]}: the same match on the site)",
                )
            taken[stored.pk] = row.line
        wanted = _wanted(row, home, away, stored, known)
        if stored is None:
            new.append((_new_match(season, row, home, away, wanted), wanted.goals or []))
            results.append(
                MatchResult(
                    row.line, Outcome.CREATED, f"{where}: created", untimed=row.time is None
                )
            )
        else:
            results.append(
                _update(stored, wanted, line=row.line, where=where, actor=actor, options=options)
            )
        options.progress(1)
    if new:
        matches_create(matches=new, actor=actor)
    elif any(result.outcome is Outcome.UPDATED for result in results):
        # The updates above saved without recomputing: the table once, for them all.
        recompute_table(season)
    return results


def _identities(match: Match, *, is_league: bool) -> list[tuple[object, ...]]:
    """The keys a stored match is found by: in a league its teams; in a cup its teams with
    its round (when it has one) and with its day (see `_tie`)."""
    if is_league:
        return [(match.home_id, match.away_id)]
    day = (match.home_id, match.away_id, ("day", timezone.localtime(match.kickoff).date()))
    if match.round:
        return [(match.home_id, match.away_id, ("round", match.round)), day]
    return [day]


def _new_match(season: Season, row: Row, home: Team, away: Team, wanted: _Wanted) -> Match:
    match = Match(season=season, home=home, away=away)
    _take(match, wanted)
    return match


def _update(
    match: Match, wanted: _Wanted, *, line: int, where: str, actor: Actor, options: _Options
) -> MatchResult:
    differences = _differences(match, wanted)
    if not differences:
        return MatchResult(line, Outcome.UNCHANGED, f"{where}: unchanged")
    ours = " and ".join(difference.ours for difference in differences)
    theirs = " and ".join(difference.theirs for difference in differences)
    says = f"the file says {ours}, the site has {theirs}"
    conflict = not all(difference.fill for difference in differences)
    latest = Revision.objects.latest_of(match) if conflict else None
    edited = latest is not None and latest.source not in _NOT_EDITS
    entered = f", entered by {latest.author} on {when(latest)}" if edited and latest else ""
    if edited and not options.force:
        return MatchResult(
            line,
            Outcome.EDITED,
            f"{where}: {says}{entered}; not changed (use --force to take the file's)",
        )
    if conflict and not options.update:
        return MatchResult(
            line, Outcome.CHANGED, f"{where}: {says}; not changed (use --update to take the file's)"
        )
    _take(match, wanted)
    events = None
    if wanted.goals is not None:
        # The file's goals replace the site's; cards and substitutions stay.
        kept = [event for event in match.events.all() if event.kind not in MatchEvent.SCORING]
        events = [_copy(event) for event in kept] + wanted.goals
    match_save(match=match, actor=actor, events=events, recompute=False)
    if edited:
        return MatchResult(
            line,
            Outcome.UPDATED,
            f"{where}: took the file's {ours} over {theirs}{entered} "
            "(it stays in the match's revisions)",
            forced=True,
        )
    return MatchResult(line, Outcome.UPDATED, f"{where}: updated: {says} before")


def _take(match: Match, wanted: _Wanted) -> None:
    match.kickoff = wanted.kickoff
    if wanted.round is not None:
        match.round = wanted.round
    if wanted.venue is not None:
        match.venue = wanted.venue
    if wanted.result is not None:
        (
            match.status,
            match.home_score,
            match.away_score,
            match.extra_time,
            match.home_penalties,
            match.away_penalties,
        ) = wanted.result
    if wanted.half_time is not None:
        match.home_score_ht, match.away_score_ht = wanted.half_time


def _copy(event: MatchEvent) -> MatchEvent:
    return MatchEvent(
        team_id=event.team_id,
        player_id=event.player_id,
        player_name=event.player_name,
        minute=event.minute,
        added_minute=event.added_minute,
        kind=event.kind,
    )


# ------------------------------------------------------------------------------ words


def _teams(home: Team, away: Team) -> str:
    return f"{home.short_name or home.name} v {away.short_name or away.name}"


def counted(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def _day(day: dt.date) -> str:
    return date_format(day, "j F Y")
