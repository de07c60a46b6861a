"""Full-text search (FTS5 on SQLite, tsvector on PostgreSQL: the suite runs on both)."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.models import Article
from articles.search import Results, terms_of

pytestmark = pytest.mark.django_db


def titles(query: str) -> list[str]:
    return [hit.article.title for hit in Results(query)[0:20]]


@pytest.fixture
def stories(make_article):
    now = timezone.now()
    make_article(
        title="Kelleher the hero at Wembley",
        slug="hero",
        body="A night to remember.",
        published_at=now - dt.timedelta(days=3),
    )
    make_article(
        title="Cup final report",
        slug="report",
        body="Caoimhín Kelleher made three saves and the crowd sang.",
        published_at=now - dt.timedelta(days=1),
    )
    make_article(
        title="Training notes",
        slug="notes",
        body="Nothing about goalkeepers.",
        published_at=now - dt.timedelta(days=2),
    )
    make_article(title="Kelleher draft", slug="draft", status=Article.Status.DRAFT)


def test_title_matches_rank_first_and_drafts_never_show(stories):
    assert titles("kelleher") == ["Kelleher the hero at Wembley", "Cup final report"]


def test_accents_and_prefixes(stories):
    assert titles("caoimhin") == ["Cup final report"]
    assert titles("CAOIMHÍN kell") == ["Cup final report"]


def test_every_word_is_required(stories):
    assert titles("kelleher saves") == ["Cup final report"]
    assert titles("kelleher zebra") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        'kelleher"',
        "AND",
        "OR NOT",
        "*",
        "-",
        "kell*er",
        "(",
        ")",
        "NEAR(a b)",
        "a:b",
        "\\",
        "%",
        "_",
        "'; DROP TABLE articles_article; --",
        "<script>",
        "ö" * 300,
        "\x00",
    ],
)
def test_odd_queries_never_error(client, stories, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == HTTPStatus.OK
    assert Article.objects.count() == 4


def test_terms_are_plain_words():
    assert terms_of('Van "Dijk" OR kell* -x a_b') == ["van", "dijk", "or", "kell", "x", "a", "b"]


def test_search_stays_current_when_articles_change(stories):
    article = Article.objects.get(slug="notes")
    Article.objects.filter(pk=article.pk).update(body="Alisson is back in training.")
    assert titles("alisson") == ["Training notes"]
    assert titles("goalkeepers") == []
    article.delete()
    assert titles("alisson") == []


def test_snippets_highlight_matches_and_escape_the_story(make_article):
    make_article(title="Escaping", slug="escaping", body="Salah <b>scored</b> & celebrated.")
    [hit] = Results("salah")[0:10]
    assert hit.snippet == "<mark>Salah</mark> &lt;b&gt;scored&lt;/b&gt; &amp; celebrated."


def test_a_surname_finds_the_stories_that_mention_the_player(seeded):
    assert titles("Robertson") == [
        "Liverpool celebrated in style after defeating Chelsea in the Carabao Cup final"
    ]


def test_search_page_shows_results_with_highlights_and_keeps_the_query_in_pagination(
    client, make_article
):
    for number in range(12):
        make_article(title=f"Gakpo scores again {number}", slug=f"gakpo-{number}")
    page = client.get("/search/", {"q": "gakpo"}).content.decode()
    assert "12 stories for “gakpo”" in page
    assert page.count('class="result"') == 10
    assert "<mark>" not in page.split('class="results"')[0]
    assert 'href="?q=gakpo&amp;page=2"' in page
    second = client.get("/search/", {"q": "gakpo", "page": "2"}).content.decode()
    assert second.count('class="result"') == 2


def test_empty_query_shows_the_form_only(client, db):
    page = client.get("/search/").content.decode()
    assert 'name="q"' in page and "search-summary" not in page


@pytest.mark.parametrize("n", [1, 50])
def test_search_page_queries_are_constant(client, make_article, django_assert_num_queries, n):
    for number in range(n):
        make_article(title=f"Nunez story {number}", slug=f"nunez-{number}")
    # The teams the words may name, the count, the ranked page, the page's cards.
    with django_assert_num_queries(4):
        assert client.get("/search/", {"q": "nunez"}).status_code == HTTPStatus.OK


def test_snippets_start_near_the_first_match_and_fold_accents():
    from articles.search import snippet

    text = "Intro words. " * 30 + "Then Caoimhín Kelleher saved it, and Kelleher again."
    assert snippet(text, ["caoimhin", "kell"], length=80) == (
        "…Intro words. Intro words. Then <mark>Caoimhín</mark> <mark>Kelleher</mark> saved it, "
        "and <mark>Kelleher</mark> again."
    )


def test_a_common_word_ranks_only_its_newest_window_of_public_matches(make_article, monkeypatch):
    # Small numbers stand in for 2,000: with more matches than the window, PostgreSQL walks
    # the listing index in growing chunks; SQLite takes a rowid range. Both give the newest.
    from articles import search

    monkeypatch.setattr(search, "WINDOW", 3)
    monkeypatch.setattr(search._PostgresSearch, "FIRST_CHUNK", 2)
    start = timezone.now() - dt.timedelta(days=30)
    for day in range(12):
        body = "A derby day." if day % 3 else "Training."
        make_article(title=f"Day {day}", body=body, published_at=start + dt.timedelta(days=day))
    make_article(title="Draft derby", body="A derby day.", status=Article.Status.DRAFT)
    make_article(
        title="Scheduled derby",
        body="A derby day.",
        published_at=timezone.now() + dt.timedelta(days=1),
    )
    results = Results("derby")
    assert results.count() == 3
    assert sorted(hit.article.title for hit in results[0:10]) == ["Day 10", "Day 11", "Day 8"]
    assert Results("training").count() == 3  # four matches: more than the window
    assert Results("scheduled").count() == 0
