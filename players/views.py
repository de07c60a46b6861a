from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.views.generic import DetailView, ListView

from players.models import Player, PlayerQuerySet
from players.structured_data import person

# Positions in the order a team sheet lists them; staff come last.
GROUP_ORDER = [*Player.Position.values, ""]
KIND_ORDER = Player.Kind.values  # players, then the manager, then coaches
PLAYER_ARTICLES = 20

# The match app's values, by name: this app reads matches through the reverse relations
# (player.match_events, player.lineups) and imports nothing of it.
PLAYED = ("finished", "awarded")  # Match.DECIDED: a match whose figures count
GOALS = ("goal", "penalty_goal")  # MatchEvent.GOALS
ON_THE_PITCH = ("goal", "penalty_goal", "own_goal", "penalty_missed", "sub_on", "sub_off")
SEASON = ("match__season__starts_on", "match__season__name", "match__season__competition__name")


@dataclass
class Figures:
    """A player's figures in one season of one competition."""

    season: str  # "2023–24"
    competition: str
    starts_on: dt.date
    appearances: int = 0
    goals: int = 0
    yellow: int = 0
    red: int = 0
    matches: set[int] = field(default_factory=set, repr=False)


def season_figures(player: Player) -> list[Figures]:
    """Appearances, goals and cards per season and competition, newest season first, in two
    queries (his line-ups, his events). He appeared in a match he started, came on in, or scored,
    missed a penalty or was taken off in; a card alone counts when no line-up of the match
    names him (a booking on the bench is not an appearance)."""
    figures: dict[tuple[Any, ...], Figures] = {}
    benched: set[int] = set()
    lineups = player.lineups.filter(match__status__in=PLAYED).values_list(
        "match_id", "starting", *SEASON
    )
    for match, starting, *season in lineups:
        row = figures.setdefault(tuple(season), Figures(season[1], season[2], season[0]))
        if starting:
            row.matches.add(match)
        else:
            benched.add(match)
    # One row an event, counted here: a plain join compiles in a fraction of the time of
    # four filtered counts grouped by match and season.
    events = player.match_events.filter(match__status__in=PLAYED).values_list(
        "match_id", "kind", *SEASON
    )
    played_in: set[int] = set()
    for match, kind, *season in events:
        row = figures.setdefault(tuple(season), Figures(season[1], season[2], season[0]))
        row.goals += kind in GOALS
        row.yellow += kind == "yellow"
        row.red += kind == "red"
        if kind in ON_THE_PITCH:
            played_in.add(match)
        row.matches.add(match)
    for row in figures.values():
        row.appearances = len({m for m in row.matches if m in played_in or m not in benched})
    return sorted(figures.values(), key=lambda r: (-r.starts_on.toordinal(), r.competition))


class SquadView(ListView):
    template_name = "players/squad.html"
    context_object_name = "people"

    def get_queryset(self) -> PlayerQuerySet:
        return Player.objects.current().for_listing()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        people = sorted(
            self.object_list,
            key=lambda p: (
                GROUP_ORDER.index(p.position),
                KIND_ORDER.index(p.kind),
                p.shirt_number or 999,
                p.name,
            ),
        )
        groups = [
            (
                Player.Position(position).label + "s" if position else "Manager and coaches",
                list(members),
            )
            for position, members in groupby(people, key=lambda p: p.position)
        ]
        return super().get_context_data(groups=groups, **kwargs)


class PlayerDetailView(DetailView):
    template_name = "players/player_detail.html"
    context_object_name = "player"
    queryset = Player.objects.all()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        player = self.object
        # Honours and articles through reverse relations, so that this app imports nothing
        # from the apps that point at it.
        honours = (player.honours_as_captain.all() | player.honours.all()).distinct()
        return super().get_context_data(
            honours=honours.select_related("trophy").order_by("-season"),
            articles=player.articles.cards()[:PLAYER_ARTICLES],
            figures=season_figures(player),
            structured_data={
                "@context": "https://schema.org",
                **person(player, self.request.build_absolute_uri),
            },
            **kwargs,
        )
