import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fanportal.demo import load_demo_club


class Command(BaseCommand):
    help = (
        "Create the demo club's squad, staff, trophies and honours that are missing; "
        "rows already there (an editor's changes included) are left as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=str(settings.BASE_DIR / "seeds" / "club.toml"),
            help="The club file (default: seeds/club.toml).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be created; write nothing."
        )

    def handle(self, *args: Any, path: str, dry_run: bool, verbosity: int, **options: Any) -> None:
        try:
            loaded = load_demo_club(Path(path), dry_run=dry_run)
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except (tomllib.TOMLDecodeError, KeyError) as error:
            raise CommandError(f"{path}: not a valid club file ({error})") from None
        if verbosity >= 2:
            for name in (*loaded.people, *loaded.trophies, *loaded.honours):
                self.stdout.write(f"{'would create' if dry_run else 'created'} {name}")
        summary = f"Demo club{' (dry run)' if dry_run else ''}: {loaded}"
        self.stdout.write(self.style.SUCCESS(summary))
