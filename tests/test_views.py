"""Public pages: status, what a fan sees, and query counts that do not grow with the news."""

from __future__ import annotations

import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.models import Article, Tag

pytestmark = pytest.mark.django_db

SEED_000 = "/news/jurgen-klopps-last-dance-at-liverpool-is-off-to-the-perfect-start/"
SEED_003 = "/news/liverpool-celebrated-in-style-after-defeating-chelsea-in-the-carabao-cup-final/"


def visible_text(page: str) -> str:
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.fixture
def many(club, make_article):
    """Build n published articles that mention Van Dijk and the League Cup, tagged "Final"."""
    tag = Tag.objects.create(name="Final", slug="final")

    def build(n: int) -> list[Article]:
        start = timezone.now() - dt.timedelta(days=n)
        return [
            make_article(
                title=f"Cup story {i}",
                slug=f"cup-story-{i}",
                body=f"Virgil van Dijk lifted the League Cup, story {i}.",
                published_at=start + dt.timedelta(days=i),
                tags=[tag],
            )
            for i in range(n)
        ]

    return build


def test_home_shows_both_seed_headlines_squad_and_cabinet(client, seeded):
    page = client.get("/").content.decode()
    assert "Liverpool celebrated in style after defeating Chelsea in the Carabao Cup final" in page
    assert "Jurgen Klopp&#39;s last dance at Liverpool is off to the perfect start" in page
    assert 'href="/squad/virgil-van-dijk/"' in page
    assert 'href="/trophies/league-cup/"' in page


def test_news_list_is_newest_first_and_paginated(client, many):
    many(13)
    first = client.get("/news/").content.decode()
    assert (
        first.index(">Cup story 12</a>")
        < first.index(">Cup story 11</a>")
        < first.index(">Cup story 1</a>")
    )
    assert ">Cup story 0</a>" not in first
    assert 'href="?page=2"' in first
    second = client.get("/news/?page=2").content.decode()
    assert ">Cup story 0</a>" in second
    assert client.get("/news/?page=3").status_code == HTTPStatus.NOT_FOUND


def test_article_page_links_mentioned_players_and_trophies(client, seeded):
    response = client.get(SEED_003)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert '<h1 class="story__title">Liverpool celebrated in style' in page
    assert "Calvin Harris and Dua Lipa’s ‘One Kiss’ blasted in the Wembley locker room" in page
    for href in (
        "/squad/virgil-van-dijk/",
        "/squad/caoimhin-kelleher/",
        "/squad/harvey-elliott/",
        "/squad/luis-diaz/",
        "/squad/trent-alexander-arnold/",
        "/squad/andy-robertson/",
        "/trophies/league-cup/",
        "/trophies/fa-cup/",
        "/trophies/premier-league/",
        "/trophies/champions-league/",
        "/trophies/europa-league/",
    ):
        assert f'href="{href}"' in page, href
    # The other seed story shares players and trophies, so it is related.
    assert f'href="{SEED_000}"' in page


def test_drafts_and_scheduled_articles_are_not_public(client, make_article):
    make_article(slug="draft", status=Article.Status.DRAFT)
    make_article(slug="later", published_at=timezone.now() + dt.timedelta(hours=1))
    assert client.get("/news/draft/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/news/later/").status_code == HTTPStatus.NOT_FOUND
    assert "Story number" not in client.get("/news/").content.decode()


def test_scheduled_article_appears_by_itself_when_its_time_comes(client, make_article):
    article = make_article(slug="soon", published_at=timezone.now() + dt.timedelta(seconds=1))
    assert client.get("/news/soon/").status_code == HTTPStatus.NOT_FOUND
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
    assert client.get("/news/soon/").status_code == HTTPStatus.OK


def test_titles_from_story_files_are_escaped(client, club, make_article):
    make_article(title="<script>alert(1)</script>", slug="evil")
    page = client.get("/news/evil/").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_squad_is_grouped_by_position_with_staff_last(client, club):
    page = client.get("/squad/").content.decode()
    headings = ["Goalkeepers", "Defenders", "Midfielders", "Forwards", "Manager and coaches"]
    positions = [page.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert positions[-1] < page.index("Jürgen Klopp") < page.index("Pepijn Lijnders")
    assert page.index("Alisson Becker") < positions[1]


def test_player_page_shows_details_honours_and_articles(client, seeded):
    page = client.get("/squad/virgil-van-dijk/").content.decode()
    assert '<h1 class="profile__name">Virgil van Dijk</h1>' in page
    assert "Netherlands" in page and "8 July 1991" in page
    assert "2023–24" in page and "Captain" in page
    assert f'href="{SEED_000}"' in page and f'href="{SEED_003}"' in page


def test_staff_page(client, seeded):
    page = client.get("/squad/jurgen-klopp/").content.decode()
    assert "Jürgen Klopp" in page and "Manager" in page
    assert f'href="{SEED_000}"' in page


def test_trophy_cabinet_counts(client, club):
    text = visible_text(client.get("/trophies/").content.decode())
    assert re.findall(
        r"(\d+)(?: wins?)? (Premier League|League Cup|FA Cup|Champions League|Europa League)", text
    ) == [
        ("20", "Premier League"),
        ("10", "League Cup"),
        ("8", "FA Cup"),
        ("6", "Champions League"),
        ("3", "Europa League"),
    ]


def test_trophy_page_lists_honours_and_articles(client, seeded):
    page = client.get("/trophies/league-cup/").content.decode()
    assert "2023–24" in page and "v Chelsea" in page and "1–0 (after extra time)" in page
    assert 'href="/squad/virgil-van-dijk/">Virgil van Dijk</a>' in page
    assert f'href="{SEED_003}"' in page


def test_tag_page(client, many):
    many(2)
    page = client.get("/news/tag/final/").content.decode()
    assert "Cup story 0" in page and "Cup story 1" in page
    assert client.get("/news/tag/nope/").status_code == HTTPStatus.NOT_FOUND


def test_unknown_pages_get_the_custom_404(client, club):
    response = client.get("/news/no-such-story/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Offside! That page isn’t here." in response.content.decode()


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok"}


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert "Disallow: /admin/" in response.content.decode()


# Queries per page, the same with 1 article as with 50 (DESIGN.md's budgets).
PAGES = [
    ("/", 6),
    ("/news/", 2),
    ("/news/cup-story-0/", 6),  # the article, people, trophies, tags, matches, related
    ("/news/tag/final/", 3),
    ("/squad/", 1),
    ("/squad/virgil-van-dijk/", 5),
    ("/trophies/", 1),
    ("/trophies/league-cup/", 3),
]


@pytest.mark.parametrize("n", [1, 50])
@pytest.mark.parametrize("url, queries", PAGES)
def test_queries_per_page_do_not_grow_with_articles(
    client, many, django_assert_num_queries, url, queries, n
):
    many(n)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK


def test_server_errors_get_the_friendly_500_page(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    page = response.content.decode()
    assert "Something went wrong on our side." in page and "Traceback" not in page


def test_dates_read_in_the_club_time_zone(client, make_article):
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time), as Django's templates
    # showed it: the Jinja2 `date` filter converts to the current time zone first.
    make_article(slug="late", published_at=dt.datetime(2024, 7, 1, 23, 30, tzinfo=dt.UTC))
    page = client.get("/news/late/").content.decode()
    assert '<time datetime="2024-07-02T00:30:00+01:00">Tuesday 2 July 2024</time>' in page


def test_text_responses_end_with_a_newline(client):
    assert client.get("/robots.txt").content.endswith(b"/sitemap-news.xml\n")
