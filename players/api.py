"""/api/players: the squad and staff, public."""

from typing import Any, Literal

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router
from ninja.pagination import paginate

from apikit import SLUG_PATTERN, Pagination, QueryBool, last_modified, responses
from players.models import Player, PlayerQuerySet
from players.schemas import PlayerListOut, PlayerOut

router = Router(tags=["players"])
RECENT_ARTICLES = 10


@router.get(
    "",
    response=responses({200: list[PlayerListOut]}, 422),
    summary="List players and staff, by shirt number",
)
@paginate(Pagination)
def list_players(
    request: HttpRequest,
    current: QueryBool | None = Query(
        None, description="Only people in (or out of) today's squad."
    ),
    kind: Literal["player", "manager", "coach"] | None = Query(None),
    position: Literal["goalkeeper", "defender", "midfielder", "forward"] | None = Query(None),
) -> PlayerQuerySet:
    people = Player.objects.for_listing().order_by(F("shirt_number").asc(nulls_last=True), "name")
    if current is not None:
        people = people.filter(is_current=current)
    if kind:
        people = people.filter(kind=kind)
    if position:
        people = people.filter(position=position)
    return people


@router.get(
    "/{slug}",
    response=responses({200: PlayerOut}, 404, 422),
    summary="One player or staff member, with honours and recent articles",
)
def get_player(
    request: HttpRequest, response: HttpResponse, slug: str = Path(..., pattern=SLUG_PATTERN)
) -> dict[str, Any]:
    player = get_object_or_404(Player, slug=slug)
    last_modified(response, player.updated_at)
    # Through reverse relations: this app imports nothing from the apps that point at it.
    honours = player.honours.model.objects.for_player(player).order_by("-season")
    articles = player.articles.for_listing()[:RECENT_ARTICLES]
    summary = PlayerListOut.model_validate(player, context={"request": request})
    return {
        **summary.model_dump(),
        "date_of_birth": player.date_of_birth,
        "bio": player.bio,
        "aliases": player.names[1:],
        "honours": [
            {
                "trophy": h.trophy.name,
                "trophy_slug": h.trophy.slug,
                "season": h.season,
                "captain": h.captain_id == player.pk,
            }
            for h in honours
        ],
        "recent_articles": [
            {
                "slug": a.slug,
                "title": a.title,
                "published_at": a.published_at,
                "url": request.build_absolute_uri(a.get_absolute_url()),
            }
            for a in articles
        ],
    }
