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
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from pagecache.models import ContentVersion

ROW = 1
# Whether the many-to-many change is done (the pre_ actions come before it, and a bump then
# would let a page render the old links under the new version).
M2M_DONE = frozenset({"post_add", "post_remove", "post_clear"})
# How long a process may reuse the version it read, unless settings say otherwise: at
# hundreds of cached pages a second, reading the row for each cost more than the rest of a
# hit. A change then reaches a process's cached pages this much later, at most.
VERSION_SECONDS = 0.25

Schedule = Callable[[dt.datetime], "dt.datetime | None"]
Moment = Callable[[Any], "dt.datetime | None"]
_schedules: list[Schedule] = []
_moments: dict[type[models.Model], Moment] = {}


@dataclass(frozen=True)
class Version:
    """A content version: `value` identifies it, `changed_at` is when it began (None for the
    row's first version, treated as long ago)."""

    value: int
    changed_at: dt.datetime | None


def watch(
    *content_models: type[models.Model],
    schedule: Schedule | None = None,
    moment: Moment | None = None,
) -> None:
    """Make every save, delete and many-to-many change of these models a content change.

    `schedule(now)` names the next moment after `now` at which public content changes by
    itself (or None); `moment(instance)` the moment a saved row will change public content
    by itself (its scheduled time, or None). Call from an AppConfig.ready(); calling again
    with the same arguments changes nothing.
    """
    for model in content_models:
        label = model._meta.label
        post_save.connect(_saved, sender=model, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-delete-{label}")
        for field in model._meta.many_to_many:
            # `Model.field.through` is the documented way to name the link table's model.
            m2m_changed.connect(
                _m2m_changed,
                sender=getattr(model, field.name).through,
                dispatch_uid=f"pagecache-m2m-{label}-{field.name}",
            )
        if moment is not None:
            _moments[model] = moment
    if schedule is not None and schedule not in _schedules:
        _schedules.append(schedule)


def _saved(sender: type[models.Model], *, instance: Any, using: str, **kwargs: Any) -> None:
    moment = _moments.get(sender)
    bump(using, at=moment(instance) if moment else None)


def _changed(sender: type[models.Model], *, using: str, **kwargs: Any) -> None:
    bump(using)


def _m2m_changed(sender: type[models.Model], *, action: str, using: str, **kwargs: Any) -> None:
    if action in M2M_DONE:
        bump(using)


def next_change(now: dt.datetime) -> dt.datetime | None:
    """The earliest moment after `now` that any registered schedule names, or None."""
    return min((moment for s in _schedules if (moment := s(now)) is not None), default=None)


def bump(using: str = "default", *, at: dt.datetime | None = None) -> None:
    """Move the version, as part of the caller's transaction; `at` is a moment at which the
    changed content will change public pages by itself (a story scheduled by this change).

    One UPDATE: this runs for every story an import saves. `next_change` only ever moves
    earlier here, to `at`, which the UPDATE compares with the row as it is when it holds the
    row's lock, so concurrent changes cannot lose each other's moments. A moment that stops
    being true (a story rescheduled, unpublished or deleted) costs one needless move of the
    version when it comes, and `current()` then reads the schedules afresh.
    """
    now = timezone.now()
    changes: dict[str, Any] = {"value": F("value") + 1, "changed_at": now}
    if at is not None and at > now:
        changes["next_change"] = Case(
            When(Q(next_change__isnull=True) | Q(next_change__gt=at), then=Value(at)),
            default=F("next_change"),
        )
    rows = ContentVersion.objects.using(using)
    if not rows.filter(pk=ROW).update(**changes):
        # The row is made by the migration; only a flushed database lacks it.
        rows.create(
            pk=ROW, value=1, changed_at=now, next_change=at if "next_change" in changes else None
        )
    # This process reads the new version as soon as the change is visible.
    transaction.on_commit(lambda: forget(using), using=using)


_local = threading.local()


def _remembered() -> dict[str, tuple[float, Version, dt.datetime | None]]:
    """What each database last told this thread: when it was read (a timestamp), the
    version, and the next scheduled change."""
    if not hasattr(_local, "versions"):
        _local.versions = {}
    return _local.versions


def forget(using: str = "default") -> None:
    """Make this thread read the version afresh next time."""
    _remembered().pop(using, None)


def current(using: str = "default") -> Version:
    """The version now: the one this thread read less than VERSION_SECONDS ago, or one
    primary-key read, plus (once per scheduled moment, for the first caller after it) a
    compare-and-set that moves the version because the clock did."""
    now = timezone.now()
    seconds = getattr(settings, "FANPORTAL_PAGE_CACHE_VERSION_SECONDS", VERSION_SECONDS)
    remembered = _remembered().get(using)
    if remembered is not None:
        read_at, version, upcoming = remembered
        fresh = 0 <= now.timestamp() - read_at < seconds
        if fresh and (upcoming is None or upcoming > now):
            return version
    version, upcoming = _read(using)
    _remembered()[using] = (now.timestamp(), version, upcoming)
    return version


def _read(using: str) -> tuple[Version, dt.datetime | None]:
    for _ in range(3):
        row = (
            ContentVersion.objects.using(using)
            .filter(pk=ROW)
            .values_list("value", "changed_at", "next_change")
            .first()
        )
        if row is None:
            return Version(0, None), None
        value, changed_at, upcoming = row
        now = timezone.now()
        if upcoming is None or upcoming > now:
            return Version(value, changed_at), upcoming
        # The time has come. The schedule is read before the UPDATE, which is safe because
        # the UPDATE only applies if nobody moved the version since our read: any change
        # that committed in between (and that our read may have missed) moved it.
        upcoming = next_change(now)
        moved = (
            ContentVersion.objects.using(using)
            .filter(pk=ROW, value=value)
            .update(value=F("value") + 1, changed_at=now, next_change=upcoming)
        )
        if moved:
            return Version(value + 1, now), upcoming
        # Another process moved it first: read what it wrote.
    return Version(value, changed_at), upcoming
