from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView

from articles.models import RELATIONS, Article, SlugRedirect, Subjects, Tag
from articles.search import Results
from articles.structured_data import news_article
from fanportal.addresses import absolute_for
from fanportal.prepared import NOW, Prepared, PreparedPages

SEARCH_PAGE_SIZE = 10
SEARCH_MAX_LENGTH = 200


news_count = Prepared(lambda now: Article.objects.published(now), NOW, count=True)
news_rows = Prepared(lambda now: Article.objects.for_listing(now), NOW)
tag_count = Prepared(
    lambda now, tag: Article.objects.published(now).filter(tags=tag), NOW, int, count=True
)
tag_rows = Prepared(lambda now, tag: Article.objects.for_listing(now).filter(tags=tag), NOW, int)


class NewsListView(ListView):
    template_name = "articles/news_list.html"
    context_object_name = "articles"
    paginate_by = 12

    def get_queryset(self):
        return PreparedPages(news_count, news_rows)


class TagView(NewsListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return PreparedPages(tag_count, tag_rows, self.tag.pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tag=self.tag, **kwargs)


article_by_slug = Prepared(lambda now, slug: Article.objects.published(now).filter(slug=slug), NOW, str)
article_relations = {
    name: Prepared(lambda pk, related=related: related().filter(articles=pk), int)
    for name, related in RELATIONS.items()
}


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None) -> Article:
        found = article_by_slug(self.kwargs["slug"])
        if not found:
            raise Http404("No such article.")
        article = found[0]
        article.subjects = Subjects(
            **{name: related(article.pk) for name, related in article_relations.items()}
        )
        return article

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
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
        structured_data = news_article(self.object, absolute_for(self.request))
        return super().get_context_data(related=related, structured_data=structured_data, **kwargs)


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    results = Results(query)
    page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/search.html", {"query": query, "page_obj": page})


def news_sitemap(request: HttpRequest) -> HttpResponse:
    """The Google News sitemap: articles of the last two days."""
    return render(
        request,
        "articles/news_sitemap.xml",
        {"articles": Article.objects.for_news_sitemap()},
        content_type="application/xml; charset=utf-8",
    )
