"""The story import: parsed stories (articles.stories) become articles.

`import_stories` is the one import. The command line (`import_stories`), the admin's upload
page and the API (`POST /api/stories`) each adapt their input into `Source`s and show its
results, so a file is judged the same way wherever it comes from, and a dry run goes down
the same path as a real one, stopping short of the write.

Each story is written in its own transaction through `articles.services.article_save`, whose
save bumps the page cache's version inside that transaction: an import stopped at any point
leaves every story it committed on the public pages.
"""

from __future__ import annotations

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
    FAILED = "failed"


@dataclass(frozen=True)
class ImportResult:
    source_name: str
    outcome: Outcome
    message: str
    slug: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED


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

    def __str__(self) -> str:
        line = ", ".join(
            f"{self.counts[outcome]} {outcome}"
            for outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.FAILED)
        )
        if changed := self.counts[Outcome.CHANGED]:
            line += f", {changed} changed and left alone (use --update to replace)"
        return line


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
            missing.append(ImportResult(raw, Outcome.FAILED, f"{raw}: no such file or folder"))
    return sources, missing


# ------------------------------------------------------------------------------ import


@dataclass(frozen=True)
class Stored:
    """What the database holds of an imported story: enough to decide what to do with it."""

    pk: int
    slug: str
    source_hash: str


def import_stories(
    sources: Iterable[Source],
    *,
    update: bool = False,
    status: str = Article.Status.PUBLISHED,
    dry_run: bool = False,
    batch_size: int = 500,
) -> Iterator[ImportResult]:
    """Import each source in its own transaction, yielding one result per source; a bad
    file never stops the others. With dry_run, say what would happen and write nothing.

    Files are read and parsed a batch at a time, and the stored hashes of a whole batch come
    in one query, so that re-running an import over unchanged files is mostly reading.
    """
    index = None if dry_run else MentionIndex.from_database()
    # What this run has left of each story so far, by key: a story that comes twice in one
    # run is judged against the first (also in a dry run, where nothing is stored).
    seen: dict[str, Stored | None] = {}
    for batch in itertools.batched(sources, batch_size):
        parsed = [_read_and_parse(source) for source in batch]
        stored = _lookup(story.key for story in parsed if isinstance(story, Story))
        for story in parsed:
            if isinstance(story, ImportResult):
                yield story
                continue
            before = seen[story.key] if story.key in seen else stored.get(story.key)
            result, seen[story.key] = _apply(
                story, before, update=update, status=status, index=index
            )
            yield result


def import_story(*, data: bytes | str, source_name: str, **options: Any) -> ImportResult:
    """One story's text (options as import_stories). Never raises for a bad file."""
    return next(import_stories([Text(source_name, text=data)], **options))


def import_uploads(files: Iterable[Any], **options: Any) -> list[ImportResult]:
    """Uploaded files (Django UploadedFile objects); only *.txt files are stories."""
    results: list[ImportResult] = []
    stories: list[Source] = []
    for file in files:
        if file.name.lower().endswith(".txt"):
            stories.append(Upload(file.name, file=file))
        else:
            reason = f"{file.name}: not a .txt story file"
            results.append(ImportResult(file.name, Outcome.FAILED, reason))
    return results + list(import_stories(stories, **options))


def _read_and_parse(source: Source) -> Story | ImportResult:
    try:
        return parse_story(source.read(), source_name=source.name)
    except OSError as error:
        reason = f"{source.name}: cannot read ({error.strerror})"
        return ImportResult(source.name, Outcome.FAILED, reason)
    except StoryError as error:
        return ImportResult(source.name, Outcome.FAILED, str(error))


def _lookup(keys: Iterable[str]) -> dict[str, Stored]:
    rows = Article.objects.filter(source_key__in=list(keys)).values_list(
        "source_key", "pk", "slug", "source_hash"
    )
    # cast: source_key is nullable, but source_key__in never matches NULL.
    return {cast(str, key): Stored(pk, slug, source_hash) for key, pk, slug, source_hash in rows}


def _decide(story: Story, stored: Stored | None, *, update: bool) -> Outcome:
    if stored is None:
        return Outcome.CREATED
    if stored.source_hash == story.source_hash:
        return Outcome.UNCHANGED
    return Outcome.UPDATED if update else Outcome.CHANGED


def _apply(
    story: Story, stored: Stored | None, *, update: bool, status: str, index: MentionIndex | None
) -> tuple[ImportResult, Stored | None]:
    """Create, update or leave the story, given what the database held when we looked;
    without an index (a dry run) only say which. Returns the result and what is stored now."""
    for attempt in range(3):
        outcome = _decide(story, stored, update=update)
        if index is None or outcome not in (Outcome.CREATED, Outcome.UPDATED):
            break
        try:
            article = _write(story, stored, status=status, index=index)
            stored = Stored(article.pk, article.slug, article.source_hash)
            break
        except IntegrityError:
            # Another import wrote this story (or took its slug) since we looked: look again.
            if attempt == 2:
                raise
            stored = _lookup([story.key]).get(story.key)
    if index is None and outcome in (Outcome.CREATED, Outcome.UPDATED):
        stored = Stored(0, "", story.source_hash)  # what the real run would leave
    url = reverse("articles:detail", args=[stored.slug]) if stored and stored.slug else ""
    result = ImportResult(
        story.source_name,
        outcome,
        _describe(outcome, story, url),
        slug=stored.slug if stored else "",
        warnings=story.warnings,
    )
    return result, stored


def _write(story: Story, stored: Stored | None, *, status: str, index: MentionIndex) -> Article:
    with transaction.atomic():
        if stored is None:
            article = Article(source_key=story.key, slug=_unique_slug(story), status=status)
        else:
            article = Article.objects.select_for_update().get(pk=stored.pk)
        article.title = story.title
        article.standfirst = story.standfirst
        article.body = story.body
        article.published_at = story.published_at
        article.source_name = story.source_name
        article.source_hash = story.source_hash
        return article_save(
            article=article, index=index, update_fields=None if stored is None else STORY_FIELDS
        )


def _unique_slug(story: Story) -> str:
    """The headline's slug, or with the date added, or numbered, whichever is free."""
    base = story.slug
    dated = f"{base[: SLUG_MAX - 11]}-{story.published_on.isoformat()}"
    taken = set(Article.objects.filter(slug__in=[base, dated]).values_list("slug", flat=True))
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


def _describe(outcome: Outcome, story: Story, url: str) -> str:
    where = f" → {url}" if url else ""
    if outcome is Outcome.CHANGED:
        return (
            f"{story.source_name}: changed since it was imported; left alone "
            f"(use --update to replace it){where}"
        )
    return f"{story.source_name}: {outcome} “{story.title}”{where}"
