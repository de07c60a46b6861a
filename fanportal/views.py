from __future__ import annotations

import sys

from django.db import connection
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from articles.models import Article
from matches.pages import home_matches
from players.models import Player
from players.structured_data import team
from trophies.models import Trophy

HOME_LATEST = 7


def home(request: HttpRequest) -> HttpResponse:
    articles = list(Article.objects.for_listing()[:HOME_LATEST])
    trophies = list(Trophy.objects.cabinet())
    awards = [
        f"{trophy.name} ({trophy.honour_count})" for trophy in trophies if trophy.honour_count
    ]
    return render(
        request,
        "home.html",
        {
            "lead": articles[0] if articles else None,
            "latest": articles[1:],
            "squad": Player.objects.squad().cards(),
            "trophies": trophies,
            "matches": home_matches(),
            "structured_data": {
                "@context": "https://schema.org",
                **team(request.build_absolute_uri, award=awards),
            },
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return HttpResponsePermanentRedirect(static("img/crest.svg"))


def robots_txt(request: HttpRequest) -> HttpResponse:
    return render(request, "robots.txt", content_type="text/plain")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a friendly page; 503 with Retry-After when the database is unreachable.

    Called while the exception is being handled, from the view or any middleware, so it can
    tell an outage from a bug. Its templates touch no database.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)) and "locked" not in str(error):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
