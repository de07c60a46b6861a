"""One definition of public: a draft, a scheduled story and a story whose time has just come
are treated alike by the ORM's `published()` and by the SQL written by hand (related stories,
search), on every page and in the API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article, Tag
from articles.search import Results

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stories")]

NOW = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)
PUBLIC = ["Just now", "Yesterday"]


@pytest.fixture
def stories(make_article):
    """Four stories that share a tag and a rare word; two of them are public at NOW."""
    tag = Tag.objects.create(name="Cup run", slug="cup-run")
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        for title, status, published_at in [
            ("Yesterday", Article.Status.PUBLISHED, NOW - dt.timedelta(days=1)),
            ("Just now", Article.Status.PUBLISHED, NOW),
            ("Scheduled", Article.Status.PUBLISHED, NOW + dt.timedelta(seconds=1)),
            ("Draft", Article.Status.DRAFT, NOW - dt.timedelta(days=1)),
        ]:
            make_article(
                title=title,
                slug=title.lower().replace(" ", "-"),
                status=status,
                published_at=published_at,
                body="The zebrafinch sang at Wembley.",
                tags=[tag],
            )
    with time_machine.travel(NOW, tick=False):
        yield


def test_published_is_the_orm_condition():
    assert list(Article.objects.published().values_list("title", flat=True)) == PUBLIC
    assert Article.objects.next_scheduled(timezone.now()) == NOW + dt.timedelta(seconds=1)


def test_related_stories_use_the_same_condition():
    base = Article.objects.for_detail().get(slug="yesterday")
    assert [article.title for article in Article.objects.related_to(base)] == ["Just now"]


def test_search_uses_the_same_condition():
    assert sorted(hit.article.title for hit in Results("zebrafinch")[0:10]) == sorted(PUBLIC)
    assert Results("zebrafinch").count() == 2


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/news/",
        "/news/tag/cup-run/",
        "/feeds/news/",
        "/feeds/news/atom/",
        "/sitemap-articles.xml",
        "/sitemap-news.xml",
        "/search/?q=zebrafinch",
        "/api/articles",
        "/api/articles?q=zebrafinch",
    ],
)
def test_every_listing_shows_exactly_the_public_stories(client, url):
    page = client.get(url).content.decode()
    shown = {
        title
        for title in ("Yesterday", "Just now", "Scheduled", "Draft")
        if title in page or title.lower().replace(" ", "-") in page
    }
    assert shown == set(PUBLIC)


@pytest.mark.parametrize(
    ("slug", "status"), [("just-now", 200), ("yesterday", 200), ("scheduled", 404), ("draft", 404)]
)
def test_article_pages_answer_for_public_stories_only(client, slug, status):
    assert client.get(f"/news/{slug}/").status_code == status
    assert client.get(f"/api/articles/{slug}").status_code == status
