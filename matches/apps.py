from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def render_missing_html(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """Fill the stored rows, cards and tables of rows that have none (rows from before the
    fields existed)."""
    from matches import services
    from matches.models import Season

    services.rerender_matches(
        services.Match.objects.using(using).for_listing().of_club().filter(row_html=""), using=using
    )
    for season in Season.objects.using(using).filter(table_html="", table__isnull=False).distinct():
        services.render_table(season, using=using)


class MatchesConfig(AppConfig):
    name = "matches"

    def ready(self) -> None:
        post_migrate.connect(render_missing_html, sender=self)
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
