"""`manage.py import_matches`: the match import (matches.importing) on the command line.

Reads its options, hands the files to `import_matches`, prints what needs a reader's eye
(refused files, matches left alone, editors' results replaced, teams created) and a summary.
Exit status 1 when a file was refused or a path names nothing; a match left alone is not a
failure: the import did what it promises.
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matches.importing import (
    LEFT_ALONE,
    FileResult,
    OptionError,
    Outcome,
    Summary,
    collect_sources,
    import_matches,
)


class Command(BaseCommand):
    help = (
        "Import fixtures and results from openfootball football.json files and "
        "football-data.co.uk CSV files (which is which is read from the content), or folders "
        "of them. Safe to re-run: the same match from any file is one match. A result, kickoff "
        "or round that differs from the site's is reported and left alone without --update; "
        "one an editor entered only with --force. A refused file writes nothing. Ends with a "
        "summary of matches (and files failed); exit status 1 if any file failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="Fixture files or folders of them.")
        parser.add_argument(
            "--competition",
            metavar="SLUG",
            help=(
                "The competition of every file (by default from openfootball's name, or "
                "football-data's Div column)."
            ),
        )
        parser.add_argument(
            "--season",
            metavar="SLUG",
            help='The season, as "2023-24" (by default from the file\'s name or its dates).',
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would happen, with the same outcomes; write nothing.",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Take the file's result, kickoff and round where they differ from the site's.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "With --update (implied): take the file's over a result an editor entered too "
                "(theirs stays in the match's revisions)."
            ),
        )
        parser.add_argument(
            "--create-teams",
            action="store_true",
            help="Create the teams a file names that the site does not know.",
        )

    def handle(
        self,
        *args: Any,
        paths: list[str],
        competition: str | None,
        season: str | None,
        dry_run: bool,
        update: bool,
        force: bool,
        create_teams: bool,
        verbosity: int,
        **options: Any,
    ) -> None:
        sources, missing = collect_sources(paths)
        summary = Summary()
        files = len(missing)  # the files read, and the paths that name nothing
        for result in missing:
            summary.add(result)
            self.stderr.write(self.style.ERROR(result.error))
        bar = None
        if verbosity == 1 and self.stdout.isatty() and sys.stderr.isatty():
            from tqdm import tqdm

            # Its total comes once every file is read (`total`), before the first is imported.
            bar = tqdm(unit="match", file=sys.stderr, leave=False)
        try:
            results = import_matches(
                sources,
                competition=competition,
                season=season,
                update=update,
                force=force,
                create_teams=create_teams,
                dry_run=dry_run,
                progress=bar.update if bar is not None else None,
                total=bar.reset if bar is not None else None,
            )
            for result in results:
                if bar is not None:
                    bar.clear()
                files += not result.skipped
                summary.add(result)
                self._report(result, dry_run=dry_run, verbosity=verbosity)
        except OptionError as error:
            raise CommandError(str(error)) from None
        finally:
            if bar is not None:
                bar.close()
        prefix = "dry run, nothing written: " if dry_run else ""
        style = self.style.ERROR if summary.failed else self.style.SUCCESS
        self.stdout.write(style(prefix + str(summary)))
        if summary.failed:
            raise CommandError(f"{summary.failed} of {files} files failed", returncode=1)

    def _report(self, result: FileResult, *, dry_run: bool, verbosity: int) -> None:
        if result.skipped:
            if verbosity >= 2:
                self.stdout.write(f"{result.source_name}: not a fixtures file; skipped")
            return
        if result.failed:
            self.stderr.write(self.style.ERROR(result.error))
            return
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        verb = "would create" if dry_run else "created"
        for name in result.teams_created:
            self.stdout.write(self.style.WARNING(f"{result.source_name}: {verb} team {name}"))
        for match in result.matches:
            if match.outcome in LEFT_ALONE or match.forced:
                # Left alone, or an editor's result replaced: said at every verbosity.
                self.stdout.write(self.style.WARNING(match.message))
            elif verbosity >= 2 and match.outcome is not Outcome.UNCHANGED:
                self.stdout.write(match.message)
        if verbosity >= 2:
            counts = result.counts
            self.stdout.write(
                f"{result.source_name}: {result.season}, {len(result.matches)} matches "
                f"({counts[Outcome.CREATED]} created, {counts[Outcome.UPDATED]} updated, "
                f"{counts[Outcome.UNCHANGED]} unchanged)"
            )
