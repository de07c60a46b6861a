from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime


class Via(models.TextChoices):
    ADMIN = "admin", "the admin"
    API = "api", "the API"
    IMPORT = "import", "the story import"
    MATCHES = "matches", "the match import"
    RESTORE = "restore", "a restore"
    DEMO = "demo", "the demo loader"


@dataclass(frozen=True)
class Actor:
    """Who or what makes a save: a person through the admin or the API, or a process (the
    importer, the demo loader), with a note such as the file a story came from."""

    source: Via
    user: Any = None  # a User, or None for a process
    note: str = ""

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser | None, source: Via) -> Actor:
        return cls(source, user if user is not None and user.is_authenticated else None)

    @property
    def is_person(self) -> bool:
        return self.user is not None


class RevisionQuerySet(models.QuerySet["Revision"]):
    def of(self, obj: models.Model) -> RevisionQuerySet:
        """The object's revisions, newest first, with who made them."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("user")

    def latest_of(self, obj: models.Model) -> Revision | None:
        return self.of(obj).first()


class Revision(models.Model):
    """One saved state of an object: its whole content as JSON (what the app's snapshot
    says), who or what saved it, and when."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=255)
    data = models.JSONField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField(max_length=10, choices=Via)
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-created_at", "-id"],
                name="revision_object_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_repr} at {self.created_at:%Y-%m-%d %H:%M} by {self.author}"

    @property
    def author(self) -> str:
        """Who made it, in words: "Alice Smith", or "the story import (01-good.txt)"."""
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        label = Via(self.source).label
        return f"{label} ({self.note})" if self.note else label


def record(obj: models.Model, *, data: dict[str, Any], actor: Actor) -> Revision:
    """Keep `data` (the object's whole content, from its app's snapshot) as a revision."""
    return record_all([(obj, data)], actor=actor)[0]


def record_all(
    saved: Iterable[tuple[models.Model, dict[str, Any]]], *, actor: Actor
) -> list[Revision]:
    """A revision of each (object, data) pair, made by one `actor`, in one INSERT: an import
    creating 380 matches wrote 380 statements (a quarter of its time)."""
    revisions = [
        Revision(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            object_repr=str(obj)[:255],
            data=data,
            user=actor.user,
            source=actor.source,
            note=actor.note[:255],
        )
        for obj, data in saved
    ]
    return Revision.objects.bulk_create(revisions)


def when(revision: Revision) -> str:
    """ "1 December 2026, 12:03:07" in the site's time zone (to the second: one minute
    can hold several revisions)."""
    return date_format(localtime(revision.created_at), "j F Y, H:i:s")
