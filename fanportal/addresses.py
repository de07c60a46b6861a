"""The site's addresses without reverse() on every link.

reverse() costs about 20 µs a call, and an article page linked thirty things through it
(0.6 ms). The fixed addresses are reversed once per script prefix (which reverse() reads),
and the addresses of one slug are filled into their pattern's address, reversed once. Static
files' addresses are looked up once per process, and absolute addresses for a request are
made from its origin, checked once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from django.http import HttpRequest
from django.templatetags.static import static
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


@cache
def static_url(path: str) -> str:
    """A static file's address: the manifest of hashed names does not change while the
    process runs, and looking it up cost 20 µs each time."""
    return static(path)


def absolute_for(request: HttpRequest) -> Callable[[str], str]:
    """request.build_absolute_uri for the many links of a page's structured data, with the
    host read and checked once instead of for every link."""
    origin = request.build_absolute_uri("/")[:-1]

    def absolute(location: str) -> str:
        if "://" in location:
            return location
        if location.startswith("//"):  # a storage on another host, scheme-relative
            return f"{request.scheme}:{location}"
        return origin + location

    return absolute
