"""Find the players and trophies a text mentions, and link their first mentions; find the
club match a story is about from the teams it names and its date.

Matching is on whole words, ignores case and accents and treats hyphens as spaces, so
"Caoimhin" finds "Caoimhín" and "Trent-Alexander Arnold" finds "Trent Alexander-Arnold".
Of the names that could match at one place the longest wins ("English League Cup" before
"League Cup"). An alias claimed by two people or trophies is ambiguous and matches neither.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Literal

from django.utils import timezone

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
    """Every name and alias of the given targets, compiled into one pattern; and, in
    `matches`, what finds the club match a story is about."""

    def __init__(
        self,
        entries: Iterable[tuple[Target, Iterable[str]]],
        *,
        matches: MatchIndex | Callable[[], MatchIndex] | None = None,
    ) -> None:
        self._matches = matches
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

    @functools.cached_property
    def matches(self) -> MatchIndex:
        """The teams and club matches (MatchIndex), read from the database on first use
        unless given: an index only used to look at stories (an import of unchanged files)
        reads none of them, and every save that shares the index reads them once."""
        if isinstance(self._matches, MatchIndex):
            return self._matches
        return (self._matches or MatchIndex.from_database)()

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


# Finding the match a story is about. A story names the opponent and is dated (in the club's
# time zone) from PREVIEW_DAYS before the match day to REPORT_DAYS after it.
PREVIEW_DAYS = 7
REPORT_DAYS = 2
Role = Literal["preview", "report"]


def club_day(moment: dt.datetime) -> dt.date:
    """The day `moment` falls on in the club's time zone (what "dated on" means here)."""
    return timezone.localtime(moment).date()  # the club's time zone is the site's


def window_of(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From when to when (exclusive) a story must be published to be a preview or a report
    of a match played on `day`: midnight PREVIEW_DAYS before to midnight after REPORT_DAYS
    after, club time (a day of a clock change is 23 or 25 hours long, and so is its share)."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day - dt.timedelta(days=PREVIEW_DAYS), dt.time(), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=REPORT_DAYS + 1), dt.time(), zone)
    return start, end


@dataclass(frozen=True)
class ClubMatch:
    """A match of the club, as the finder needs it: whom against and on which day."""

    pk: int
    opponent: int  # the other team's pk
    day: dt.date  # the match day in the club's time zone
    kickoff: dt.datetime


@dataclass(frozen=True)
class FoundMatch:
    pk: int
    role: Role


class MatchIndex:
    """The names of every team (a team's name, short name and aliases, matched like players'
    names but in an index of their own, so that a team's name never shadows a person's or a
    trophy's and is never linked in the text: teams have no page) and the club's matches by
    opponent.

    `find()` gives the match a story is about: a match of the club against a team the story
    names (the club's own names do not count) whose day, in club time, is up to REPORT_DAYS
    before the story's day (its report) or up to PREVIEW_DAYS after it (its preview). Of
    several, the nearest day wins; at equal distance the match already played (the report),
    then the earlier kickoff. One match at most: a story about two matches is rare, and an
    editor picks the second.
    """

    def __init__(
        self,
        teams: Iterable[tuple[int, Iterable[str]]] = (),
        *,
        club: int | None = None,
        matches: Iterable[ClubMatch] = (),
    ) -> None:
        self.club = club
        # The club's names are in the index, so that a longer name of the club wins over an
        # opponent's name inside it, and are then left out of the opponents found.
        self.names = MentionIndex([(Target("team", pk, ""), names) for pk, names in teams])
        self.by_opponent: dict[int, list[ClubMatch]] = {}
        for match in matches:
            self.by_opponent.setdefault(match.opponent, []).append(match)

    @classmethod
    def from_database(cls) -> MatchIndex:
        """Every team and every match of the club (two queries)."""
        from matches.models import Match, Team

        teams = list(Team.objects.only("name", "short_name", "aliases", "is_club"))
        club = next((team.pk for team in teams if team.is_club), None)
        rows = Match.objects.of_club().values_list("pk", "home_id", "away_id", "kickoff")
        return cls(
            [(team.pk, [*team.names, team.short_name]) for team in teams],
            club=club,
            matches=(
                ClubMatch(pk, away if home == club else home, club_day(kickoff), kickoff)
                for pk, home, away, kickoff in rows
                if club in (home, away)
            ),
        )

    def opponents(self, *texts: str) -> set[int]:
        """The teams other than the club that the texts name."""
        found = {mention.target.pk for text in texts for mention in self.names.find(text)}
        if self.club is not None:
            found.discard(self.club)
        return found

    def find(self, *texts: str, published_at: dt.datetime) -> FoundMatch | None:
        """The club match a story with these texts, published then, is about, if any."""
        day = club_day(published_at)
        candidates = []
        for opponent in self.opponents(*texts):
            for match in self.by_opponent.get(opponent, ()):
                after = (day - match.day).days  # days from the match to the story
                if -PREVIEW_DAYS <= after <= REPORT_DAYS:
                    candidates.append((abs(after), after < 0, match.kickoff, match.pk))
        if not candidates:
            return None
        _, before, _, pk = min(candidates)
        return FoundMatch(pk, "preview" if before else "report")


_TAG_SPLIT = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z0-9]+)")
_NO_LINK_INSIDE = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
