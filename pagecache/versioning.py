"""The content version: read on every cacheable request, moved by every content change.

A change moves it in two ways:

- an edit: the signals `watch()` connects call `bump()` inside the transaction that changes
  the content, so the new version and the new content become visible together when it
  commits (a request that sees the new version also sees the new content, and one that
  renders old content files it under the old version);
- the clock: the row also holds `next_change`, the earliest moment public content changes by
  itself (the next scheduled story, from the schedules that apps register). The first
  `current()` at or after it moves the version, so pages are rebuilt with the story.

This app is a leaf: content apps register their models here (in their `ready()`), and it
imports none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from pagecache.models import ContentVersion

ROW = 1
# Whether the many-to-many change is done (the pre_ actions come before it, and a bump then
# would let a page render the old links under the new version).
M2M_DONE = frozenset({"post_add", "post_remove", "post_clear"})

Schedule = Callable[[dt.datetime], "dt.datetime | None"]
_schedules: list[Schedule] = []


@dataclass(frozen=True)
class Version:
    """A content version: `value` identifies it, `changed_at` is when it began (None for the
    row's first version, treated as long ago)."""

    value: int
    changed_at: dt.datetime | None


def watch(*content_models: type[models.Model], schedule: Schedule | None = None) -> None:
    """Make every save, delete and many-to-many change of these models a content change,
    and add `schedule(now)` (the next moment after `now` at which public content changes by
    itself, or None) to what sets `next_change`. Call from an AppConfig.ready(); calling
    again with the same arguments changes nothing."""
    for model in content_models:
        label = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-delete-{label}")
        for field in model._meta.many_to_many:
            # `Model.field.through` is the documented way to name the link table's model.
            m2m_changed.connect(
                _m2m_changed,
                sender=getattr(model, field.name).through,
                dispatch_uid=f"pagecache-m2m-{label}-{field.name}",
            )
    if schedule is not None and schedule not in _schedules:
        _schedules.append(schedule)


def _changed(sender: type[models.Model], *, using: str, **kwargs: Any) -> None:
    bump(using)


def _m2m_changed(sender: type[models.Model], *, action: str, using: str, **kwargs: Any) -> None:
    if action in M2M_DONE:
        bump(using)


def next_change(now: dt.datetime) -> dt.datetime | None:
    """The earliest moment after `now` that any registered schedule names, or None."""
    return min((moment for s in _schedules if (moment := s(now)) is not None), default=None)


def bump(using: str = "default") -> None:
    """Move the version and recompute `next_change`, as part of the caller's transaction.

    Three statements and no savepoint: this runs for every story an import saves.
    """
    now = timezone.now()
    row = ContentVersion.objects.using(using).filter(pk=ROW)
    # No savepoint: if the bump fails, the change it belongs to must not commit either.
    with transaction.atomic(using=using, savepoint=False):
        # The UPDATE comes first because it takes the row's lock: on PostgreSQL (READ
        # COMMITTED) the schedule read below then sees every transaction that bumped before
        # ours, so no concurrently scheduled story is left out of next_change.
        if not row.update(value=F("value") + 1, changed_at=now):
            # The row is made by the migration; only a flushed database lacks it.
            ContentVersion.objects.using(using).create(pk=ROW, value=1, changed_at=now)
        row.update(next_change=next_change(now))


def current(using: str = "default") -> Version:
    """The version now: one primary-key read, plus (once per scheduled moment, for the
    first caller after it) a compare-and-set that moves the version because the clock did."""
    for _ in range(3):
        row = (
            ContentVersion.objects.using(using)
            .filter(pk=ROW)
            .values_list("value", "changed_at", "next_change")
            .first()
        )
        if row is None:
            return Version(0, None)
        value, changed_at, upcoming = row
        now = timezone.now()
        if upcoming is None or upcoming > now:
            return Version(value, changed_at)
        # The time has come. The schedule is read before the UPDATE, which is safe because
        # the UPDATE only applies if nobody moved the version since our read: any change
        # that committed in between (and that our read may have missed) moved it.
        moved = (
            ContentVersion.objects.using(using)
            .filter(pk=ROW, value=value)
            .update(value=F("value") + 1, changed_at=now, next_change=next_change(now))
        )
        if moved:
            return Version(value + 1, now)
        # Another process moved it first: read what it wrote.
    return Version(value, changed_at)
