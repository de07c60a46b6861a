from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fanportal.backup import RestoreError, restore


class Command(BaseCommand):
    help = "Load a backup into an empty, migrated database and its media folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file (.tar.gz).")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            summary = restore(Path(path))
        except (RestoreError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored: {summary} ({path})"))
