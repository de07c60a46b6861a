"""Load the demo club (squad, staff, trophies, honours) from a TOML file.

Creates what is missing and leaves alone what is there. A person or a trophy is there when a
row has its slug, an honour when its trophy has one for that season; a row that is there is
not written at all, not even to put back what the file says, so whatever an editor changed in
the admin (an alias, a bio, a score) survives `make demo`. Loading twice changes nothing.
A row an editor deleted, or whose slug they changed, is missing and is created again.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

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

    def __str__(self) -> str:
        return (
            f"{counted(len(self.people), 'person', 'people')} created, "
            f"{counted(len(self.trophies), 'trophy', 'trophies')} created, "
            f"{counted(len(self.honours), 'honour', 'honours')} created; "
            f"{self.existing} already there, left as they are"
        )


@transaction.atomic
def load_demo_club(path: Path, *, dry_run: bool = False) -> DemoClub:
    """Create the people, trophies and honours of the club file that the database lacks.

    One transaction; with `dry_run` it is rolled back, so the result says what a load would
    create. Raises FileNotFoundError, tomllib.TOMLDecodeError, or KeyError for an entry that
    lacks a name or names someone or something the file and the database do not have.
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

    if dry_run:
        transaction.set_rollback(True)
    return DemoClub(
        people=tuple(created_people),
        trophies=tuple(created_trophies),
        honours=tuple(created_honours),
        existing=existing,
    )
