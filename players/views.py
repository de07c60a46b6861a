from __future__ import annotations

from itertools import groupby
from typing import Any

from django.http import Http404
from django.views.generic import DetailView, ListView

from fanportal.addresses import absolute_for
from fanportal.prepared import NOW, Prepared
from players.models import Player
from players.structured_data import person

# Positions in the order a team sheet lists them; staff come last.
GROUP_ORDER = [*Player.Position.values, ""]
KIND_ORDER = Player.Kind.values  # players, then the manager, then coaches
PLAYER_ARTICLES = 20


class SquadView(ListView):
    template_name = "players/squad.html"
    context_object_name = "people"

    def get_queryset(self):
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
            (Player.Position(position).label + "s" if position else "Manager and coaches", list(members))
            for position, members in groupby(people, key=lambda p: p.position)
        ]
        return super().get_context_data(groups=groups, **kwargs)


# Honours and articles are reached through reverse relations, so that this app imports
# nothing from the apps that point at it.
player_by_slug = Prepared(lambda slug: Player.objects.filter(slug=slug), str)
player_honours = Prepared(
    lambda pk: Player.honours.rel.related_model.objects.for_player(pk).order_by("-season"), int
)
player_articles = Prepared(
    lambda now, pk: Player.articles.rel.related_model.objects.cards(now).filter(players=pk)[
        :PLAYER_ARTICLES
    ],
    NOW, int,
)


class PlayerDetailView(DetailView):
    template_name = "players/player_detail.html"
    context_object_name = "player"

    def get_object(self, queryset=None) -> Player:
        found = player_by_slug(self.kwargs["slug"])
        if not found:
            raise Http404("No such person.")
        return found[0]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        player = self.object
        return super().get_context_data(
            honours=player_honours(player.pk),
            articles=player_articles(player.pk),
            structured_data={
                "@context": "https://schema.org",
                **person(player, absolute_for(self.request)),
            },
            **kwargs,
        )
