from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from players.models import Player
from players.services import player_save


@admin.register(Player)
class PlayerAdmin(admin.ModelAdmin):
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

    def save_model(self, request: HttpRequest, obj: Player, form: Any, change: bool) -> None:
        relinks = obj.names_changed()  # the save relinks in the background (articles.apps)
        player_save(player=obj)
        if relinks:
            self.message_user(
                request, f"Relinking articles that may mention {obj.name}.", messages.INFO
            )
