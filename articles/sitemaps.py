"""sitemap.xml sections, and the Google News sitemap of the last two days."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article
from players.models import Player
from trophies.models import Trophy


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Article.objects.for_sitemap()

    def lastmod(self, article: Article):
        return article.updated_at


class PlayerSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Player.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, player: Player):
        return player.updated_at


class TrophySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Trophy.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, trophy: Trophy):
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
