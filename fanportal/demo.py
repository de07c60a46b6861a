"""Load the demo club (squad, staff, trophies, honours) from a TOML file, and the
competitions, seasons, teams and points deductions of its matches from another.

Creates what is missing and leaves alone what is there. A person, a trophy, a competition or
a team is there when a row has its slug, an honour when its trophy has one for that season,
a season when its competition has one with its slug, a deduction when the team has one in
that season; a row that is there is not written at all, not even to put back what the file
says, so whatever an editor changed in the admin (an alias, a bio, a score, a ground)
survives `make demo`. Loading twice changes nothing. A row an editor deleted, or whose slug
they changed, is missing and is created again. The matches themselves are imported from
their fixture files (`import_matches seeds/matches`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from matches.models import Competition, Deduction, Season, Team
from matches.services import deduction_save, team_save
from players.models import Player
from players.services import player_save
from revisions.models import Actor, Via
from trophies.models import Honour, Trophy
from trophies.services import trophy_save

PERSON_FIELDS = ("kind", "position", "role", "shirt_number", "nationality", "date_of_birth", "bio")


def counted(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


@dataclass(frozen=True)
class DemoClub:
    """What a load did: the rows it created, and how many were there already."""

    people: tuple[str, ...]  # names of the people created
    trophies: tuple[str, ...]
    honours: tuple[str, ...]  # "League Cup 2023–24"
    existing: int
    competitions: tuple[str, ...] = ()
    seasons: tuple[str, ...] = ()  # "Premier League 2023–24"
    teams: tuple[str, ...] = ()
    deductions: tuple[str, ...] = ()  # "Everton FC −8 (Premier League 2023–24)"

    @property
    def created(self) -> tuple[str, ...]:
        """Everything created, in the order the summary counts it."""
        return (
            *self.people,
            *self.trophies,
            *self.honours,
            *self.competitions,
            *self.seasons,
            *self.teams,
            *self.deductions,
        )

    def __str__(self) -> str:
        return (
            f"{counted(len(self.people), 'person', 'people')} created, "
            f"{counted(len(self.trophies), 'trophy', 'trophies')} created, "
            f"{counted(len(self.honours), 'honour', 'honours')} created, "
            f"{counted(len(self.competitions), 'competition', 'competitions')} created, "
            f"{counted(len(self.seasons), 'season', 'seasons')} created, "
            f"{counted(len(self.teams), 'team', 'teams')} created, "
            f"{counted(len(self.deductions), 'deduction', 'deductions')} created; "
            f"{self.existing} already there, left as they are"
        )


@transaction.atomic
def load_demo_club(path: Path, *, teams: Path | None = None, dry_run: bool = False) -> DemoClub:
    """Create the people, trophies and honours of the club file, and the competitions,
    seasons, teams and deductions of the `teams` file, that the database lacks.

    One transaction; with `dry_run` it is rolled back, so the result says what a load would
    create. Raises FileNotFoundError, tomllib.TOMLDecodeError, or KeyError for an entry that
    lacks a name or names someone or something the files and the database do not have.
    """
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    actor = Actor(Via.DEMO, note=path.name)  # each row it creates starts its revisions
    people: list[dict[str, Any]] = data.get("people", [])
    trophy_entries: list[dict[str, Any]] = data.get("trophies", [])

    players = Player.objects.in_bulk(
        [person.get("slug") or slugify(person["name"]) for person in people], field_name="slug"
    )
    existing = len(players)
    created_people = []
    for person in people:
        slug = person.get("slug") or slugify(person["name"])
        if slug in players:
            continue
        player = Player(
            slug=slug,
            name=person["name"],
            aliases="\n".join(person.get("aliases", [])),
            is_current=person.get("is_current", True),
            **{field: person[field] for field in PERSON_FIELDS if field in person},
        )
        players[slug] = player_save(player=player, actor=actor)
        created_people.append(player.name)

    trophies = Trophy.objects.in_bulk(
        [entry["slug"] for entry in trophy_entries], field_name="slug"
    )
    existing += len(trophies)
    created_trophies = []
    for entry in trophy_entries:
        if entry["slug"] in trophies:
            continue
        trophy = Trophy(
            slug=entry["slug"],
            name=entry["name"],
            aliases="\n".join(entry.get("aliases", [])),
            description=entry.get("description", ""),
        )
        trophies[entry["slug"]] = trophy_save(trophy=trophy, actor=actor)
        created_trophies.append(trophy.name)

    won = set(Honour.objects.values_list("trophy_id", "season"))
    created_honours = []
    for entry in data.get("honours", []):
        trophy = trophies[entry["trophy"]]
        if (trophy.pk, entry["season"]) in won:
            existing += 1
            continue
        captain = entry.get("captain")
        honour = Honour.objects.create(
            trophy=trophy,
            season=entry["season"],
            won_on=entry.get("won_on"),
            final_opponent=entry.get("final_opponent", ""),
            score=entry.get("score", ""),
            captain=players[captain] if captain else None,
            notes=entry.get("notes", ""),
        )
        honour.squad.set([players[slug] for slug in entry.get("squad", [])])
        won.add((trophy.pk, honour.season))
        created_honours.append(str(honour))

    matches = _MatchData()
    if teams is not None:
        matches = _load_match_data(teams)

    if dry_run:
        transaction.set_rollback(True)
    return DemoClub(
        people=tuple(created_people),
        trophies=tuple(created_trophies),
        honours=tuple(created_honours),
        existing=existing + matches.existing,
        competitions=tuple(matches.competitions),
        seasons=tuple(matches.seasons),
        teams=tuple(matches.teams),
        deductions=tuple(matches.deductions),
    )


@dataclass
class _MatchData:
    competitions: list[str] = field(default_factory=list)
    seasons: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    deductions: list[str] = field(default_factory=list)
    existing: int = 0


def _load_match_data(path: Path) -> _MatchData:
    """The competitions, seasons, teams and deductions of the teams file that are missing
    (run inside load_demo_club's transaction)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    actor = Actor(Via.DEMO, note=path.name)
    loaded = _MatchData()

    entries: list[dict[str, Any]] = data.get("competitions", [])
    competitions = Competition.objects.in_bulk([e["slug"] for e in entries], field_name="slug")
    loaded.existing += len(competitions)
    trophies = Trophy.objects.in_bulk(
        [e["trophy"] for e in entries if e.get("trophy")], field_name="slug"
    )
    for entry in entries:
        if entry["slug"] in competitions:
            continue
        competition = Competition.objects.create(
            slug=entry["slug"],
            name=entry["name"],
            kind=entry.get("kind", Competition.Kind.LEAGUE),
            trophy=trophies[entry["trophy"]] if entry.get("trophy") else None,
            aliases="\n".join(entry.get("aliases", [])),
        )
        competitions[competition.slug] = competition
        loaded.competitions.append(competition.name)

    seasons = {
        (season.competition.slug, season.slug): season
        for season in Season.objects.select_related("competition")
    }
    for entry in data.get("seasons", []):
        key = (entry["competition"], entry["slug"])
        if key in seasons:
            loaded.existing += 1
            continue
        season = Season.objects.create(
            competition=competitions[entry["competition"]],
            name=entry["name"],
            slug=entry["slug"],
            starts_on=entry["starts_on"],
            ends_on=entry["ends_on"],
        )
        seasons[key] = season
        loaded.seasons.append(str(season))

    team_entries: list[dict[str, Any]] = data.get("teams", [])
    teams = Team.objects.in_bulk(
        [entry.get("slug") or slugify(entry["short_name"]) for entry in team_entries],
        field_name="slug",
    )
    loaded.existing += len(teams)
    for entry in team_entries:
        slug = entry.get("slug") or slugify(entry["short_name"])
        if slug in teams:
            continue
        team = Team(
            slug=slug,
            name=entry["name"],
            short_name=entry["short_name"],
            aliases="\n".join(entry.get("aliases", [])),
            ground=entry.get("ground", ""),
            is_club=entry.get("is_club", False),
        )
        teams[slug] = team_save(team=team, actor=actor)
        loaded.teams.append(team.name)

    docked = set(Deduction.objects.values_list("season_id", "team_id"))
    for entry in data.get("deductions", []):
        season = seasons[(entry["competition"], entry["season"])]
        team = teams[entry["team"]]
        if (season.pk, team.pk) in docked:
            loaded.existing += 1
            continue
        deduction = deduction_save(
            deduction=Deduction(
                season=season, team=team, points=entry["points"], reason=entry.get("reason", "")
            )
        )
        docked.add((season.pk, team.pk))
        loaded.deductions.append(str(deduction))
    return loaded
