from __future__ import annotations

from typing import Any

from django.views.generic import DetailView, ListView

from trophies.models import Trophy, TrophyQuerySet

TROPHY_ARTICLES = 20


class CabinetView(ListView):
    template_name = "trophies/cabinet.html"
    context_object_name = "trophies"

    def get_queryset(self) -> TrophyQuerySet:
        return Trophy.objects.cabinet()


class TrophyDetailView(DetailView):
    template_name = "trophies/trophy_detail.html"
    context_object_name = "trophy"

    def get_queryset(self) -> TrophyQuerySet:
        return Trophy.objects.for_detail()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Through the reverse relation: this app imports nothing from articles.
        articles = self.object.articles.cards()[:TROPHY_ARTICLES]
        return super().get_context_data(articles=articles, **kwargs)
