"""Load the demo club (squad, staff, trophies, honours) from a TOML file.

Rows are matched by slug (honours by trophy and season) and updated in place, so loading
twice changes nothing and loading after an edit to the file applies the edit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from players.models import Player
from players.services import player_save
from trophies.models import Honour, Trophy
from trophies.services import trophy_save

PERSON_FIELDS = ("kind", "position", "role", "shirt_number", "nationality", "date_of_birth", "bio")


@dataclass(frozen=True)
class DemoClub:
    people: int
    trophies: int
    honours: int

    def __str__(self) -> str:
        return f"{self.people} people, {self.trophies} trophies, {self.honours} honours"


@transaction.atomic
def load_demo_club(path: Path) -> DemoClub:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    players: dict[str, Player] = {}
    for person in data.get("people", []):
        slug = person.get("slug") or slugify(person["name"])
        defaults = {field: person[field] for field in PERSON_FIELDS if field in person}
        player = Player.objects.filter(slug=slug).first() or Player(slug=slug)
        fields = {
            "name": person["name"],
            "aliases": "\n".join(person.get("aliases", [])),
            "is_current": person.get("is_current", True),
            **defaults,
        }
        for name, value in fields.items():
            setattr(player, name, value)
        players[slug] = player_save(player=player)
    trophies: dict[str, Trophy] = {}
    for trophy in data.get("trophies", []):
        row = Trophy.objects.filter(slug=trophy["slug"]).first() or Trophy(slug=trophy["slug"])
        row.name = trophy["name"]
        row.aliases = "\n".join(trophy.get("aliases", []))
        row.description = trophy.get("description", "")
        trophies[trophy["slug"]] = trophy_save(trophy=row)
    honours = 0
    for entry in data.get("honours", []):
        captain = entry.get("captain")
        honour, _ = Honour.objects.update_or_create(
            trophy=trophies[entry["trophy"]],
            season=entry["season"],
            defaults={
                "won_on": entry.get("won_on"),
                "final_opponent": entry.get("final_opponent", ""),
                "score": entry.get("score", ""),
                "captain": players[captain] if captain else None,
                "notes": entry.get("notes", ""),
            },
        )
        honour.squad.set([players[slug] for slug in entry.get("squad", [])])
        honours += 1
    return DemoClub(people=len(players), trophies=len(trophies), honours=honours)
