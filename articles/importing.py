"""Story files: a pure parser, and the import that turns a parsed story into an article.

The command line (`import_stories`), the admin's upload page and the API all call
`import_story` / `import_many`, so a file is judged the same way wherever it comes from.

A story file::

    date 2024-02-26 Headline of the story

    Optional standfirst: one short line without closing punctuation

    First paragraph of the body.

    Second paragraph.

Each file is parsed completely before anything is written, and written in one transaction,
so a refused file leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import itertools
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify

from articles.mentions import MentionIndex
from articles.models import Article
from articles.writing import render_article, set_mentions
from pagecache.versioning import one_bump

STANDFIRST_MAX = 200
INVALIDATE_EVERY = 50
TITLE_MAX = 255
SLUG_MAX = 200
# What an import writes; the rest of an article (status, tags, image) is the editors'.
STORY_FIELDS = [
    "title", "standfirst", "body", "body_html", "excerpt", "word_count", "published_at",
    "source_name", "source_hash",
]
_DATE_LINE = re.compile(r"date(?:\s+(\S+))?(?:\s+(.*))?", re.IGNORECASE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOSING = ".!?\"'”’»"
# Control characters that never appear in a text story (tab, newlines and form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class StoryError(ValueError):
    """A story file that cannot be imported; str() is the one line shown to the user."""

    def __init__(self, source_name: str, reason: str, line: int | None = None) -> None:
        self.source_name, self.reason, self.line = source_name, reason, line
        where = f"{source_name}:{line}" if line else source_name
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Story:
    source_name: str
    published_on: dt.date
    title: str
    standfirst: str
    body: str
    source_hash: str
    warnings: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return slugify(self.title)[:SLUG_MAX].strip("-") or f"story-{self.source_hash[:8]}"

    @property
    def key(self) -> str:
        """The story's identity: its date and the slug of its headline."""
        return f"{self.published_on.isoformat()}/{self.slug}"

    @property
    def published_at(self) -> dt.datetime:
        return dt.datetime.combine(self.published_on, dt.time(), ZoneInfo(settings.TIME_ZONE))


def _size(count: int) -> str:
    megabytes, rest = divmod(count, 1024 * 1024)
    return f"{megabytes} MB" if megabytes and not rest else f"{count:,}-byte"


def decode(data: bytes, *, source_name: str) -> tuple[str, tuple[str, ...]]:
    """Bytes to text: UTF-8 (with or without a byte-order mark), else Windows-1252."""
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise StoryError(source_name, "binary data (a NUL byte), not a text story", line)
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad_byte = data[error.start]
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise StoryError(
            source_name,
            f"neither UTF-8 nor Windows-1252 text (byte 0x{data[error.start]:02X})",
            line,
        ) from None
    warning = (
        f"{source_name}:{line}: not valid UTF-8 (byte 0x{bad_byte:02X}); read as Windows-1252"
    )
    return text, (warning,)


def normalise(text: str) -> str:
    """NFC, no byte-order mark, LF line ends, no trailing spaces. Line numbers are kept."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines)


def _paragraphs(lines: list[str], first_line: int) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines[first_line:]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _is_standfirst(paragraph: list[str]) -> bool:
    return (
        len(paragraph) == 1
        and len(paragraph[0]) <= STANDFIRST_MAX
        and not paragraph[0].endswith(tuple(_CLOSING))
    )


def parse_story(data: bytes | str, *, source_name: str) -> Story:
    """Parse one story file. Pure: no database, no files. Raises StoryError."""
    max_bytes = settings.FANPORTAL_STORY_MAX_BYTES
    size = len(data.encode() if isinstance(data, str) else data)
    if size > max_bytes:
        # Readers stop one byte past the limit, so the true size is not known here.
        raise StoryError(source_name, f"file is larger than the {_size(max_bytes)} limit")
    if isinstance(data, str):
        text, warnings = data, ()
        if "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise StoryError(source_name, "binary data (a NUL byte), not a text story", line)
    else:
        text, warnings = decode(data, source_name=source_name)
    text = normalise(text)
    if not text.strip():
        raise StoryError(source_name, "empty file")
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        raise StoryError(
            source_name,
            f"binary data (control character 0x{ord(control.group()):02X}), not a text story",
            line,
        )

    lines = text.split("\n")
    date_index = next(index for index, line in enumerate(lines) if line.strip())
    line_number = date_index + 1
    date_line = _DATE_LINE.fullmatch(lines[date_index].strip())
    if not date_line:
        found = lines[date_index].strip()
        found = found if len(found) <= 40 else found[:40] + "…"
        raise StoryError(
            source_name,
            f'no date line: expected "date YYYY-MM-DD HEADLINE", found "{found}"',
            line_number,
        )
    raw_date, headline = date_line.group(1) or "", (date_line.group(2) or "").strip()
    if not _ISO_DATE.fullmatch(raw_date):
        raise StoryError(
            source_name,
            f'date "{raw_date}" is not in the form YYYY-MM-DD' if raw_date else "no date after \"date\"",
            line_number,
        )
    try:
        published_on = dt.date.fromisoformat(raw_date)
    except ValueError as error:
        raise StoryError(source_name, f"impossible date {raw_date} ({error})", line_number) from None
    if not headline:
        raise StoryError(source_name, "no headline after the date", line_number)
    if headline.endswith(".") and not headline.endswith(".."):
        headline = headline[:-1].rstrip()
    if len(headline) > TITLE_MAX:
        raise StoryError(
            source_name,
            f"headline is {len(headline)} characters, over the {TITLE_MAX}-character limit",
            line_number,
        )

    paragraphs = _paragraphs(lines, date_index + 1)
    if not paragraphs:
        raise StoryError(source_name, "no body: nothing follows the date line", line_number)
    standfirst = ""
    if len(paragraphs) > 1 and _is_standfirst(paragraphs[0]):
        standfirst = paragraphs.pop(0)[0]
    return Story(
        source_name=source_name,
        published_on=published_on,
        title=headline,
        standfirst=standfirst,
        body="\n\n".join("\n".join(paragraph) for paragraph in paragraphs),
        # Blank lines around the story do not make it a different story.
        source_hash=hashlib.sha256(text.strip("\n").encode()).hexdigest(),
        warnings=tuple(warnings),
    )


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


def _unique_slug(story: Story) -> str:
    """The headline's slug, or with the date added, or numbered, whichever is free."""
    base = story.slug
    dated = f"{base[: SLUG_MAX - 11]}-{story.published_on.isoformat()}"
    taken = set(Article.objects.filter(slug__in=[base, dated]).values_list("slug", flat=True))
    if base not in taken:
        return base
    if dated not in taken:
        return dated
    numbered = Article.objects.filter(slug__startswith=f"{dated}-").values_list("slug", flat=True)
    number = 2
    while f"{dated}-{number}" in set(numbered):
        number += 1
    return f"{dated}-{number}"


@dataclass(frozen=True)
class Stored:
    """What the database holds of an imported story: enough to decide what to do with it."""

    pk: int
    slug: str
    source_hash: str


def _lookup(keys: Iterable[str]) -> dict[str, Stored]:
    rows = Article.objects.filter(source_key__in=list(keys)).values_list(
        "source_key", "pk", "slug", "source_hash"
    )
    return {key: Stored(pk, slug, source_hash) for key, pk, slug, source_hash in rows}


def _decide(story: Story, stored_hash: str | None, *, update: bool) -> Outcome:
    if stored_hash is None:
        return Outcome.CREATED
    if stored_hash == story.source_hash:
        return Outcome.UNCHANGED
    return Outcome.UPDATED if update else Outcome.CHANGED


def _fill(article: Article, story: Story, index: MentionIndex):
    article.title = story.title
    article.standfirst = story.standfirst
    article.body = story.body
    article.published_at = story.published_at
    article.source_name = story.source_name
    article.source_hash = story.source_hash
    return render_article(article, index=index)


def _create(story: Story, *, status: str, index: MentionIndex) -> Article:
    with transaction.atomic():
        article = Article(source_key=story.key, slug=_unique_slug(story), status=status)
        mentions = _fill(article, story, index)
        article.save(force_insert=True)
        set_mentions(article, mentions, is_new=True)
    return article


def _update(story: Story, pk: int, *, index: MentionIndex) -> Article:
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=pk)
        mentions = _fill(article, story, index)
        article.save(update_fields=[*STORY_FIELDS, "updated_at"])
        set_mentions(article, mentions)
    return article


def _apply(
    story: Story, stored: Stored | None, *, update: bool, status: str, index: MentionIndex
) -> ImportResult:
    """Create, update or leave the story, given what the database held when we looked."""
    for attempt in range(3):
        outcome = _decide(story, stored.source_hash if stored else None, update=update)
        try:
            if outcome is Outcome.CREATED:
                article = _create(story, status=status, index=index)
                stored = Stored(article.pk, article.slug, article.source_hash)
            elif outcome is Outcome.UPDATED:
                article = _update(story, stored.pk, index=index)
            break
        except IntegrityError:
            # Another import wrote this story (or took its slug) since we looked: look again.
            if attempt == 2:
                raise
            stored = _lookup([story.key]).get(story.key)
    url = reverse("articles:detail", args=[stored.slug])
    return ImportResult(
        story.source_name, outcome, _describe(outcome, story, url),
        slug=stored.slug, warnings=story.warnings,
    )


def import_story(
    *,
    data: bytes | str,
    source_name: str,
    update: bool = False,
    status: str = Article.Status.PUBLISHED,
    dry_run: bool = False,
    index: MentionIndex | None = None,
) -> ImportResult:
    """Parse one story and write it (unless dry_run). Never raises for a bad file."""
    if dry_run:
        return predict_story(data=data, source_name=source_name, update=update)
    try:
        story = parse_story(data, source_name=source_name)
    except StoryError as error:
        return ImportResult(source_name, Outcome.FAILED, str(error))
    stored = _lookup([story.key]).get(story.key)
    index = index or MentionIndex.from_database()
    return _apply(story, stored, update=update, status=status, index=index)


def predict_story(
    *,
    data: bytes | str,
    source_name: str,
    update: bool = False,
    seen: dict[str, str | None] | None = None,
) -> ImportResult:
    """What import_story would do with this file, writing nothing.

    seen carries the stories earlier files of the same dry run would have written
    (key → hash), so that a story repeated in one batch is predicted as a real run goes.
    """
    try:
        story = parse_story(data, source_name=source_name)
    except StoryError as error:
        return ImportResult(source_name, Outcome.FAILED, str(error))
    stored = _lookup([story.key]).get(story.key)
    return _predict(story, stored, seen={} if seen is None else seen, update=update)


def _predict(
    story: Story, stored: Stored | None, *, seen: dict[str, str | None], update: bool
) -> ImportResult:
    seen.setdefault(story.key, stored.source_hash if stored else None)
    outcome = _decide(story, seen[story.key], update=update)
    if outcome in (Outcome.CREATED, Outcome.UPDATED):
        seen[story.key] = story.source_hash
    return ImportResult(
        story.source_name, outcome, _describe(outcome, story, ""), warnings=story.warnings
    )


def _describe(outcome: Outcome, story: Story, url: str) -> str:
    where = f" → {url}" if url else ""
    if outcome is Outcome.CHANGED:
        return (
            f"{story.source_name}: changed since it was imported; left alone "
            f"(use --update to replace it){where}"
        )
    return f"{story.source_name}: {outcome} “{story.title}”{where}"


@dataclass(frozen=True)
class Source:
    """A story to import: a name for messages, and how to read its bytes."""

    name: str
    path: Path | None = None

    def read(self) -> bytes:
        if self.path is None:
            return sys.stdin.buffer.read()
        limit = settings.FANPORTAL_STORY_MAX_BYTES
        with self.path.open("rb") as handle:
            # One byte over the limit is enough to refuse the file without reading it all.
            return handle.read(limit + 1) if self.path.stat().st_size > limit else handle.read()


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


def import_many(
    sources: Iterable[Source],
    *,
    update: bool = False,
    status: str = Article.Status.PUBLISHED,
    dry_run: bool = False,
    batch_size: int = 500,
) -> Iterator[ImportResult]:
    """Import each source in its own transaction; a bad file never stops the others.

    Files are read and parsed a batch at a time, and the stored hashes of a whole batch come
    in one query, so that re-running an import over unchanged files is mostly reading.
    """
    index = None if dry_run else MentionIndex.from_database()
    seen: dict[str, str | None] = {}
    for batch in itertools.batched(sources, batch_size):
        parsed = [_read_and_parse(source) for source in batch]
        stored = _lookup(story.key for story in parsed if isinstance(story, Story))

        def handle(story: Story | ImportResult) -> ImportResult:
            if isinstance(story, ImportResult):
                return story
            if dry_run:
                return _predict(story, stored.get(story.key), seen=seen, update=update)
            return _apply(story, stored.get(story.key), update=update, status=status, index=index)

        # Cached pages are invalidated once per few dozen stories, not once per story.
        for group in itertools.batched(parsed, INVALIDATE_EVERY):
            with one_bump():
                results = [handle(story) for story in group]
            yield from results


def _read_and_parse(source: Source) -> Story | ImportResult:
    try:
        return parse_story(source.read(), source_name=source.name)
    except OSError as error:
        reason = f"{source.name}: cannot read ({error.strerror})"
        return ImportResult(source.name, Outcome.FAILED, reason)
    except StoryError as error:
        return ImportResult(source.name, Outcome.FAILED, str(error))


@dataclass(frozen=True)
class Upload(Source):
    """A story that arrived as an uploaded file (the admin's import page)."""

    file: Any = None

    def read(self) -> bytes:
        # One byte over the limit is enough to refuse the file without reading it all.
        return self.file.read(settings.FANPORTAL_STORY_MAX_BYTES + 1)


def import_uploads(files: Iterable[Any], **options: Any) -> list[ImportResult]:
    """Import uploaded files (Django UploadedFile objects); only *.txt files are stories."""
    results: list[ImportResult] = []
    stories: list[Source] = []
    for file in files:
        if file.name.lower().endswith(".txt"):
            stories.append(Upload(file.name, file=file))
        else:
            reason = f"{file.name}: not a .txt story file"
            results.append(ImportResult(file.name, Outcome.FAILED, reason))
    return results + list(import_many(stories, **options))
