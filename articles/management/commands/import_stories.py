"""`manage.py import_stories`: the story import (articles.importing) on the command line.

Reads its options, hands the files to `import_stories`, prints each result in the command
line's words and a summary. Exit status 1 when a file failed (a file the parser refused, a
duplicate of another file of the run, a path that names nothing); a story left alone because
it changed (no --update) or because an editor edited it (no --force) is not a failure: the
import did what it promises, and a nightly `--update` does not alarm anyone for it.
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.importing import (
    COMMAND_LINE,
    Outcome,
    Summary,
    collect_sources,
    import_stories,
)
from articles.models import Article

# Below this many files a progress bar is more noise than help.
PROGRESS_THRESHOLD = 50


class Command(BaseCommand):
    help = (
        "Import story files (*.txt) as articles. Safe to re-run: unchanged stories are skipped; "
        "a story whose text changed is replaced only with --update, and one an editor edited "
        "since it was imported only with --force. Two files holding the same story (same date "
        "and headline) are refused as duplicates: the first is imported. Ends with a summary; "
        "exit status 1 if any file failed (a story left alone is not a failure)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            default=["seeds"],
            help="Story files, folders of *.txt files, or - for standard input (default: seeds).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Parse and report what would happen, with the same outcomes; write nothing.",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help=(
                "Replace stories whose text changed (by default they are reported and left "
                "alone). A story edited in the admin, the API or by a restore since it was "
                "imported is still left alone, with a line saying who edited it and when."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "With --update (implied): replace edited stories too. The edited text stays "
                "in the article's revisions."
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
        force: bool,
        status: str,
        verbosity: int,
        **options: Any,
    ) -> None:
        sources, missing = collect_sources(paths)
        summary = Summary()
        for result in missing:
            summary.add(result)
            self.stderr.write(self.style.ERROR(result.message_for(COMMAND_LINE)))
        results = import_stories(
            sources, update=update, force=force, status=status, dry_run=dry_run
        )
        show_bar = verbosity == 1 and len(sources) >= PROGRESS_THRESHOLD and sys.stderr.isatty()
        if show_bar:
            from tqdm import tqdm

            results = tqdm(results, total=len(sources), unit="story", file=sys.stderr)
        for result in results:
            summary.add(result)
            for warning in result.warnings:
                self.stderr.write(self.style.WARNING(f"warning: {warning}"))
            if result.failed:
                self.stderr.write(self.style.ERROR(result.message_for(COMMAND_LINE)))
            elif result.outcome in (Outcome.CHANGED, Outcome.EDITED) or result.edit:
                # Left alone, or an editor's text replaced (--force): said at every verbosity.
                self.stdout.write(self.style.WARNING(result.message_for(COMMAND_LINE)))
            elif verbosity >= 2:
                self.stdout.write(result.message_for(COMMAND_LINE))
        prefix = "dry run, nothing written: " if dry_run else ""
        style = self.style.ERROR if summary.failed else self.style.SUCCESS
        self.stdout.write(style(prefix + summary.line_for(COMMAND_LINE)))
        if summary.failed:
            raise CommandError(
                f"{summary.failed} of {sum(summary.counts.values())} files failed", returncode=1
            )
