"""sitemap.xml sections, and the Google News sitemap of the last two days."""

from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from articles.models import Article, ArticleQuerySet
from matches.models import Match, Season
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


class MatchSitemap(Sitemap):
    """The club's matches: the ones its pages list and link. Other clubs' matches have pages
    too, but thin ones about someone else's game."""

    changefreq = "daily"
    priority = 0.6
    limit = 1000

    def items(self) -> QuerySet[Match]:
        return Match.objects.of_club().only("slug", "updated_at").order_by("kickoff", "pk")

    def lastmod(self, match: Match) -> dt.datetime:
        return match.updated_at


class TableSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.7

    def items(self) -> QuerySet[Season]:
        return Season.objects.leagues().select_related("competition").order_by("-starts_on", "pk")

    def lastmod(self, season: Season) -> dt.datetime | None:
        # The moment the stored table last changed (a result or a deduction).
        return season.table_updated_at


class SectionSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["home", "articles:list", "matches:list", "players:squad", "trophies:cabinet"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "players": PlayerSitemap,
    "trophies": TrophySitemap,
    "matches": MatchSitemap,
    "tables": TableSitemap,
}
