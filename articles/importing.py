"""The story import: parsed stories (articles.stories) become articles.

`import_stories` is the one import. The command line (`import_stories`), the admin's upload
page and the API (`POST /api/stories`) each adapt their input into `Source`s and show its
results, so a file is judged the same way wherever it comes from, and a dry run goes down
the same path as a real one, stopping short of the write.

What happened to a file is data (`ImportResult`: an `Outcome`, a `Reason` when it failed,
the stored article), not a sentence: each place renders it in its own words with
`message_for(surface)`, so the command line says "use --update" where the admin names the
form's checkbox and the API the request's field.

An import never quietly undoes an editor: a changed story is replaced only when asked
(`update`), and one a person has edited since it was imported only with `force` as well;
what it replaces stays in the article's revisions, since every save records one. Two files
of one run that hold the same story are refused as duplicates rather than taking turns.

Each story is written in its own transaction through `articles.services.article_save`, whose
save bumps the page cache's version inside that transaction: an import stopped at any point
leaves every story it committed on the public pages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import itertools
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles.mentions import MentionIndex
from articles.models import Article
from articles.services import article_save
from articles.stories import SLUG_MAX, Story, StoryError, parse_story
from revisions.models import Actor, Revision, Via, when

# What an import writes; the rest of an article (status, tags, image) is the editors'.
STORY_FIELDS = [
    "title",
    "standfirst",
    "body",
    "published_at",
    "source_name",
    "source_hash",
    "updated_at",
]


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CHANGED = "changed"  # the text differs from the stored story, left alone without --update
    EDITED = "edited"  # the text differs and a person edited the story: left alone without --force
    FAILED = "failed"


class Reason(enum.StrEnum):
    """Why a file failed."""

    MISSING = "missing"  # a command-line path that names nothing
    UNREADABLE = "unreadable"  # the operating system would not read it
    INVALID = "invalid"  # the parser refused it (StoryError)
    NOT_A_STORY = "not-a-story"  # an uploaded file that is not a .txt file
    DUPLICATE = "duplicate"  # an earlier file of the same run holds the same story


@dataclass(frozen=True)
class Surface:
    """A place that shows import results, in its own words for the two options that replace
    stories: "use --update" on the command line, the form's checkbox in the admin, the
    request's field in the API. Results and summaries are rendered for one."""

    update: str  # how to ask for a changed story to be replaced
    force: str  # how to ask for an edited story to be replaced too
    addresses: bool = True  # whether a line ends with where the story is ("→ /news/…/")


COMMAND_LINE = Surface(update="use --update", force="use --force")
API = Surface(update='send "update": true', force='send "force": true')


@dataclass(frozen=True)
class Edit:
    """A person's save of a story since it was imported: who, and when (in words)."""

    author: str  # "Alice Smith"
    when: str  # "1 December 2026, 12:03", in the site's time zone


@dataclass(frozen=True)
class ImportResult:
    """What the import did with one file, as data; `message_for(surface)` puts it in words.

    `reason` says why a file failed; `detail` is the line that says so when it comes from
    elsewhere (the parser, the operating system). `pk`, `slug`, `status` and `published_at`
    describe the stored article (none for a failed file or a story a dry run would create).
    `edit` is the person's edit that refused the update (EDITED) or that it replaced (a
    forced UPDATED).
    """

    source_name: str
    outcome: Outcome
    reason: Reason | None = None
    detail: str = ""
    title: str = ""
    pk: int | None = None
    slug: str = ""
    status: str = ""
    published_at: dt.datetime | None = None
    edit: Edit | None = None
    duplicate_of: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED

    @property
    def is_live(self) -> bool:
        """Whether the stored article is on the public site (published and not scheduled)."""
        if not (self.slug and self.published_at):
            return False
        return Article(status=self.status, published_at=self.published_at).is_live

    @property
    def public_url(self) -> str:
        """The article's public page, only when it is live: a draft's would be a 404."""
        return reverse("articles:detail", args=[self.slug]) if self.is_live else ""

    @property
    def admin_url(self) -> str:
        return reverse("admin:articles_article_change", args=[self.pk]) if self.pk else ""

    @property
    def message(self) -> str:
        """The line for the command line."""
        return self.message_for(COMMAND_LINE)

    def message_for(self, surface: Surface) -> str:
        """One line that names the file and says what happened, in the surface's words."""
        name, title = self.source_name, f"“{self.title}”"
        if self.reason is Reason.DUPLICATE:
            return f"{name}: duplicate of {self.duplicate_of} (same date and headline); skipped"
        if self.reason is Reason.MISSING:
            return f"{name}: no such file or folder"
        if self.reason is Reason.NOT_A_STORY:
            return f"{name}: not a .txt story file"
        if self.failed:
            return self.detail
        if self.outcome is Outcome.CHANGED:
            line = (
                f"{name}: changed since it was imported; left alone "
                f"({surface.update} to replace it)"
            )
        elif self.outcome is Outcome.EDITED:
            assert self.edit is not None
            line = (
                f"{name}: not replaced: {title} was edited by {self.edit.author} on "
                f"{self.edit.when} since it was imported ({surface.force} to replace it; "
                "the edited text stays in its revisions)"
            )
        elif self.edit is not None:
            line = (
                f"{name}: updated {title}, replacing the edit by {self.edit.author} on "
                f"{self.edit.when} (the edited text stays in its revisions)"
            )
        else:
            line = f"{name}: {self.outcome} {title}"
        where = self.public_url or self.admin_url
        return f"{line} → {where}" if where and surface.addresses else line


@dataclass
class Summary:
    counts: Counter[Outcome] = field(default_factory=Counter)

    @classmethod
    def of(cls, results: Iterable[ImportResult]) -> Summary:
        summary = cls()
        for result in results:
            summary.add(result)
        return summary

    def add(self, result: ImportResult) -> None:
        self.counts[result.outcome] += 1

    @property
    def failed(self) -> int:
        return self.counts[Outcome.FAILED]

    def line_for(self, surface: Surface) -> str:
        """ "2 created, 0 updated, 0 unchanged, 0 failed", and the stories left alone."""
        line = ", ".join(
            f"{self.counts[outcome]} {outcome}"
            for outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.FAILED)
        )
        if changed := self.counts[Outcome.CHANGED]:
            line += f", {changed} changed and left alone ({surface.update} to replace)"
        if edited := self.counts[Outcome.EDITED]:
            line += f", {edited} edited and left alone ({surface.force} to replace)"
        return line

    def __str__(self) -> str:
        return self.line_for(COMMAND_LINE)


# ----------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """A story to import: a name for messages, and how to read it. A file on disk, or
    standard input when there is no path."""

    name: str
    path: Path | None = None

    def read(self) -> bytes | str:
        if self.path is None:
            return sys.stdin.buffer.read()
        limit = settings.FANPORTAL_STORY_MAX_BYTES
        with self.path.open("rb") as handle:
            # One byte over the limit is enough to refuse the file without reading it all.
            return handle.read(limit + 1) if self.path.stat().st_size > limit else handle.read()


@dataclass(frozen=True)
class Text(Source):
    """A story whose text is already in hand (the API's request body)."""

    text: bytes | str = ""

    def read(self) -> bytes | str:
        return self.text


@dataclass(frozen=True)
class Upload(Source):
    """A story that arrived as an uploaded file (the admin's import page)."""

    file: Any = None

    def read(self) -> bytes:
        return self.file.read(settings.FANPORTAL_STORY_MAX_BYTES + 1)


def collect_sources(paths: Iterable[str]) -> tuple[list[Source], list[ImportResult]]:
    """Files to import from command-line paths: files, folders (their *.txt), or "-"."""
    sources: list[Source] = []
    missing: list[ImportResult] = []
    for raw in paths:
        if raw == "-":
            sources.append(Source("<stdin>"))
            continue
        path = Path(raw)
        if path.is_dir():
            sources.extend(Source(str(child), child) for child in sorted(path.glob("*.txt")))
        elif path.is_file():
            sources.append(Source(str(path), path))
        else:
            missing.append(ImportResult(raw, Outcome.FAILED, Reason.MISSING))
    return sources, missing


# ------------------------------------------------------------------------------ import


@dataclass(frozen=True)
class Stored:
    """What the database holds of an imported story: enough to decide what to do with it."""

    pk: int
    slug: str
    source_hash: str
    status: str
    published_at: dt.datetime


def import_stories(
    sources: Iterable[Source],
    *,
    update: bool = False,
    force: bool = False,
    status: str = Article.Status.PUBLISHED,
    dry_run: bool = False,
    batch_size: int = 500,
) -> Iterator[ImportResult]:
    """Import each source in its own transaction, yielding one result per source, in order;
    a bad file never stops the others. With dry_run, say what would happen and write nothing.

    A story whose text changed is replaced only with `update`, and only if no person has
    edited it since it was imported (its newest revision is the import's, or the person's
    saves left the imported text as it was); `force` replaces it even then, and implies
    `update`. Either way the text replaced stays in the article's revisions. A second file
    of the run that holds the same story (same date and headline) as an earlier one fails
    as its duplicate, so that the stored text never depends on which file came last.

    Files are read and parsed a batch at a time, and the stored hashes of a whole batch come
    in one query, so that re-running an import over unchanged files is mostly reading; only
    a story whose text changed costs a query more, to see who saved it last.
    """
    index = None if dry_run else MentionIndex.from_database()
    update = update or force
    # The first file of this run to hold each story, by key.
    first_of: dict[str, str] = {}
    for batch in itertools.batched(sources, batch_size):
        parsed = [_read_and_parse(source) for source in batch]
        stored = _lookup(story.key for story in parsed if isinstance(story, Story))
        # The slugs new stories of this batch may take, looked up in one query.
        slugs = _SlugsTaken.of(
            story for story in parsed if isinstance(story, Story) and story.key not in stored
        )
        for story in parsed:
            if isinstance(story, ImportResult):
                yield story
            elif story.key in first_of:
                yield ImportResult(
                    story.source_name,
                    Outcome.FAILED,
                    Reason.DUPLICATE,
                    title=story.title,
                    duplicate_of=first_of[story.key],
                    warnings=story.warnings,
                )
            else:
                first_of[story.key] = story.source_name
                yield _apply(
                    story,
                    stored.get(story.key),
                    update=update,
                    force=force,
                    status=status,
                    index=index,
                    slugs=slugs,
                )


def import_story(*, data: bytes | str, source_name: str, **options: Any) -> ImportResult:
    """One story's text (options as import_stories). Never raises for a bad file."""
    return next(import_stories([Text(source_name, text=data)], **options))


def import_uploads(files: Iterable[Any], **options: Any) -> list[ImportResult]:
    """Uploaded files (Django UploadedFile objects), one result each in the order given;
    only *.txt files are stories (options as import_stories)."""
    files = list(files)
    stories = [Upload(file.name, file=file) for file in files if _is_story_file(file.name)]
    imported = import_stories(stories, **options)
    return [
        next(imported)
        if _is_story_file(file.name)
        else ImportResult(file.name, Outcome.FAILED, Reason.NOT_A_STORY)
        for file in files
    ]


def _is_story_file(name: str) -> bool:
    return name.lower().endswith(".txt")


def _read_and_parse(source: Source) -> Story | ImportResult:
    try:
        return parse_story(source.read(), source_name=source.name)
    except OSError as error:
        reason = f"{source.name}: cannot read ({error.strerror})"
        return ImportResult(source.name, Outcome.FAILED, Reason.UNREADABLE, detail=reason)
    except StoryError as error:
        return ImportResult(source.name, Outcome.FAILED, Reason.INVALID, detail=str(error))


def _lookup(keys: Iterable[str]) -> dict[str, Stored]:
    rows = Article.objects.filter(source_key__in=list(keys)).values_list(
        "source_key", "pk", "slug", "source_hash", "status", "published_at"
    )
    # cast: source_key is nullable, but source_key__in never matches NULL.
    return {
        cast(str, key): Stored(pk, slug, source_hash, status, published_at)
        for key, pk, slug, source_hash, status, published_at in rows
    }


class _Refused(Exception):
    """Raised inside the write's transaction when a person edited the story: nothing of it
    is written."""

    def __init__(self, edit: Edit) -> None:
        self.edit = edit


def _apply(
    story: Story,
    stored: Stored | None,
    *,
    update: bool,
    force: bool,
    status: str,
    index: MentionIndex | None,
    slugs: _SlugsTaken | None = None,
) -> ImportResult:
    """Create, update or leave the story, given what the database held when we looked;
    without an index (a dry run) only say which."""
    for attempt in range(3):
        edit = None
        if stored is None:
            outcome = Outcome.CREATED
        elif stored.source_hash == story.source_hash:
            outcome = Outcome.UNCHANGED
        elif index is None or not update:
            # Nothing will be written: who edited the story decides only what to say.
            edit = edit_since_import(stored.pk)
            if edit and not force:
                outcome = Outcome.EDITED
            else:
                outcome = Outcome.UPDATED if update else Outcome.CHANGED
        else:
            outcome = Outcome.UPDATED
        if index is None or outcome not in (Outcome.CREATED, Outcome.UPDATED):
            break
        try:
            article, edit = _write(
                story, stored, status=status, force=force, index=index, slugs=slugs
            )
            stored = Stored(
                article.pk, article.slug, article.source_hash, article.status, article.published_at
            )
            break
        except _Refused as refused:
            outcome, edit = Outcome.EDITED, refused.edit
            break
        except IntegrityError:
            # Another import wrote this story (or took its slug) since we looked: look again.
            if attempt == 2:
                raise
            stored = _lookup([story.key]).get(story.key)
            slugs = None  # and ask the database which slugs are free
    if stored is None:  # a story the dry run would create
        return ImportResult(
            story.source_name,
            outcome,
            title=story.title,
            status=status,
            published_at=story.published_at,
            warnings=story.warnings,
        )
    return ImportResult(
        story.source_name,
        outcome,
        title=story.title,
        pk=stored.pk,
        slug=stored.slug,
        status=stored.status,
        # An update moves the article to the story's date (a dry run's too, were it real).
        published_at=story.published_at if outcome is Outcome.UPDATED else stored.published_at,
        edit=edit,
        warnings=story.warnings,
    )


def _write(
    story: Story,
    stored: Stored | None,
    *,
    status: str,
    force: bool,
    index: MentionIndex,
    slugs: _SlugsTaken | None = None,
) -> tuple[Article, Edit | None]:
    """Write the story; with the row locked, refuse (`_Refused`) to replace a person's edit
    unless forced. Returns the article and the edit it replaced, if any."""
    edit = None
    # A new story is written in article_save's own transaction (a savepoint inside another
    # would cost two statements a story); replacing one locks its row first, in one more.
    with transaction.atomic() if stored is not None else contextlib.nullcontext():
        if stored is None:
            slug = _unique_slug(story, slugs)
            article = Article(source_key=story.key, slug=slug, status=status)
        else:
            article = Article.objects.select_for_update().get(pk=stored.pk)
            # Looked at under the row's lock, so that an editor's save cannot slip in
            # between the look and the write.
            edit = edit_since_import(article.pk)
            if edit and not force:
                raise _Refused(edit)
        article.title = story.title
        article.standfirst = story.standfirst
        article.body = story.body
        article.published_at = story.published_at
        article.source_name = story.source_name
        article.source_hash = story.source_hash
        article = article_save(
            article=article,
            actor=Actor(Via.IMPORT, note=story.source_name),
            index=index,
            update_fields=None if stored is None else STORY_FIELDS,
        )
    return article, edit


# What an import writes of a revision's content: a person's save that left these as the
# import wrote them (publishing, tagging, a new image) is not an edit the import would undo.
_STORY_DATA = ("title", "standfirst", "body")
# Saves made by processes, not people.
_NOT_EDITS = (Via.IMPORT, Via.DEMO)


def edit_since_import(pk: int) -> Edit | None:
    """The person's save of the article, if its newest revision is one that changed what
    the import writes (title, standfirst, body, date) since the import's newest revision.

    One query (the newest revision) for a story nobody edited; a second, for the import's
    newest revision, only when a person made the newest. An article with no revision of
    the import to compare with counts as edited once a person has saved it.
    """
    article = Article(pk=pk)
    latest = Revision.objects.latest_of(article)
    if latest is None or latest.source in _NOT_EDITS:
        return None
    imported = Revision.objects.of(article).filter(source=Via.IMPORT).first()
    if imported is not None and _same_story(imported.data, latest.data):
        return None
    return Edit(author=latest.author, when=when(latest))


def _same_story(one: dict[str, Any], other: dict[str, Any]) -> bool:
    if any(one.get(name) != other.get(name) for name in _STORY_DATA):
        return False
    try:
        # The same moment may be written in two offsets (London's, or UTC once reloaded).
        return dt.datetime.fromisoformat(one["published_at"]) == dt.datetime.fromisoformat(
            other["published_at"]
        )
    except (KeyError, TypeError, ValueError):
        return False


class _SlugsTaken:
    """Which of a batch's candidate slugs (each new story's headline slug, and with its date)
    articles already have: one query for the batch instead of one a story. Slugs the batch
    takes are added as it goes; a slug another import takes meanwhile fails the insert, and
    the story is tried again asking the database."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken

    @classmethod
    def of(cls, stories: Iterable[Story]) -> _SlugsTaken:
        candidates = [slug for story in stories for slug in _candidates(story)]
        rows = Article.objects.filter(slug__in=candidates).values_list("slug", flat=True)
        return cls(set(rows))


def _candidates(story: Story) -> tuple[str, str]:
    return story.slug, f"{story.slug[: SLUG_MAX - 11]}-{story.published_on.isoformat()}"


def _unique_slug(story: Story, slugs: _SlugsTaken | None = None) -> str:
    """The headline's slug, or with the date added, or numbered, whichever is free."""
    base, dated = _candidates(story)
    if slugs is None:
        taken = set(Article.objects.filter(slug__in=[base, dated]).values_list("slug", flat=True))
    else:
        taken = slugs.taken
    chosen = _free_slug(base, dated, taken)
    if slugs is not None:
        slugs.taken.add(chosen)
    return chosen


def _free_slug(base: str, dated: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    if dated not in taken:
        return dated
    numbered = set(
        Article.objects.filter(slug__startswith=f"{dated}-").values_list("slug", flat=True)
    )
    number = 2
    while f"{dated}-{number}" in numbered:
        number += 1
    return f"{dated}-{number}"
