from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from fanportal.addresses import site_links


def club(request: HttpRequest) -> dict[str, str]:
    """The club's name and colours, for the header, footer and structured data."""
    return {
        "club_name": settings.FANPORTAL_CLUB_NAME,
        "club_short_name": settings.FANPORTAL_CLUB_SHORT_NAME,
        "club_primary": settings.FANPORTAL_CLUB_PRIMARY,
        "club_accent": settings.FANPORTAL_CLUB_ACCENT,
        "site_name": settings.FANPORTAL_SITE_NAME,
    }


def links(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The fixed addresses of the header, footer and page links, reversed once per process
    (and script prefix, which reverse() reads) instead of a dozen times on every page."""
    return {"links": site_links()}
