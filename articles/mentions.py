"""Find the players and trophies a text mentions, and link their first mentions.

Matching is on whole words, ignores case and accents and treats hyphens as spaces, so
"Caoimhin" finds "Caoimhín" and "Trent-Alexander Arnold" finds "Trent Alexander-Arnold".
Of the names that could match at one place the longest wins ("English League Cup" before
"League Cup"). An alias claimed by two people or trophies is ambiguous and matches neither.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_APOSTROPHES = "\u2019\u2018\u02bc"


@dataclass(frozen=True)
class Target:
    """Something a text can mention: a player (or staff member) or a trophy."""

    kind: str  # "player" or "trophy"
    pk: int
    url: str


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    target: Target


@dataclass
class Mentions:
    player_ids: set[int] = field(default_factory=set)
    trophy_ids: set[int] = field(default_factory=set)

    def add(self, target: Target) -> None:
        (self.player_ids if target.kind == "player" else self.trophy_ids).add(target.pk)

    def __or__(self, other: Mentions) -> Mentions:
        return Mentions(self.player_ids | other.player_ids, self.trophy_ids | other.trophy_ids)


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _HYPHENS:
        return " "
    if char in _APOSTROPHES:
        return "'"
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower() or char


def fold(text: str) -> tuple[str, list[int] | None]:
    """Text with case, accents and hyphens folded away, and where each folded char came from.

    The position map is None when folding kept every character in place (the common case),
    so that matches on the folded text index the original directly.
    """
    if text.isascii():
        return text.lower().replace("-", " "), None
    pieces = [_fold_char(char) for char in text]
    if all(len(piece) == 1 for piece in pieces):
        return "".join(pieces), None
    positions = [index for index, piece in enumerate(pieces) for _ in piece]
    return "".join(pieces), positions


def _normalise_name(name: str) -> str:
    return " ".join(fold(name)[0].split())


class MentionIndex:
    """Every name and alias of the given targets, compiled into one pattern."""

    def __init__(self, entries: Iterable[tuple[Target, Iterable[str]]]) -> None:
        claims: dict[str, set[Target]] = {}
        for target, names in entries:
            for name in names:
                normalised = _normalise_name(name)
                if normalised:
                    claims.setdefault(normalised, set()).add(target)
        self._targets = {name: next(iter(ts)) for name, ts in claims.items() if len(ts) == 1}
        alternatives = sorted(self._targets, key=lambda name: (-len(name), name))
        if alternatives:
            body = "|".join(r"\s+".join(map(re.escape, name.split())) for name in alternatives)
            self._pattern: re.Pattern[str] | None = re.compile(rf"(?<!\w)(?:{body})(?!\w)")
        else:
            self._pattern = None

    @classmethod
    def from_database(cls) -> MentionIndex:
        """The index of every player, staff member and trophy (two queries)."""
        from players.models import Player
        from trophies.models import Trophy

        players = Player.objects.only("name", "slug", "aliases")
        trophies = Trophy.objects.only("name", "slug", "aliases")
        return cls(
            [(Target("player", p.pk, p.get_absolute_url()), p.names) for p in players]
            + [(Target("trophy", t.pk, t.get_absolute_url()), t.names) for t in trophies]
        )

    def find(self, text: str) -> list[Match]:
        """Every mention in text, in order, with positions in the original text."""
        if self._pattern is None or not text:
            return []
        folded, positions = fold(text)
        matches = []
        for found in self._pattern.finditer(folded):
            target = self._targets[" ".join(found.group().split())]
            start, end = found.span()
            if positions is not None:
                start, end = positions[start], positions[end - 1] + 1
            matches.append(Match(start, end, target))
        return matches

    def mentions(self, *texts: str) -> Mentions:
        found = Mentions()
        for text in texts:
            for match in self.find(text):
                found.add(match.target)
        return found

    def link_first_mentions(self, html: str) -> tuple[str, Mentions]:
        """Link the first mention of each target in html's text; return it with every mention.

        html must be well-formed (the sanitiser's output). Tags are never touched, and text
        inside links, code and headings is searched but not linked.
        """
        found = Mentions()
        linked: set[Target] = set()
        out: list[str] = []
        skip_depth = 0
        for piece in _TAG_SPLIT.split(html):
            if piece.startswith("<"):
                tag = _TAG_NAME.match(piece)
                if tag and tag.group(2).lower() in _NO_LINK_INSIDE:
                    skip_depth += -1 if tag.group(1) else 1
                out.append(piece)
                continue
            cursor = 0
            for match in self.find(piece):
                found.add(match.target)
                if skip_depth or match.target in linked:
                    continue
                linked.add(match.target)
                out.append(piece[cursor : match.start])
                out.append(
                    f'<a class="mention mention-{match.target.kind}" '
                    f'href="{escape(match.target.url)}">{piece[match.start : match.end]}</a>'
                )
                cursor = match.end
            out.append(piece[cursor:])
        return "".join(out), found


_TAG_SPLIT = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z0-9]+)")
_NO_LINK_INSIDE = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
