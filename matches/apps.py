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
            TableRow,
            Team,
        )
        from pagecache.versioning import watch

        # "Next match" on the home page moves on by itself once a match is over: the page
        # cache asks when that is.
        watch(Match, schedule=Match.objects.next_kickoff)
        watch(Competition, Season, Team, MatchEvent, LineupEntry, Deduction, TableRow)
