from __future__ import annotations

from django.db import models


class ContentVersion(models.Model):
    """One row whose number goes up whenever public content changes, by an edit or by the
    clock (a scheduled story's time coming).

    Cached pages remember the version they were rendered under, so a change makes every
    cached page out of date at once, in every process and on every machine that shares the
    database.
    """

    value = models.PositiveBigIntegerField(default=1)
    # When `value` last went up: how old the previous copies of pages are.
    changed_at = models.DateTimeField(null=True, blank=True)
    # The earliest moment public content changes by itself (the next scheduled story), or
    # None when nothing is waiting; the first read at or after it moves the version.
    next_change = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"content version {self.value}"
