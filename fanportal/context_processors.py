from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def club(request: HttpRequest) -> dict[str, str]:
    """The club's name and colours, for the header, footer and structured data."""
    return {
        "club_name": settings.FANPORTAL_CLUB_NAME,
        "club_short_name": settings.FANPORTAL_CLUB_SHORT_NAME,
        "club_primary": settings.FANPORTAL_CLUB_PRIMARY,
        "club_accent": settings.FANPORTAL_CLUB_ACCENT,
        "site_name": settings.FANPORTAL_SITE_NAME,
    }
