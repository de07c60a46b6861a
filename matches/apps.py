from __future__ import annotations

from django.apps import AppConfig


class MatchesConfig(AppConfig):
    name = "matches"

    def ready(self) -> None:
        from matches.models import (
            Competition,
            Deduction,
            LineupEntry,
            Match,
            MatchEvent,
            Season,
            Team,
        )
        from pagecache.versioning import watch

        # "Next match" on the home page moves on by itself once a match is over: the page
        # cache asks when that is, and a saved match says when it will be.
        watch(Match, schedule=Match.objects.next_kickoff, moment=Match.changes_at)
        # Stored tables are rewritten by the saves above (a match, a deduction, a season),
        # which move the version once; watching TableRow would move it once a row.
        watch(Competition, Season, Team, MatchEvent, LineupEntry, Deduction)
