"""schema.org data for the club and its people, as JSON-LD dicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse

from players.models import Player

# Makes a location absolute: request.build_absolute_uri.
Absolute = Callable[[str], str]


def team(absolute: Absolute, **extra: Any) -> dict[str, Any]:
    return {
        "@type": "SportsTeam",
        "name": settings.FANPORTAL_CLUB_NAME,
        "sport": "Association football",
        "url": absolute(reverse("home")),
        **extra,
    }


def person(
    player: Player, absolute: Absolute, club: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A Person; `club` is the team() they are a member of, made once for many people."""
    data: dict[str, Any] = {
        "@type": "Person",
        "name": player.name,
        "url": absolute(player.get_absolute_url()),
        "jobTitle": player.position_label,
        "memberOf": club or team(absolute),
    }
    if player.nationality:
        data["nationality"] = {"@type": "Country", "name": player.nationality}
    if player.date_of_birth:
        data["birthDate"] = player.date_of_birth.isoformat()
    if player.photo:
        data["image"] = absolute(player.photo.url)
    return data
