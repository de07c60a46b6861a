from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from players.models import Player
from players.services import player_restore, player_save
from revisions.admin import RevisionHistory
from revisions.models import Actor, Revision, Via


@admin.register(Player)
class PlayerAdmin(RevisionHistory):
    list_display = ["name", "shirt_number", "kind", "position", "nationality", "is_current"]
    list_display_links = ["name"]
    list_filter = ["is_current", "kind", "position", "nationality"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "aliases", "is_current"]}),
        ("Role", {"fields": ["kind", "position", "role", "shirt_number"]}),
        ("Profile", {"fields": ["nationality", "date_of_birth", "photo", "bio"]}),
    ]
    revision_labels = {
        "name": "Name",
        "slug": "Slug",
        "aliases": "Aliases",
        "is_current": "In today's squad",
        "kind": "Kind",
        "position": "Position",
        "role": "Role",
        "shirt_number": "Shirt number",
        "nationality": "Nationality",
        "date_of_birth": "Date of birth",
        "photo": "Photo",
        "bio": "Bio",
    }
    revision_long_text = ("bio",)
    revision_lines = ("aliases",)
    revision_slug_owner = "someone else's"

    def save_model(self, request: HttpRequest, obj: Player, form: Any, change: bool) -> None:
        relinks = obj.names_changed()  # the save relinks in the background (articles.apps)
        player_save(player=obj, actor=Actor.of(request.user, Via.ADMIN))
        if relinks:
            self.message_user(
                request, f"Relinking articles that may mention {obj.name}.", messages.INFO
            )

    def restore_revision(self, obj: Player, revision: Revision, actor: Actor) -> None:
        player_restore(player=obj, revision=revision, actor=actor)
