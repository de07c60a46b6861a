"""Finding a team (or a competition) by the name a data source gives it.

Sources spell teams their own way: openfootball writes "Brighton & Hove Albion FC" and
"Nottingham Forest FC", football-data.co.uk "Brighton" and "Nott'm Forest", stories "Spurs".
A team is found by its name, its short name or any alias, ignoring case, accents and
punctuation ("Nott'm Forest" = "Nottm Forest", "&" = "and"), and then, failing that, with
the words "FC" and "AFC" left out ("Brighton & Hove Albion FC" = "Brighton and Hove Albion").
A name two teams claim finds neither: a guess would file a result under the wrong team.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_PUNCTUATION = re.compile(r"[^\w\s]")
_NOISE_WORDS = frozenset({"fc", "afc"})


@functools.lru_cache(maxsize=4096)
def fold_name(name: str) -> str:
    """ "Nott'm Forest" → "nottm forest", "Brighton & Hove Albion FC" → "brighton and hove
    albion fc", "Atlético" → "atletico": what two spellings of one name have in common."""
    decomposed = unicodedata.normalize("NFKD", name.replace("&", " and "))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    # Apostrophes and full stops join ("nott'm", "st."); other punctuation separates words.
    plain = re.sub(r"['\u2018\u2019\u02bc.]", "", plain)
    plain = _PUNCTUATION.sub(" ", plain).replace("_", " ")
    return " ".join(plain.split())


def core_name(name: str) -> str:
    """The folded name without "FC" and "AFC": "AFC Bournemouth" → "bournemouth"."""
    return " ".join(word for word in fold_name(name).split() if word not in _NOISE_WORDS)


def names_of(item: object) -> list[str]:
    """Every name the item (a model with `name` and `aliases`, one a line) goes by: its
    name, its short name if it has one, its aliases."""
    names = [getattr(item, "name", ""), getattr(item, "short_name", "")]
    names += [line.strip() for line in getattr(item, "aliases", "").splitlines()]
    return [name for name in names if name]


@dataclass(frozen=True)
class Found[T]:
    """What a name finds: the item, or None with the items that claim it (ambiguous) or the
    nearest one by spelling (unknown)."""

    item: T | None
    claimed_by: tuple[T, ...] = ()
    closest: T | None = None


class NameIndex[T]:
    """Items (teams, competitions) by every name they go by, folded."""

    def __init__(self, items: Iterable[T]) -> None:
        self._exact: dict[str, list[T]] = {}
        self._core: dict[str, list[T]] = {}
        self._items: list[T] = []
        for item in items:
            self.add(item)

    def add(self, item: T) -> None:
        self._items.append(item)
        for name in names_of(item):
            for index, key in ((self._exact, fold_name(name)), (self._core, core_name(name))):
                claims = index.setdefault(key, [])
                if all(other is not item for other in claims):
                    claims.append(item)

    def find(self, name: str) -> Found[T]:
        for index, key in ((self._exact, fold_name(name)), (self._core, core_name(name))):
            claims = index.get(key, [])
            if len(claims) == 1:
                return Found(claims[0])
            if len(claims) > 1:
                return Found(None, claimed_by=tuple(claims))
        return Found(None, closest=self.closest(name))

    def closest(self, name: str) -> T | None:
        """The item whose name (or alias) is spelt most like `name`, if any is near."""
        wanted = core_name(name)
        best, best_ratio = None, 0.6
        for item in self._items:
            for candidate in names_of(item):
                ratio = difflib.SequenceMatcher(None, wanted, core_name(candidate)).ratio()
                if ratio > best_ratio:
                    best, best_ratio = item, ratio
        return best
