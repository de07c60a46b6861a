from django.apps import AppConfig
from django.db.models.signals import post_migrate


def restore_search_triggers(sender, using: str, **kwargs) -> None:
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


def render_missing_cards(sender, using: str, **kwargs) -> None:
    """Fill the stored cards of rows that have none (rows from before the field existed)."""
    from articles.models import Article
    from players.models import Player

    for model in (Article, Player):
        for row in model.objects.using(using).filter(card_html="").iterator():
            model.objects.using(using).filter(pk=row.pk).update(card_html=row.render_card())


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self) -> None:
        post_migrate.connect(restore_search_triggers, sender=self)
        post_migrate.connect(render_missing_cards, sender=self)

        from articles.models import Article, SlugRedirect, Tag
        from pagecache.versioning import watch

        # A scheduled story changes every listing when its time comes: the page cache asks
        # when that is.
        watch(Article, Tag, SlugRedirect, schedule=Article.objects.next_scheduled)
