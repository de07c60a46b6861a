"""The article form of the admin: it refuses a save based on an older version of the
article than the stored one, keeping the editor's text and showing what differs."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.timezone import localtime

from articles.models import CLUB_MATCHES, Article, ArticleMatch, Tag
from articles.services import (
    MatchPicks,
    links_of,
    match_links_of,
    parse_match_link,
    picked_links,
    snapshot,
)
from matches.models import Match
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
    "matches": "Matches",
    "picked_matches": "Matches picked by hand",
    "removed_matches": "Matches removed by hand",
}
LONG_TEXT = ("body",)


def local_time(moment: str | None) -> str:
    """A snapshot's UTC time as the site's readers know it: "26 February 2024, 09:00"."""
    if not moment:
        return ""
    moment_here = localtime(dt.datetime.fromisoformat(moment))
    return date_format(moment_here, "j F Y, H:i:s" if moment_here.second else "j F Y, H:i")


def match_name(match: Match) -> str:
    """ "Chelsea 0–1 Liverpool, 25 Feb 2024": a match as the History page names it."""
    return str(match)


def names_of(snapshots: list[dict[str, Any]]) -> dict[str, dict[Any, str]]:
    """Names for the ids the snapshots hold (people, trophies, tags, matches), by field."""

    def ids(*fields: str) -> set[int]:
        return {pk for data in snapshots for field in fields for pk in data.get(field, [])}

    links = {
        value: link
        for data in snapshots
        for field in ("matches", "picked_matches")
        for value in data.get(field, [])
        if (link := parse_match_link(value))
    }
    match_ids = {pk for pk, _ in links.values()} | ids("removed_matches")
    games = {
        match.pk: match_name(match)
        for match in Match.objects.select_related("home", "away").filter(pk__in=match_ids)
    }
    linked = {
        value: f"{games.get(pk, f'match #{pk}')} ({ArticleMatch.Role(role).label.lower()})"
        for value, (pk, role) in links.items()
    }

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
        "matches": linked,
        "picked_matches": linked,
        "removed_matches": games,
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


def club_matches() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Match.objects.filter(CLUB_MATCHES).select_related("home", "away"),
        required=False,
    )


class ArticleForm(forms.ModelForm):
    # The version of the article the form was loaded with; a save based on an older version
    # than the stored one is refused (articles.services.EditConflict).
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # The matches an editor picks, by role (ArticleMatch rows with `picked`); found ones are
    # shown beside them, and removed with `removed_matches`.
    picked_reports = club_matches()
    picked_reports.label = "Reports of"
    picked_reports.help_text = "Matches the story reports, whatever its text and date say."
    picked_previews = club_matches()
    picked_previews.label = "Previews of"
    picked_previews.help_text = "Matches the story previews, whatever its text and date say."

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
            "removed_matches",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version
            picks = match_links_of(self.instance).picks.picked
            for name, role in (("picked_reports", "report"), ("picked_previews", "preview")):
                self.fields[name].initial = [pk for pk, r in picks.items() if r == role]
        # The admin's match search, limited to the club's matches (the model field the
        # search is named by, `removed_matches`, has that limit).
        matches_field = Article._meta.get_field("removed_matches")
        for name in ("picked_reports", "picked_previews"):
            field = cast(forms.ModelMultipleChoiceField, self.fields[name])
            field.widget = AutocompleteSelectMultiple(matches_field, admin.site)
            field.widget.choices = field.choices

    def match_picks(self) -> MatchPicks | None:
        """The matches picked and removed, as article_save takes them (None: this form does
        not have the fields, and the stored ones stay)."""
        data = self.cleaned_data
        if not all(
            name in data for name in ("picked_reports", "picked_previews", "removed_matches")
        ):
            return None
        picked = {match.pk: "report" for match in data["picked_reports"]}
        picked |= {match.pk: "preview" for match in data["picked_previews"]}
        return MatchPicks(picked, frozenset(match.pk for match in data["removed_matches"]))

    def clean_body(self) -> str:
        # Browsers send a textarea's line breaks as CRLF; the stored text (and so every
        # revision and diff) keeps the LF that imports and the API give.
        return self.cleaned_data["body"].replace("\r\n", "\n")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reports = set(data.get("picked_reports") or ())
        previews = set(data.get("picked_previews") or ())
        if both := reports & previews:
            self.add_error(
                "picked_previews",
                f"Pick {', '.join(sorted(map(match_name, both)))} as a report or a preview, "
                "not both.",
            )
        if picked_and_removed := (reports | previews) & set(data.get("removed_matches") or ()):
            self.add_error(
                "removed_matches",
                f"{', '.join(sorted(map(match_name, picked_and_removed)))} is picked above; "
                "remove it there.",
            )
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
            matches=match_links_of(stored),
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
        for field in ("tags", "picked_players", "picked_trophies", "removed_matches"):
            if field in data:
                snapshot[field] = sorted(obj.pk for obj in data[field])
        if "picked_reports" in data and "picked_previews" in data:
            snapshot["picked_matches"] = sorted(
                [f"{match.pk}:report" for match in data["picked_reports"]]
                + [f"{match.pk}:preview" for match in data["picked_previews"]]
            )
        return snapshot
