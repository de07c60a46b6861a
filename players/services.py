"""Writes to players: the one path by which a person is saved (admin, demo loader, API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import router, transaction
from django.template.loader import render_to_string
from django.utils.text import slugify

from images.processing import sync_renditions
from players.models import PHOTO_WIDTHS, Player
from revisions.models import Actor, Revision, record

# What a revision of a person keeps: every field an editor sets.
SNAPSHOT_FIELDS = (
    "name",
    "slug",
    "aliases",
    "is_current",
    "kind",
    "position",
    "role",
    "shirt_number",
    "nationality",
    "bio",
)


def render_card(player: Player) -> str:
    """The person's card in squad lists, stored so that lists print it."""
    return render_to_string("includes/person_card.html", {"person": player})


def snapshot(player: Player) -> dict[str, Any]:
    return {
        **{field: getattr(player, field) for field in SNAPSHOT_FIELDS},
        "date_of_birth": player.date_of_birth.isoformat() if player.date_of_birth else None,
        "photo": player.photo.name or "",
    }


def player_save(*, player: Player, actor: Actor | None = None) -> Player:
    """Save the person with a slug made from the name when it has none, the photo's
    renditions and the stored card, in one transaction (the save bumps the page cache), and
    a revision of the whole record saying who or what (`actor`) made the save."""
    if not player.slug:
        player.slug = slugify(player.name)
    # One alias a line, as the form's textarea shows them (browsers send CRLF).
    player.aliases = "\n".join(line.strip() for line in player.aliases.splitlines() if line.strip())
    with transaction.atomic(using=router.db_for_write(Player, instance=player)):
        # The card links to the page and shows the photo's renditions: both are known only
        # after the row and its renditions are saved, so it is written last.
        player.save()
        sync_renditions(player, "photo", "photo_renditions", PHOTO_WIDTHS)
        card = render_card(player)
        if card != player.card_html:
            player.card_html = card
            Player.objects.filter(pk=player.pk).update(card_html=card)
        if actor is not None:
            record(player, data=snapshot(player), actor=actor)
    return player


def player_restore(*, player: Player, revision: Revision, actor: Actor) -> Player:
    """Put the person back as `revision` has them, as a new revision."""
    data = {**snapshot(player), **revision.data}  # what it lacks stays as it is now
    for field in SNAPSHOT_FIELDS:
        setattr(player, field, data[field])
    born = data["date_of_birth"]
    player.date_of_birth = dt.date.fromisoformat(born) if born else None
    if data["photo"] != player.photo.name and (
        not data["photo"] or player.photo.storage.exists(data["photo"])
    ):
        player.photo.name = data["photo"]
    return player_save(player=player, actor=actor)
