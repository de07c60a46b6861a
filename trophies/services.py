"""Writes to trophies: the one path by which a trophy is saved (admin, demo loader)."""

from __future__ import annotations

from typing import Any

from django.db import router, transaction
from django.utils.text import slugify

from images.processing import sync_renditions
from revisions.models import Actor, Revision, record
from trophies.models import TROPHY_WIDTHS, Trophy

SNAPSHOT_FIELDS = ("name", "slug", "aliases", "description")


def snapshot(trophy: Trophy) -> dict[str, Any]:
    return {
        **{field: getattr(trophy, field) for field in SNAPSHOT_FIELDS},
        "image": trophy.image.name or "",
    }


def trophy_save(*, trophy: Trophy, actor: Actor | None = None) -> Trophy:
    """Save the trophy with a slug made from the name when it has none and its image's
    renditions, in one transaction (the save bumps the page cache), and a revision of it
    saying who or what (`actor`) made the save."""
    if not trophy.slug:
        trophy.slug = slugify(trophy.name)
    # One alias a line, as the form's textarea shows them (browsers send CRLF).
    trophy.aliases = "\n".join(line.strip() for line in trophy.aliases.splitlines() if line.strip())
    with transaction.atomic(using=router.db_for_write(Trophy, instance=trophy)):
        trophy.save()
        sync_renditions(trophy, "image", "image_renditions", TROPHY_WIDTHS)
        if actor is not None:
            record(trophy, data=snapshot(trophy), actor=actor)
    return trophy


def trophy_restore(*, trophy: Trophy, revision: Revision, actor: Actor) -> Trophy:
    """Put the trophy back as `revision` has it, as a new revision."""
    data = {**snapshot(trophy), **revision.data}  # what it lacks stays as it is now
    for field in SNAPSHOT_FIELDS:
        setattr(trophy, field, data[field])
    if data["image"] != trophy.image.name and (
        not data["image"] or trophy.image.storage.exists(data["image"])
    ):
        trophy.image.name = data["image"]
    return trophy_save(trophy=trophy, actor=actor)
