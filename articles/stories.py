"""Story files, parsed: text in, a `Story` out, no database and no files.

A story file::

    date 2024-02-26 Headline of the story

    Optional standfirst: one short line without closing punctuation

    First paragraph of the body.

    Second paragraph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.text import slugify

STANDFIRST_MAX = 200
TITLE_MAX = 255
SLUG_MAX = 200
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
    warning = f"{source_name}:{line}: not valid UTF-8 (byte 0x{bad_byte:02X}); read as Windows-1252"
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
    warnings: tuple[str, ...]
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
            f'date "{raw_date}" is not in the form YYYY-MM-DD'
            if raw_date
            else 'no date after "date"',
            line_number,
        )
    try:
        published_on = dt.date.fromisoformat(raw_date)
    except ValueError as error:
        raise StoryError(
            source_name, f"impossible date {raw_date} ({error})", line_number
        ) from None
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
