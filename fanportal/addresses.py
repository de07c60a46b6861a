"""The site's addresses without reverse() on every link.

reverse() costs about 20 µs a call, and an article page linked thirty things through it
(0.6 ms). The fixed addresses are reversed once per script prefix (which reverse() reads),
and the addresses of one slug are filled into their pattern's address, reversed once.
"""

from __future__ import annotations

import re
from functools import cache

from django.urls import get_script_prefix, reverse

# The site's fixed addresses, by the name templates use for them.
LINKS = {
    "home": "home",
    "news": "articles:list",
    "squad": "players:squad",
    "trophies": "trophies:cabinet",
    "search": "search",
    "feed": "feed",
    "feed_atom": "feed-atom",
    "newsroom": "admin:index",
}
_MARK = "slug-mark"
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@cache
def _links(script_prefix: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in LINKS.items()}


def site_links() -> dict[str, str]:
    return _links(get_script_prefix())


@cache
def _pattern(name: str, script_prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_MARK]).partition(_MARK)
    return head, tail


def slug_url(name: str, slug: str) -> str:
    """reverse(name, args=[slug]) for a URL pattern whose one argument is a <slug:...>."""
    if not _SLUG.fullmatch(slug):
        return reverse(name, args=[slug])  # raises NoReverseMatch as reverse() would
    head, tail = _pattern(name, get_script_prefix())
    return f"{head}{slug}{tail}"
