"""Writes to players: the one path by which a person is saved (admin, demo loader, API)."""

from __future__ import annotations

from django.db import router, transaction
from django.template.loader import render_to_string
from django.utils.text import slugify

from images.processing import sync_renditions
from players.models import PHOTO_WIDTHS, Player


def render_card(player: Player) -> str:
    """The person's card in squad lists, stored so that lists print it."""
    return render_to_string("includes/person_card.html", {"person": player})


def player_save(*, player: Player) -> Player:
    """Save the person with a slug made from the name when it has none, the photo's
    renditions and the stored card, in one transaction (the save bumps the page cache)."""
    if not player.slug:
        player.slug = slugify(player.name)
    with transaction.atomic(using=router.db_for_write(Player, instance=player)):
        # The card links to the page and shows the photo's renditions: both are known only
        # after the row and its renditions are saved, so it is written last.
        player.save()
        sync_renditions(player, "photo", "photo_renditions", PHOTO_WIDTHS)
        card = render_card(player)
        if card != player.card_html:
            player.card_html = card
            Player.objects.filter(pk=player.pk).update(card_html=card)
    return player
