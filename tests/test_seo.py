"""Feeds, sitemaps, robots.txt, structured data and meta tags."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.models import Article, Tag

pytestmark = pytest.mark.django_db

SEED_003 = "/news/liverpool-celebrated-in-style-after-defeating-chelsea-in-the-carabao-cup-final/"
ATOM = "{http://www.w3.org/2005/Atom}"


def json_ld(page: str) -> dict:
    [payload] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(payload)


def test_news_rss_lists_published_stories_newest_first(client, seeded, make_article):
    make_article(title="Draft", slug="draft", status=Article.Status.DRAFT)
    response = client.get("/feeds/news/")
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "The Kop Report: Liverpool FC news"
    assert [item.findtext("link") for item in channel.findall("item")] == [
        f"http://testserver{SEED_003}",
        "http://testserver/news/jurgen-klopps-last-dance-at-liverpool-is-off-to-the-perfect-start/",
    ]


def test_player_and_trophy_feeds_in_rss_and_atom(client, seeded):
    kelleher = ET.fromstring(client.get("/squad/caoimhin-kelleher/feed/").content)
    assert [i.findtext("link") for i in kelleher.find("channel").findall("item")] == [
        f"http://testserver{SEED_003}"
    ]
    atom = ET.fromstring(client.get("/trophies/league-cup/feed/atom/").content)
    assert atom.findtext(f"{ATOM}title") == "The Kop Report: League Cup"
    assert len(atom.findall(f"{ATOM}entry")) == 2
    assert client.get("/squad/nobody/feed/").status_code == HTTPStatus.NOT_FOUND


def test_pages_advertise_their_feeds(client, seeded):
    page = client.get("/squad/virgil-van-dijk/").content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="The Kop Report: all news (RSS)" href="/feeds/news/">'
        in page
    )
    assert (
        'href="/squad/virgil-van-dijk/feed/"' in page
        and 'href="/squad/virgil-van-dijk/feed/atom/"' in page
    )


def test_sitemap_lists_articles_players_trophies_with_lastmod(client, seeded):
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [entry.findtext(f"{ns}loc") for entry in index]
    assert sections == [
        f"http://testserver/sitemap-{name}.xml"
        for name in ("sections", "articles", "players", "trophies", "matches", "tables")
    ]
    entries = {
        url.findtext(f"{ns}loc"): url.findtext(f"{ns}lastmod")
        for section in sections
        for url in ET.fromstring(client.get(section.removeprefix("http://testserver")).content)
    }
    assert f"http://testserver{SEED_003}" in entries
    assert "http://testserver/squad/virgil-van-dijk/" in entries
    assert "http://testserver/trophies/league-cup/" in entries
    assert "http://testserver/" in entries
    assert entries[f"http://testserver{SEED_003}"] is not None
    assert entries["http://testserver/squad/virgil-van-dijk/"] is not None


def test_news_sitemap_has_only_the_last_two_days(client, make_article):
    make_article(
        title="Fresh & new", slug="fresh", published_at=timezone.now() - dt.timedelta(hours=3)
    )
    make_article(title="Old", slug="old", published_at=timezone.now() - dt.timedelta(days=3))
    root = ET.fromstring(client.get("/sitemap-news.xml").content)
    news = "{http://www.google.com/schemas/sitemap-news/0.9}"
    assert [u.find(f"{news}news").findtext(f"{news}title") for u in root] == ["Fresh & new"]


def test_robots_names_the_sitemaps(client, db):
    assert client.get("/robots.txt").content.decode().splitlines()[-2:] == [
        "Sitemap: http://testserver/sitemap.xml",
        "Sitemap: http://testserver/sitemap-news.xml",
    ]


def test_article_json_ld_is_a_news_article_about_club_people(client, seeded):
    page = client.get(SEED_003).content.decode()
    data = json_ld(page)
    assert data["@type"] == "NewsArticle"
    assert (
        data["headline"]
        == "Liverpool celebrated in style after defeating Chelsea in the Carabao Cup final"
    )
    assert data["datePublished"] == "2024-02-26T00:00:00+00:00"
    people = {person["name"]: person for person in data["about"]}
    assert people["Virgil van Dijk"]["url"] == "http://testserver/squad/virgil-van-dijk/"
    assert people["Virgil van Dijk"]["memberOf"] == {
        "@type": "SportsTeam",
        "name": "Liverpool FC",
        "sport": "Association football",
        "url": "http://testserver/",
    }
    assert {
        "@type": "Thing",
        "name": "League Cup",
        "url": "http://testserver/trophies/league-cup/",
    } in data["mentions"]
    # Every URL it names is a page that exists.
    for url in [data["url"], *(p["url"] for p in data["mentions"])]:
        assert client.get(url.removeprefix("http://testserver")).status_code == HTTPStatus.OK


def test_player_json_ld_is_a_person(client, club):
    data = json_ld(client.get("/squad/virgil-van-dijk/").content.decode())
    assert data["@type"] == "Person"
    assert data["birthDate"] == "1991-07-08"
    assert data["nationality"] == {"@type": "Country", "name": "Netherlands"}


def test_home_json_ld_is_the_team_with_its_awards(client, club):
    data = json_ld(client.get("/").content.decode())
    assert data["@type"] == "SportsTeam"
    assert data["award"] == [
        "Premier League (20)",
        "League Cup (10)",
        "FA Cup (8)",
        "Champions League (6)",
        "Europa League (3)",
    ]


def test_json_ld_cannot_be_broken_out_of(client, club, make_article):
    make_article(title="</script><script>alert(1)</script>", slug="evil")
    page = client.get("/news/evil/").content.decode()
    assert "</script><script>alert(1)" not in page
    assert json_ld(page)["headline"] == "</script><script>alert(1)</script>"


def test_meta_tags_on_an_article(client, seeded):
    page = client.get(SEED_003).content.decode()
    assert f'<link rel="canonical" href="http://testserver{SEED_003}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert (
        '<meta property="og:title" content="Liverpool celebrated in style after defeating Chelsea in the Carabao Cup final">'
        in page
    )
    assert (
        '<meta name="description" content="Calvin Harris and Dua Lipa’s ‘One Kiss’ blasted in the Wembley locker room">'
        in page
    )
    assert '<meta name="twitter:card" content="summary">' in page


def test_related_stories_rank_shared_people_and_trophies_then_tags_then_recency(
    client, club, make_article
):
    final = Tag.objects.create(name="Final", slug="final")
    now = timezone.now()
    base = make_article(
        title="Base", slug="base", body="Kelleher and Salah won the FA Cup.", tags=[final]
    )
    make_article(
        title="Two shared",
        slug="two",
        body="Kelleher and Salah.",
        published_at=now - dt.timedelta(days=5),
    )
    make_article(
        title="One shared, newer",
        slug="one-new",
        body="Salah.",
        published_at=now - dt.timedelta(days=1),
    )
    make_article(
        title="One shared and tag",
        slug="one-tag",
        body="Kelleher.",
        tags=[final],
        published_at=now - dt.timedelta(days=9),
    )
    make_article(title="Tag only", slug="tag-only", body="Nothing.", tags=[final])
    make_article(title="Unrelated", slug="unrelated", body="Nothing at all.")
    make_article(
        title="Draft", slug="draft", body="Kelleher and Salah.", status=Article.Status.DRAFT
    )
    make_article(
        title="Scheduled", slug="later", body="Salah.", published_at=now + dt.timedelta(days=1)
    )
    article = Article.objects.for_detail().get(pk=base.pk)
    related = Article.objects.related_to(article, limit=5)
    assert [a.title for a in related] == [
        "Two shared",
        "One shared and tag",
        "One shared, newer",
        "Tag only",
    ]
    assert [a.title for a in Article.objects.related_to(article, limit=2)] == [
        "Two shared",
        "One shared and tag",
    ]
    # Only the newest `window` sharing articles are ranked: here the two newest.
    assert [a.title for a in Article.objects.related_to(article, window=2)] == [
        "One shared, newer",
        "Tag only",
    ]


def test_the_articles_sitemap_comes_in_pages(client, seeded, monkeypatch):
    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 1)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [entry.findtext(f"{ns}loc") or "" for entry in index]
    pages = [location for location in locations if "articles" in location]
    assert pages == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
    ]
    second = ET.fromstring(client.get("/sitemap-articles.xml?p=2").content)
    assert len(second) == 1
