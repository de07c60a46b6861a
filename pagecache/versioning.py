"""The content version: read on every cacheable request, bumped by every content change.

The bump is an UPDATE inside the transaction that changes the content, so the new version
and the new content become visible together when it commits: a request that sees the new
version also sees the new content, and one that renders old content files it under the old
version. (An on-commit bump would cost every import an extra commit per story.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import F

from pagecache.models import ContentVersion

ROW = 1


def current() -> int:
    """One primary-key read (the row is made by the migration)."""
    return ContentVersion.objects.filter(pk=ROW).values_list("value", flat=True).first() or 0


_deferred = threading.local()


def bump(using: str = "default") -> None:
    if getattr(_deferred, "active", False):
        _deferred.pending.add(using)
        return
    ContentVersion.objects.using(using).filter(pk=ROW).update(value=F("value") + 1)


@contextmanager
def one_bump() -> Iterator[None]:
    """Many changes, one bump at the end: for bulk writers such as the importer, where a
    bump per story would cost more than the story. Pages may show the old content until the
    block ends."""
    if getattr(_deferred, "active", False):
        yield
        return
    _deferred.active, _deferred.pending = True, set()
    try:
        yield
    finally:
        _deferred.active = False
        for using in _deferred.pending:
            bump(using)
