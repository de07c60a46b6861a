from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse


def club(request: HttpRequest) -> dict[str, str]:
    """The club's name and colours, for the header, footer and structured data."""
    return {
        "club_name": settings.FANPORTAL_CLUB_NAME,
        "club_short_name": settings.FANPORTAL_CLUB_SHORT_NAME,
        "club_primary": settings.FANPORTAL_CLUB_PRIMARY,
        "club_accent": settings.FANPORTAL_CLUB_ACCENT,
        "site_name": settings.FANPORTAL_SITE_NAME,
    }


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


@cache
def _links(script_prefix: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in LINKS.items()}


def links(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The fixed addresses of the header, footer and page links, reversed once per process
    (and script prefix, which reverse() reads) instead of by a dozen {% url %} tags on every
    page: they were half of the base layout's rendering time (0.2 ms a page)."""
    return {"links": _links(get_script_prefix())}
