"""A readable difference between two snapshots: the fields that changed, words added and
removed in long text, items added to and removed from lists. Pure functions, no database."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# A word with its trailing space kept, so that joining the pieces gives the text back.
_WORDS = re.compile(r"\S+\s*|\s+")
_PARAGRAPHS = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Change:
    """One field that differs: its label and the difference as HTML (<del>, <ins>)."""

    field: str
    label: str
    html: SafeString


def words(before: str, after: str) -> SafeString:
    """`after` against `before`, word by word: removed words in <del>, added ones in <ins>."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    pieces: list[SafeString] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(format_html("{}", "".join(old[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(format_html("<del>{}</del>", "".join(old[a1:a2])))
        if b2 > b1:
            pieces.append(format_html("<ins>{}</ins>", "".join(new[b1:b2])))
    return mark_safe("".join(pieces))  # every piece was escaped by format_html


def paragraphs(before: str, after: str, *, context: int = 1) -> SafeString:
    """Long text (a story's body) paragraph by paragraph: changed paragraphs word by word,
    `context` unchanged ones around them, and a count of the unchanged ones left out."""
    old = [p.strip() for p in _PARAGRAPHS.split(before.strip())] if before.strip() else []
    new = [p.strip() for p in _PARAGRAPHS.split(after.strip())] if after.strip() else []
    blocks: list[SafeString] = []
    shown = 0
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    # Counted first: get_grouped_opcodes trims the matcher's own list of opcodes.
    equal = sum(a2 - a1 for op, a1, a2, _, _ in matcher.get_opcodes() if op == "equal")
    for group in matcher.get_grouped_opcodes(context):
        for op, a1, a2, b1, b2 in group:
            if op == "equal":
                shown += a2 - a1
                blocks.extend(format_html("<p>{}</p>", text) for text in old[a1:a2])
            elif op == "replace" and a2 - a1 == b2 - b1:
                blocks.extend(
                    format_html("<p>{}</p>", words(o, n))
                    for o, n in zip(old[a1:a2], new[b1:b2], strict=True)
                )
            else:
                blocks.extend(format_html("<p><del>{}</del></p>", text) for text in old[a1:a2])
                blocks.extend(format_html("<p><ins>{}</ins></p>", text) for text in new[b1:b2])
    if unchanged := equal - shown:
        blocks.append(
            format_html(
                '<p class="revision-unchanged">{} unchanged paragraph{}</p>',
                unchanged,
                "" if unchanged == 1 else "s",
            )
        )
    return mark_safe("".join(blocks))


def items(before: Sequence[Any], after: Sequence[Any], names: Mapping[Any, str]) -> SafeString:
    """A list's difference: what was added and what was removed, by name."""

    def named(values: Sequence[Any]) -> list[str]:
        return sorted(
            names.get(value, value if isinstance(value, str) else f"#{value}") for value in values
        )

    added = named([value for value in after if value not in before])
    removed = named([value for value in before if value not in after])
    parts = []
    if added:
        parts.append(
            format_html("added {}", format_html_join(", ", "<ins>{}</ins>", ((n,) for n in added)))
        )
    if removed:
        parts.append(
            format_html(
                "removed {}", format_html_join(", ", "<del>{}</del>", ((n,) for n in removed))
            )
        )
    return mark_safe("; ".join(parts))


def value(before: Any, after: Any) -> SafeString:
    def shown(v: Any) -> str:
        return "(empty)" if v in (None, "") else str(v)

    return format_html("<del>{}</del> → <ins>{}</ins>", shown(before), shown(after))


def similar(before: str, after: str) -> bool:
    """Whether two lines are one text edited (shown word by word) rather than one text
    replaced by another (shown whole, old then new)."""
    old, new = before.split(), after.split()
    return len(old) > 3 and difflib.SequenceMatcher(a=old, b=new).ratio() >= 0.6


def compare(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    labels: Mapping[str, str],
    long_text: Sequence[str] = (),
    lines: Sequence[str] = (),
    names: Mapping[str, Mapping[Any, str]] | None = None,
    formats: Mapping[str, Callable[[Any], str]] | None = None,
) -> list[Change]:
    """The fields in `labels` (in its order) whose values differ between two snapshots.
    `long_text` fields are diffed paragraph by paragraph, `lines` fields (aliases, one a
    line) as lists; `names` names the ids that lists hold, by field; `formats` shows a
    field's values."""
    names = names or {}
    formats = formats or {}
    changes = []
    for field, label in labels.items():
        old, new = before.get(field), after.get(field)
        if field in lines:
            old, new = str(old or "").splitlines(), str(new or "").splitlines()
        if isinstance(old, list) or isinstance(new, list):
            old, new = sorted(old or [], key=str), sorted(new or [], key=str)
        if old == new:
            continue
        if field in formats:
            html = value(formats[field](old), formats[field](new))
        elif field in long_text:
            html = paragraphs(str(old or ""), str(new or ""))
        elif isinstance(old, list):
            html = items(old, new or [], names.get(field, {}))
        elif isinstance(old, str) and isinstance(new, str) and similar(old, new):
            html = words(old, new)
        else:
            html = value(old, new)
        changes.append(Change(field, label, html))
    return changes


def summary(changes: Sequence[Change]) -> str:
    """ "Changed the title and the body": what a list of revisions says about one."""
    if not changes:
        return "No changes"
    labels = [change.label.lower() for change in changes]
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return f"Changed {listed}"
