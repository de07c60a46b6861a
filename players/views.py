from __future__ import annotations

from itertools import groupby
from typing import Any

from django.views.generic import DetailView, ListView

from players.models import Player, PlayerQuerySet
from players.structured_data import person

# Positions in the order a team sheet lists them; staff come last.
GROUP_ORDER = [*Player.Position.values, ""]
KIND_ORDER = Player.Kind.values  # players, then the manager, then coaches
PLAYER_ARTICLES = 20


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
            structured_data={
                "@context": "https://schema.org",
                **person(player, self.request.build_absolute_uri),
            },
            **kwargs,
        )
