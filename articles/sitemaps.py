"""sitemap.xml sections, and the Google News sitemap of the last two days."""

from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from articles.models import Article, ArticleQuerySet
from players.models import Player
from trophies.models import Trophy


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 1000

    def items(self) -> ArticleQuerySet:
        return Article.objects.for_sitemap()

    def lastmod(self, article: Article) -> dt.datetime:
        return article.updated_at

    def get_latest_lastmod(self) -> None:
        # The index names no date for this section: Django's default calls lastmod() for
        # every article (0.15 s at ten thousand), and the newest change of a public article
        # is a scan (no index serves "public" and "newest change" at once). Every address in
        # the section's own pages carries its lastmod.
        return None


class PlayerSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> QuerySet[Player]:
        return Player.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, player: Player) -> dt.datetime:
        return player.updated_at


class TrophySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self) -> QuerySet[Trophy]:
        return Trophy.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, trophy: Trophy) -> dt.datetime:
        return trophy.updated_at


class SectionSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["home", "articles:list", "players:squad", "trophies:cabinet"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "players": PlayerSitemap,
    "trophies": TrophySitemap,
}
