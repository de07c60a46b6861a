import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fanportal.demo import load_demo_club


class Command(BaseCommand):
    help = "Load or refresh the demo club: squad, staff, trophies and honours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=str(settings.BASE_DIR / "seeds" / "club.toml"),
            help="The club file (default: seeds/club.toml).",
        )

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            loaded = load_demo_club(Path(path))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except (tomllib.TOMLDecodeError, KeyError) as error:
            raise CommandError(f"{path}: not a valid club file ({error})") from None
        self.stdout.write(self.style.SUCCESS(f"Demo club loaded: {loaded}"))
