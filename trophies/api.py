"""/api/trophies: the trophy cabinet, public."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Path, Router
from ninja.pagination import paginate

from apikit import SLUG_PATTERN, Pagination, last_modified, responses
from trophies.models import Trophy, TrophyQuerySet
from trophies.schemas import TrophyListOut, TrophyOut

router = Router(tags=["trophies"])


@router.get(
    "",
    response=responses({200: list[TrophyListOut]}, 422),
    summary="The trophy cabinet: every trophy with its number of wins",
)
@paginate(Pagination)
def list_trophies(request: HttpRequest) -> TrophyQuerySet:
    return Trophy.objects.cabinet()


@router.get(
    "/{slug}",
    response=responses({200: TrophyOut}, 404, 422),
    summary="One trophy with every win: season, final, score, captain",
)
def get_trophy(
    request: HttpRequest, response: HttpResponse, slug: str = Path(..., pattern=SLUG_PATTERN)
) -> Trophy:
    trophy = get_object_or_404(Trophy.objects.for_detail(), slug=slug)
    last_modified(response, trophy.updated_at)
    return trophy
