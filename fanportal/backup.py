"""Backups: the whole site (rows and media files) in one .tar.gz, and back again.

Rows go through Django's serializers with natural keys, so a backup restores into any fresh,
migrated database (SQLite or PostgreSQL): content types and permissions are re-created by
migrate and referred to by name. Sessions, login-failure records and the page cache's
version are left out: they are worth nothing after a restore.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
import json
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model

# What a fresh install makes again, or what only matters while the site runs (the queue of
# background tasks: a restored site's stored pages and links are already whole).
EXCLUDED = {
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "pagecache",
    "admin.logentry",
    "django_tasks_database",
}
DATA_NAME = "data.json"
MEDIA_PREFIX = "media/"


@dataclass(frozen=True)
class BackupSummary:
    rows: int
    files: int

    def __str__(self) -> str:
        return f"{self.rows} rows, {self.files} media files"


def _models() -> list[type[Model]]:
    chosen = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED or not model._meta.managed:
            continue
        chosen.append(model)
    return chosen


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to the millisecond; a backup keeps every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _serialize(models: list[type[Model]]) -> str:
    # Natural keys, so that rows re-created with other ids (groups, users) compare equal.
    rows = itertools.chain.from_iterable(
        model._default_manager.order_by("pk").iterator() for model in models
    )
    return serializers.serialize(
        "json",
        rows,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        cls=ExactJSONEncoder,
    )


def backup(path: Path) -> BackupSummary:
    """Write the site to path (a .tar.gz) in one consistent read."""
    media = Path(settings.MEDIA_ROOT)
    models = serializers.sort_dependencies([(None, _models())], allow_cycles=True)
    with transaction.atomic():
        payload = _serialize(models).encode()
    files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        info = tarfile.TarInfo(DATA_NAME)
        info.size, info.mtime = len(payload), int(time.time())
        archive.addfile(info, io.BytesIO(payload))
        for file in files:
            archive.add(file, arcname=MEDIA_PREFIX + file.relative_to(media).as_posix())
    partial.replace(path)  # a backup file is either whole or absent
    return BackupSummary(rows=len(json.loads(payload)), files=len(files))


class RestoreError(Exception):
    pass


def restore(path: Path) -> BackupSummary:
    """Load a backup into this (migrated, empty) database and its media folder."""
    from articles.models import Article

    if Article.objects.exists():
        raise RestoreError("the database already has articles; restore into an empty, migrated one")
    media = Path(settings.MEDIA_ROOT)
    try:
        # Opened outside the `with` so that only a failure to open reads "not a backup file";
        # the `with archive:` below closes it.
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115
    except (OSError, tarfile.TarError) as error:
        raise RestoreError(f"{path}: not a backup file ({error})") from None
    with archive:
        try:
            data_file = archive.extractfile(DATA_NAME)
        except KeyError:
            data_file = None
        if data_file is None:  # missing, or not a regular file
            raise RestoreError(f"{path}: no {DATA_NAME} inside")
        payload = data_file.read()
        with transaction.atomic(), tempfile.TemporaryDirectory() as tmp:
            # Migrations made these rows (the newsroom groups); the backup has them too.
            apps.get_model("auth", "Group").objects.all().delete()
            data = Path(tmp) / DATA_NAME
            data.write_bytes(payload)
            # loaddata resolves references in any order and resets PostgreSQL's sequences.
            call_command("loaddata", str(data), verbosity=0)
            rows = len(json.loads(payload))
        members = [
            m for m in archive.getmembers() if m.name.startswith(MEDIA_PREFIX) and m.isfile()
        ]
        for member in members:
            target = media / member.name.removeprefix(MEDIA_PREFIX)
            if not target.resolve().is_relative_to(media.resolve()):
                raise RestoreError(
                    f"{path}: refuses to write outside the media folder ({member.name})"
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            member_file = archive.extractfile(member)
            assert member_file is not None  # a regular file: members are filtered on isfile()
            target.write_bytes(member_file.read())
    return BackupSummary(rows=rows, files=len(members))


def fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a content hash per model: what a backup round trip must preserve."""
    result = {}
    for model in _models():
        rows = json.loads(_serialize([model]))
        for row in rows:
            # Many-to-many lists come back in whatever order the database likes.
            for field in model._meta.many_to_many:
                row["fields"][field.name] = sorted(
                    row["fields"].get(field.name, []), key=json.dumps
                )
        canonical = json.dumps(rows, sort_keys=True)  # jsonb keeps keys in its own order
        result[model._meta.label] = (len(rows), hashlib.sha256(canonical.encode()).hexdigest())
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        digest = hashlib.sha256()
        for file in sorted(p for p in media.rglob("*") if p.is_file()):
            digest.update(file.relative_to(media).as_posix().encode() + file.read_bytes())
        result["media"] = (sum(1 for p in media.rglob("*") if p.is_file()), digest.hexdigest())
    return result
