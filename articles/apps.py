from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def restore_search_triggers(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """Re-create the SQLite full-text triggers that a table rebuild in a migration drops."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    import importlib

    search = importlib.import_module("articles.migrations.0002_search")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'articles_article_fts_%'"
        )
        if cursor.fetchone()[0] == 3:
            return
        for statement in search.SQLITE_FORWARD:
            cursor.execute(statement)


def render_missing_cards(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """Fill the stored cards of rows that have none (rows from before the field existed)."""
    from articles import services as article_services
    from articles.models import Article
    from players import services as player_services
    from players.models import Player

    for article in Article.objects.using(using).filter(card_html="").iterator():
        Article.objects.using(using).filter(pk=article.pk).update(
            card_html=article_services.render_card(article)
        )
    for player in Player.objects.using(using).filter(card_html="").iterator():
        Player.objects.using(using).filter(pk=player.pk).update(
            card_html=player_services.render_card(player)
        )


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self) -> None:
        post_migrate.connect(restore_search_triggers, sender=self)
        post_migrate.connect(render_missing_cards, sender=self)

        from articles.models import Article, SlugRedirect, Tag
        from pagecache.versioning import watch

        # A scheduled story changes every listing when its time comes: the page cache asks
        # when that is.
        watch(Article, schedule=Article.objects.next_scheduled, moment=Article.goes_live_at)
        watch(Tag, SlugRedirect)
