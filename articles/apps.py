from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_migrate, post_save, pre_delete

if TYPE_CHECKING:
    from players.models import Player
    from trophies.models import Trophy


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


def enqueue_relink(instance: Player | Trophy, *, using: str, **arguments: Any) -> None:
    """Relink, in the background once this transaction commits, the articles a change to a
    player or trophy may affect (articles.tasks.relink_mentions_of takes the arguments)."""
    from articles.tasks import Kind, relink_mentions_of
    from players.models import Player

    kind: Kind = "player" if isinstance(instance, Player) else "trophy"
    transaction.on_commit(
        functools.partial(relink_mentions_of.enqueue, kind=kind, pk=instance.pk, **arguments),
        using=using,
        # The save itself has committed: a queue that cannot take the task is logged, not
        # shown to the editor as a failed save (`relink_mentions` redoes it by hand).
        robust=True,
    )


def relink_after_save(
    sender: type[Player | Trophy],
    instance: Player | Trophy,
    created: bool,
    raw: bool,
    using: str,
    **kwargs: Any,
) -> None:
    """A new player or trophy, or one whose names or slug changed: relink what may mention
    it. Nothing for a change to anything else (a bio, a photo). Rows loaded from a fixture or
    a backup (raw) come with their articles already linked."""
    from articles.tasks import name_change

    if raw:
        return
    change = name_change(instance, created=created)
    if not change:
        return
    enqueue_relink(instance, using=using, names=change.names, unlink=change.unlink)


def relink_after_delete(
    sender: type[Player | Trophy], instance: Player | Trophy, using: str, **kwargs: Any
) -> None:
    """A player or trophy about to be deleted: once the deletion commits, relink the articles
    that link to it (read now, while the links exist) and those that name it, so that the
    links in their text go too and an alias it shared with another becomes the other's.
    One receiver, before the delete: on_commit runs the enqueue only if the delete commits."""
    article_ids = sorted(instance.articles.using(using).values_list("pk", flat=True))
    names = list(dict.fromkeys([*(instance.loaded_names or ()), *instance.names]))
    enqueue_relink(instance, using=using, names=names, article_ids=article_ids)


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

        # Mentions follow the squad: new names relink the stories that use them. Players and
        # trophies cannot import articles, so the receivers live here.
        from players.models import Player
        from trophies.models import Trophy

        for model in (Player, Trophy):
            label = model._meta.label
            post_save.connect(relink_after_save, sender=model, dispatch_uid=f"relink {label}")
            pre_delete.connect(relink_after_delete, sender=model, dispatch_uid=f"unlink {label}")
