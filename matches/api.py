"""/api/matches and /api/tables: fixtures, results and league tables, public.

Tables are read as `matches.services.recompute_table` stored them; nothing here computes
standings. This app imports nothing of the articles app: a match's reports come through the
articles' reverse relation (`match.articles`, the articles' own queryset with `published()`).
"""

import datetime as dt
from typing import Any, Literal

from django.db.models import F, Q, QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Path, Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from apikit import SLUG_PATTERN, Pagination, Slug, StrictDateTime, aware, last_modified, responses
from matches.models import (
    Competition,
    Match,
    MatchQuerySet,
    Season,
    TableRow,
    Team,
)
from matches.schemas import MatchListOut, MatchOut, MatchStatus, TableOut

router = Router(tags=["matches"])
tables = Router(tags=["tables"])


def _chosen(
    *, competition: str | None, season: str | None, team: str | None
) -> dict[str, list[tuple[int, str]]]:
    """The rows the filters' slugs name, as (pk, name) by filter, in one query whatever the
    number of filters (a union), so that a filtered list stays within three queries. A
    season's slug ("2023-24") names one season of each competition that has it."""
    parts: list[QuerySet[Any]] = []
    if competition:
        parts.append(Competition.objects.filter(slug=competition))
    if season:
        seasons = Season.objects.filter(slug=season)
        parts.append(seasons.filter(competition__slug=competition) if competition else seasons)
    if team:
        parts.append(Team.objects.filter(slug=team))
    if not parts:
        return {}
    # Each part is "pk, name, which filter": the same columns, so the parts make one union.
    named = [
        part.order_by().annotate(filter_name=Value(part.model.__name__.lower()), label=F("name"))
        for part in parts
    ]
    rows = named[0].values_list("pk", "label", "filter_name")
    if len(named) > 1:
        others = (part.values_list("pk", "label", "filter_name") for part in named[1:])
        # A union takes the first model's default ordering, on columns it does not select.
        rows = rows.union(*others).order_by()
    found: dict[str, list[tuple[int, str]]] = {}
    for pk, label, filter_name in rows:
        found.setdefault(filter_name, []).append((pk, label))
    return found


@router.get(
    "",
    response=responses({200: list[MatchListOut]}, 404, 422),
    summary="List matches by kickoff, earliest first",
    description=(
        "Every match of every competition the portal follows, fixtures and results alike, "
        "in kickoff order (earliest first; `order=-kickoff` for the latest first). Kickoff "
        "times are in UTC. `from` and `to` bound the kickoff: from ≤ kickoff < to. A "
        "competition, season or team that does not exist is a 404."
    ),
)
@paginate(Pagination)
def list_matches(
    request: HttpRequest,
    competition: Slug | None = Query(
        None, description="Only this competition's matches (slug).", example="premier-league"
    ),
    season: Slug | None = Query(
        None,
        description="Only matches of this season (slug), of any competition.",
        example="2023-24",
    ),
    team: Slug | None = Query(
        None, description="Only this team's matches, home or away (slug).", example="liverpool"
    ),
    status: MatchStatus | None = Query(None, description="Only matches with this status."),
    kickoff_from: StrictDateTime | None = Query(
        None, alias="from", description="Only matches kicking off at or after this time."
    ),
    kickoff_to: StrictDateTime | None = Query(
        None, alias="to", description="Only matches kicking off before this time."
    ),
    order: Literal["kickoff", "-kickoff"] = Query(
        "kickoff", description="`kickoff`: earliest first; `-kickoff`: latest first."
    ),
) -> MatchQuerySet:
    chosen = _chosen(competition=competition, season=season, team=team)
    matches = Match.objects.for_listing()
    if competition:
        if "competition" not in chosen:
            raise HttpError(404, f"Unknown competition “{competition}”.")
        if not season:  # the season's rows are the competition's already
            matches = matches.filter(season__competition_id=chosen["competition"][0][0])
    if season:
        if "season" not in chosen:
            if competition:
                name = chosen["competition"][0][1]
                raise HttpError(404, f"The {name} has no season “{season}”.")
            raise HttpError(404, f"Unknown season “{season}”.")
        matches = matches.filter(season_id__in=[pk for pk, _ in chosen["season"]])
    if team:
        if "team" not in chosen:
            raise HttpError(404, f"Unknown team “{team}”.")
        team_id = chosen["team"][0][0]
        matches = matches.filter(Q(home_id=team_id) | Q(away_id=team_id))
    if status:
        matches = matches.filter(status=status)
    if kickoff_from:
        matches = matches.filter(kickoff__gte=aware(kickoff_from))
    if kickoff_to:
        matches = matches.filter(kickoff__lt=aware(kickoff_to))
    return (
        matches.order_by("kickoff", "pk")
        if order == "kickoff"
        else matches.order_by("-kickoff", "-pk")
    )


@router.get(
    "/{slug}",
    response=responses({200: MatchOut}, 404, 422),
    summary="One match, with its goals, cards, substitutions, line-ups, reports and previews",
)
def get_match(
    request: HttpRequest,
    response: HttpResponse,
    slug: str = Path(..., pattern=SLUG_PATTERN, example="chelsea-v-liverpool-2024-02-25"),
) -> dict[str, Any]:
    """Four queries: the match (with its teams, season and competition), its events, its
    line-ups, and its published reports and previews."""
    match = get_object_or_404(Match.objects.for_listing(), slug=slug)
    events = list(match.events.select_related("team", "player"))
    # Home side first; within a side the model's order (starting players, then the bench).
    lineups = sorted(
        match.lineups.select_related("team", "player"), key=lambda e: e.team_id != match.home_id
    )
    articles = list(
        match.article_links.filter(article__in=match.articles.published())
        .values(
            "role",
            slug=F("article__slug"),
            title=F("article__title"),
            published_at=F("article__published_at"),
            updated_at=F("article__updated_at"),
        )
        .order_by("-article__published_at", "-article__pk")
    )
    # Revalidated by its ETag (from the body) alone: a Last-Modified from the rows it shows
    # would move backwards when a report is unlinked or deleted, and a client asking with
    # If-Modified-Since would keep a stale copy.
    summary = MatchListOut.model_validate(match, context={"request": request})
    return {
        **summary.model_dump(),
        "events": events,
        "lineups": lineups,
        "articles": [
            {
                **{key: a[key] for key in ("slug", "title", "role", "published_at")},
                "url": request.build_absolute_uri(reverse("articles:detail", args=[a["slug"]])),
            }
            for a in articles
        ],
    }


@tables.get(
    "/{competition}/{season}",
    response=responses({200: TableOut}, 404, 422),
    summary="A league table as it stands, with its points deductions",
    description=(
        "The standings of a league season from its finished matches (3 points a win, 1 a "
        "draw), less deductions, in the order of the season's tie-breakers; stored when a "
        "result changes. A cup has no table (404)."
    ),
)
def get_table(
    request: HttpRequest,
    response: HttpResponse,
    competition: str = Path(..., pattern=SLUG_PATTERN, example="premier-league"),
    season: str = Path(..., pattern=SLUG_PATTERN, example="2023-24"),
) -> dict[str, Any]:
    """Two queries, three when the table has a deduction: the season with its
    competition, the rows with their teams, and the deductions."""
    found = (
        Season.objects.select_related("competition")
        .filter(competition__slug=competition, slug=season)
        .first()
    )
    league = found.competition if found else Competition.objects.filter(slug=competition).first()
    if league is None:
        raise HttpError(404, f"Unknown competition “{competition}”.")
    if not league.is_league:
        raise HttpError(404, f"The {league.name} has no table: it is a cup.")
    if found is None:
        raise HttpError(404, f"The {league.name} has no season “{season}”.")
    rows = list(TableRow.objects.of(found))
    deductions = []
    if any(row.deducted for row in rows):
        deductions = list(found.deductions.select_related("team").order_by("team__name", "pk"))
    moments: list[dt.datetime] = [row.team.updated_at for row in rows]
    if found.table_updated_at:
        moments.append(found.table_updated_at)
    last_modified(response, max(moments, default=None))
    return {
        "competition": league,
        "season": found,
        "updated_at": found.table_updated_at,
        "rows": rows,
        "deductions": deductions,
    }
