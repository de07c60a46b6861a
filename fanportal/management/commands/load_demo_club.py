import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fanportal.demo import load_demo_club


class Command(BaseCommand):
    help = (
        "Create the demo club's squad, staff, trophies and honours, and the competitions, "
        "seasons, teams and points deductions of its matches, that are missing; rows already "
        "there (an editor's changes included) are left as they are. The matches themselves "
        "come from `import_matches seeds/matches`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=str(settings.BASE_DIR / "seeds" / "club.toml"),
            help="The club file (default: seeds/club.toml).",
        )
        parser.add_argument(
            "--teams",
            default=str(settings.BASE_DIR / "seeds" / "matches" / "teams.toml"),
            help=(
                "The competitions, seasons, teams and deductions file "
                '(default: seeds/matches/teams.toml; "" for none).'
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be created; write nothing."
        )

    def handle(
        self, *args: Any, path: str, teams: str, dry_run: bool, verbosity: int, **options: Any
    ) -> None:
        try:
            loaded = load_demo_club(
                Path(path), teams=Path(teams) if teams else None, dry_run=dry_run
            )
        except FileNotFoundError as error:
            raise CommandError(f"{error.filename}: no such file") from None
        except (tomllib.TOMLDecodeError, KeyError) as error:
            names = f"{path} or {teams}" if teams else path
            raise CommandError(f"{names}: not a valid club file ({error})") from None
        if verbosity >= 2:
            for name in loaded.created:
                self.stdout.write(f"{'would create' if dry_run else 'created'} {name}")
        summary = f"Demo club{' (dry run)' if dry_run else ''}: {loaded}"
        self.stdout.write(self.style.SUCCESS(summary))
