import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.importing import Outcome, Summary, collect_sources, import_stories
from articles.models import Article

# Below this many files a progress bar is more noise than help.
PROGRESS_THRESHOLD = 50


class Command(BaseCommand):
    help = "Import story files (*.txt) as articles. Safe to re-run: unchanged stories are skipped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            default=["seeds"],
            help="Story files, folders of *.txt files, or - for standard input (default: seeds).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report; write nothing."
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help=(
                "Replace stories whose text changed (by default they are reported and left alone)."
            ),
        )
        parser.add_argument(
            "--status",
            choices=Article.Status.values,
            default=Article.Status.PUBLISHED,
            help="Status of newly created articles (default: published).",
        )

    def handle(
        self,
        *args: Any,
        paths: list[str],
        dry_run: bool,
        update: bool,
        status: str,
        verbosity: int,
        **options: Any,
    ) -> None:
        sources, missing = collect_sources(paths)
        summary = Summary()
        for result in missing:
            summary.add(result)
            self.stderr.write(self.style.ERROR(result.message))
        results = import_stories(sources, update=update, status=status, dry_run=dry_run)
        show_bar = verbosity == 1 and len(sources) >= PROGRESS_THRESHOLD and sys.stderr.isatty()
        if show_bar:
            from tqdm import tqdm

            results = tqdm(results, total=len(sources), unit="story", file=sys.stderr)
        for result in results:
            summary.add(result)
            for warning in result.warnings:
                self.stderr.write(self.style.WARNING(f"warning: {warning}"))
            if result.failed:
                self.stderr.write(self.style.ERROR(result.message))
            elif result.outcome is Outcome.CHANGED:
                self.stdout.write(self.style.WARNING(result.message))
            elif verbosity >= 2:
                self.stdout.write(result.message)
        prefix = "dry run, nothing written: " if dry_run else ""
        style = self.style.ERROR if summary.failed else self.style.SUCCESS
        self.stdout.write(style(prefix + str(summary)))
        if summary.failed:
            raise CommandError(
                f"{summary.failed} of {sum(summary.counts.values())} files failed", returncode=1
            )
