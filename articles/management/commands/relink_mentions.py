from typing import Any

from django.core.management.base import BaseCommand

from articles.services import relink_articles


class Command(BaseCommand):
    # Saving a player or trophy relinks the articles it affects in the background
    # (articles.tasks); this redoes every article, after a bulk change or a restore.
    help = "Re-render every article and recompute the players, trophies and matches it links to."

    def handle(self, *args: Any, **options: Any) -> None:
        count = relink_articles()
        self.stdout.write(self.style.SUCCESS(f"{count} articles relinked"))
