from __future__ import annotations

from django.apps import AppConfig


class PlayersConfig(AppConfig):
    name = "players"

    def ready(self) -> None:
        from pagecache.versioning import watch
        from players.models import Player

        watch(Player)
