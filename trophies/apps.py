from __future__ import annotations

from django.apps import AppConfig


class TrophiesConfig(AppConfig):
    name = "trophies"

    def ready(self) -> None:
        from pagecache.versioning import watch
        from trophies.models import Honour, Trophy

        watch(Trophy, Honour)
