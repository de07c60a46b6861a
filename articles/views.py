from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView

from articles.models import Article, ArticleQuerySet, SlugRedirect, Subjects, Tag
from articles.search import Hit, Results
from articles.structured_data import news_article
from matches.search import club_matches_against, named_teams

SEARCH_PAGE_SIZE = 10
SEARCH_MAX_LENGTH = 200


class NewsListView(ListView):
    template_name = "articles/news_list.html"
    context_object_name = "articles"
    paginate_by = 12

    def get_queryset(self) -> ArticleQuerySet:
        return Article.objects.for_listing()


class TagView(NewsListView):
    template_name = "articles/tag.html"

    def get_queryset(self) -> ArticleQuerySet:
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.for_listing().filter(tags=self.tag)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tag=self.tag, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self) -> ArticleQuerySet:
        return Article.objects.published()

    def get_object(self, queryset: QuerySet[Article] | None = None) -> Article:
        article = super().get_object(queryset)
        article.subjects = Subjects.of(article)
        return article

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # An address the article had before its slug changed.
            moved = SlugRedirect.objects.filter(old_slug=kwargs["slug"]).select_related("article")
            redirect = moved.first()
            if redirect is None or not redirect.article.is_live:
                raise
            return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        related = Article.objects.related_to(self.object)
        structured_data = news_article(self.object, self.request.build_absolute_uri)
        return super().get_context_data(related=related, structured_data=structured_data, **kwargs)


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    results = Results(query)
    # Django pages anything sliceable with a count() or len(), as Results is; the stubs ask
    # for a full sequence (iteration and integer indexes too), which Paginator never uses.
    paginator: Paginator[Hit] = Paginator(results, SEARCH_PAGE_SIZE)  # type: ignore[arg-type]
    page = paginator.get_page(request.GET.get("page"))
    # A team named in the search comes first, with the club's matches against it.
    teams = named_teams(query) if query and request.GET.get("page", "1") == "1" else []
    against = list(club_matches_against(teams)) if teams else []
    return render(
        request,
        "articles/search.html",
        {
            "query": query,
            "page_obj": page,
            "teams": [
                (team, [match for match in against if team.pk in (match.home_id, match.away_id)])
                for team in teams
            ],
        },
    )


def news_sitemap(request: HttpRequest) -> HttpResponse:
    """The Google News sitemap: articles of the last two days."""
    return render(
        request,
        "articles/news_sitemap.xml",
        {"articles": Article.objects.for_news_sitemap()},
        content_type="application/xml; charset=utf-8",
    )
