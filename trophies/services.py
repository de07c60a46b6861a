"""Writes to trophies: the one path by which a trophy is saved (admin, demo loader)."""

from __future__ import annotations

from django.db import router, transaction
from django.utils.text import slugify

from images.processing import sync_renditions
from trophies.models import TROPHY_WIDTHS, Trophy


def trophy_save(*, trophy: Trophy) -> Trophy:
    """Save the trophy with a slug made from the name when it has none and its image's
    renditions, in one transaction (the save bumps the page cache)."""
    if not trophy.slug:
        trophy.slug = slugify(trophy.name)
    with transaction.atomic(using=router.db_for_write(Trophy, instance=trophy)):
        trophy.save()
        sync_renditions(trophy, "image", "image_renditions", TROPHY_WIDTHS)
    return trophy
