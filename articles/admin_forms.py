"""The article form of the admin: it refuses a save based on an older version of the
article than the stored one, keeping the editor's text and showing what differs."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.timezone import localtime

from articles.models import Article, Tag
from articles.services import links_of, picked_links, snapshot
from players.models import Player
from revisions import diff
from revisions.models import Revision, when
from trophies.models import Trophy

# How the article form names what a revision holds, in the order the diff shows them.
REVISION_LABELS = {
    "title": "Title",
    "slug": "Slug",
    "standfirst": "Standfirst",
    "body": "Body",
    "status": "Status",
    "published_at": "Publication time",
    "author": "Byline",
    "image": "Image",
    "image_alt": "Image description",
    "tags": "Tags",
    "players": "Linked people",
    "trophies": "Linked trophies",
    "picked_players": "Also about (players and staff)",
    "picked_trophies": "Also about (trophies)",
}
LONG_TEXT = ("body",)


def local_time(moment: str | None) -> str:
    """A snapshot's UTC time as the site's readers know it: "26 February 2024, 09:00"."""
    if not moment:
        return ""
    moment_here = localtime(dt.datetime.fromisoformat(moment))
    return date_format(moment_here, "j F Y, H:i:s" if moment_here.second else "j F Y, H:i")


def names_of(snapshots: list[dict[str, Any]]) -> dict[str, dict[Any, str]]:
    """Names for the ids the snapshots hold (people, trophies, tags), by field."""

    def ids(*fields: str) -> set[int]:
        return {pk for data in snapshots for field in fields for pk in data.get(field, [])}

    people = dict(
        Player.objects.filter(pk__in=ids("players", "picked_players")).values_list("pk", "name")
    )
    cups = dict(
        Trophy.objects.filter(pk__in=ids("trophies", "picked_trophies")).values_list("pk", "name")
    )
    return {
        "players": people,
        "picked_players": people,
        "trophies": cups,
        "picked_trophies": cups,
        "tags": dict(Tag.objects.filter(pk__in=ids("tags")).values_list("pk", "name")),
    }


def status_label(status: str | None) -> str:
    return Article.Status(status).label if status in Article.Status.values else str(status)


def compare(
    before: dict[str, Any], after: dict[str, Any], names: dict[str, dict[Any, str]]
) -> list[diff.Change]:
    """Two snapshots of an article, as the History page and the conflict panel show them."""
    return diff.compare(
        before,
        after,
        labels=REVISION_LABELS,
        long_text=LONG_TEXT,
        names=names,
        formats={"published_at": local_time, "status": status_label},
    )


class Conflict:
    """What the editor is shown when someone else saved the article first."""

    def __init__(self, message: str, changes: list[diff.Change]) -> None:
        self.message = message
        self.changes = changes


class ArticleForm(forms.ModelForm):
    # The version of the article the form was loaded with; a save based on an older version
    # than the stored one is refused (articles.services.EditConflict).
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    conflict: Conflict | None = None

    class Meta:
        model = Article
        # The admin builds the form from its fieldsets; these are the editable fields.
        fields = [
            "title",
            "slug",
            "standfirst",
            "body",
            "status",
            "published_at",
            "author",
            "tags",
            "image",
            "image_alt",
            "picked_players",
            "picked_trophies",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version

    def clean_body(self) -> str:
        # Browsers send a textarea's line breaks as CRLF; the stored text (and so every
        # revision and diff) keeps the LF that imports and the API give.
        return self.cleaned_data["body"].replace("\r\n", "\n")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        base = data.get("base_version")
        stored = self.instance
        if stored.pk and base is not None and base != stored.version:
            self.refuse(stored, data)
        return data

    def refuse(self, stored: Article, data: dict[str, Any]) -> None:
        """Keep the editor's text in the form, say who saved first, show the difference,
        and base the form on the stored version: saving again replaces it knowingly."""
        latest = Revision.objects.latest_of(stored)
        theirs = snapshot(
            stored,
            tags=stored.tags.values_list("pk", flat=True),
            links=links_of(stored),
            picked=picked_links(stored),
        )
        mine = {**theirs, **self.snapshot_of(data)}
        names = names_of([theirs, mine])
        whom = (
            f"{latest.author} saved this article at {when(latest)}"
            if latest
            else ("Someone else saved this article")
        )
        message = (
            f"{whom}, after you opened it. Your text is still in the form and not saved. "
            "Below is what saving yours would change in theirs: save again to replace "
            "their version with yours, or copy what you need and reload the page to start "
            "from theirs."
        )
        self.conflict = Conflict(
            message,
            compare(theirs, mine, names=names),
        )
        # The panel above the form says it all; the form's error (which also tells the
        # autosave script that this save was refused) points at it.
        self.add_error(None, "Not saved: see what differs above.")
        bound = cast(QueryDict, self.data).copy()
        bound[self.add_prefix("base_version")] = str(stored.version)
        self.data = bound

    @staticmethod
    def snapshot_of(data: dict[str, Any]) -> dict[str, Any]:
        """The form's values as a revision's snapshot has them (only the fields it has)."""
        snapshot: dict[str, Any] = {}
        for field in ("title", "slug", "standfirst", "body", "status", "author", "image_alt"):
            if field in data:
                snapshot[field] = data[field]
        if data.get("published_at"):
            snapshot["published_at"] = (
                data["published_at"].astimezone(dt.UTC).replace(microsecond=0).isoformat()
            )
        for field in ("tags", "picked_players", "picked_trophies"):
            if field in data:
                snapshot[field] = sorted(obj.pk for obj in data[field])
        return snapshot
