from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fanportal.backup import RestoreError, backup


class Command(BaseCommand):
    help = "Write the whole site (rows and media files) to one .tar.gz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file (.tar.gz).")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            summary = backup(Path(path))
        except (RestoreError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up: {summary} ({path})"))
