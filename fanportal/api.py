"""The JSON API: one NinjaAPI, a router per app. Docs at /api/docs, schema at
/api/openapi.json. Reads are public and throttled per client address; writes need a token
and are throttled per token."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from apikit import StrictAPI
from articles.api import router as articles_router
from articles.api import stories as stories_router
from matches.api import router as matches_router
from matches.api import tables as tables_router
from players.api import router as players_router
from trophies.api import router as trophies_router


class ReadableJSON(JSONRenderer):
    # Names like “Caoimhín” and “2023–24” come out as themselves, not as \u escapes.
    json_dumps_params = {"ensure_ascii": False}


# StrictAPI: a parameter given twice is a 422 in every operation of every router.
api = StrictAPI(
    renderer=ReadableJSON(),
    title=f"{settings.FANPORTAL_SITE_NAME} API",
    version="1.0",
    description=(
        f"News, squad, honours, fixtures, results and league tables of "
        f"{settings.FANPORTAL_CLUB_NAME}. Reads need nothing; "
        "writes need `Authorization: Bearer <token>` (tokens come from the admin or "
        "`manage.py create_api_token USERNAME`) and act with that user's permissions. "
        "Lists take `limit` (at most 100) and `offset`. Times are RFC 3339 with an offset "
        "(answers give UTC). A parameter given twice is a 422. "
        'Errors come as `{"detail": …}`.'
    ),
    urls_namespace="api",
    throttle=[
        AnonRateThrottle(settings.FANPORTAL_API_ANON_RATE),
        AuthRateThrottle(settings.FANPORTAL_API_TOKEN_RATE),
    ],
)
api.add_router("/articles", articles_router)
api.add_router("/stories", stories_router)
api.add_router("/players", players_router)
api.add_router("/trophies", trophies_router)
api.add_router("/matches", matches_router)
api.add_router("/tables", tables_router)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return api.create_response(
        request, {"detail": f"The request body is larger than {limit} MB."}, status=413
    )
