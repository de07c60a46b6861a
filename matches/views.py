"""The public match pages: fixtures and results, one match, a league table, the calendar
feed. Each view asks `matches.pages` for its page in a fixed number of queries."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from matches import pages
from matches.calendar import club_calendar
from matches.models import Match
from matches.structured_data import sports_event

# The query parameters of /matches/: one value each, a slug.
FILTERS = ("season", "competition")


def one_value(request: HttpRequest, name: str) -> str | None:
    """A filter's value; a repeated or empty parameter is a page that does not exist."""
    values = request.GET.getlist(name)
    if not values:
        return None
    if len(values) > 1 or not values[0]:
        raise Http404(f"Give one {name}.")
    return values[0]


def match_list(request: HttpRequest) -> HttpResponse:
    try:
        listing = pages.match_list(
            season=one_value(request, "season"), competition=one_value(request, "competition")
        )
    except pages.UnknownChoice as unknown:
        raise Http404(f"No matches for {unknown}.") from None
    calendar = reverse("matches:calendar")
    return render(
        request,
        "matches/match_list.html",
        {
            "listing": listing,
            "calendar_url": calendar,
            "webcal_url": f"webcal://{request.get_host()}{calendar}",
        },
    )


def match_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = pages.match_page(slug)
    if page is None:
        raise Http404("No such match.")
    return render(
        request,
        "matches/match_detail.html",
        {
            "page": page,
            "match": page.match,
            "structured_data": {
                "@context": "https://schema.org",
                **sports_event(page.match, request.build_absolute_uri),
            },
        },
    )


def table(request: HttpRequest, competition: str, season: str) -> HttpResponse:
    page = pages.table_page(competition, season)
    if page is None:
        raise Http404("No such table.")
    return render(request, "matches/table.html", {"page": page, "season": page.season})


def latest_table(request: HttpRequest) -> HttpResponse:
    """/tables/: the table the club is playing in now (the header's "Table" link)."""
    season = pages.latest_club_table()
    if season is None:
        raise Http404("No tables yet.")
    return HttpResponseRedirect(season.get_absolute_url())


def calendar(request: HttpRequest) -> HttpResponse:
    matches = Match.objects.for_listing().of_club().order_by("kickoff", "pk")
    body = club_calendar(
        matches,
        name=f"{settings.FANPORTAL_CLUB_NAME} fixtures",
        # The host the feed is served on: a site served on one name gives every match one
        # UID for life, which is what a subscribed calendar needs.
        domain=settings.FANPORTAL_SITE_DOMAIN,
        absolute=request.build_absolute_uri,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="fixtures.ics"'
    return response
