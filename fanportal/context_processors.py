from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

# The site's fixed addresses, by the name templates use for them.
LINKS = {
    "home": "home",
    "news": "articles:list",
    "squad": "players:squad",
    "trophies": "trophies:cabinet",
    "matches": "matches:list",
    "table": "matches:tables",
    "calendar": "matches:calendar",
    "search": "search",
    "feed": "feed",
    "feed_atom": "feed-atom",
    "newsroom": "admin:index",
}


def club(request: HttpRequest) -> dict[str, str]:
    """The club's name and colours, for the header, footer and structured data."""
    return {
        "club_name": settings.FANPORTAL_CLUB_NAME,
        "club_short_name": settings.FANPORTAL_CLUB_SHORT_NAME,
        "club_primary": settings.FANPORTAL_CLUB_PRIMARY,
        "club_accent": settings.FANPORTAL_CLUB_ACCENT,
        "site_name": settings.FANPORTAL_SITE_NAME,
        "club_style": settings.FANPORTAL_CLUB_STYLE,
    }


def links(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The fixed addresses of the header, footer and page links."""
    return {"links": {key: reverse(name) for key, name in LINKS.items()}}
