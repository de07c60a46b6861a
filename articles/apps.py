from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_init, post_migrate, post_save, pre_delete

if TYPE_CHECKING:
    from matches.models import Match, Team
    from players.models import Player
    from trophies.models import Trophy

# What the articles' links to matches depend on, as a team or match was read (an attribute
# the receivers below set on each instance; None when unknown: a new row, or one read
# without those fields).
LOADED = "loaded_for_articles"
MATCH_FIELDS = ("kickoff", "home_id", "away_id")


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


def team_names(row: dict[str, Any]) -> list[str] | None:
    """A team's name, short name and aliases, as the match finder reads them (None if the
    row lacks one of them)."""
    from players.models import names_in

    if not all(field in row for field in ("name", "short_name", "aliases")):
        return None
    return list(dict.fromkeys([*names_in(row["name"], row["aliases"]), row["short_name"]]))


def remember_team(sender: type[Team], instance: Team, **kwargs: Any) -> None:
    setattr(instance, LOADED, team_names(instance.__dict__) if instance.pk else None)


def relink_after_team_save(
    sender: type[Team], instance: Team, created: bool, raw: bool, using: str, **kwargs: Any
) -> None:
    """A new team, or one whose names changed: relink the stories that may name it near one
    of its matches with the club (articles.tasks). Its slug, crest or ground change nothing:
    no story links a team."""
    from articles.tasks import relink_mentions_of

    loaded = None if created else getattr(instance, LOADED, None)
    names = team_names(instance.__dict__) or []
    setattr(instance, LOADED, names)
    if raw:
        return
    if loaded is None:
        changed = names
    else:
        changed = [n for n in names if n not in loaded] + [n for n in loaded if n not in names]
    if not changed:
        return
    transaction.on_commit(
        functools.partial(relink_mentions_of.enqueue, kind="team", pk=instance.pk, names=changed),
        using=using,
        robust=True,
    )


def remember_match(sender: type[Match], instance: Match, **kwargs: Any) -> None:
    row = instance.__dict__
    loaded = tuple(row[f] for f in MATCH_FIELDS) if all(f in row for f in MATCH_FIELDS) else None
    setattr(instance, LOADED, loaded if instance.pk else None)


def enqueue_match_relink(
    days: list[str], *, using: str, article_ids: list[int] | None = None
) -> None:
    from articles.tasks import relink_match_articles

    transaction.on_commit(
        functools.partial(
            relink_match_articles.enqueue, days=sorted(set(days)), article_ids=article_ids or []
        ),
        using=using,
        robust=True,
    )


def relink_after_match_save(
    sender: type[Match], instance: Match, created: bool, raw: bool, using: str, **kwargs: Any
) -> None:
    """A new club match, or one whose kickoff or teams changed (to or from the club's): relink
    the stories dated within its window, before and after (articles.tasks). A result, a
    venue or a status changes no link (the article page reads the score when it is shown)."""
    from articles.mentions import club_day
    from matches.models import Team

    loaded = None if created else getattr(instance, LOADED, None)
    now = tuple(getattr(instance, f) for f in MATCH_FIELDS)
    setattr(instance, LOADED, now)
    if raw or loaded == now:
        return
    # The teams are usually on the instance already (a form's or an import's choice).
    club_match = instance.home.is_club or instance.away.is_club
    if loaded is not None and not club_match and loaded[1:] != now[1:]:
        club_match = Team.objects.using(using).filter(pk__in=loaded[1:], is_club=True).exists()
    if not club_match:
        return
    days = [club_day(instance.kickoff).isoformat()]
    if loaded is not None:
        days.append(club_day(loaded[0]).isoformat())
    enqueue_match_relink(days, using=using)


def relink_after_matches_created(
    sender: type[Match], matches: list[Match], using: str, **kwargs: Any
) -> None:
    """Matches an import wrote in bulk (matches.services.matches_created): relink the stories
    dated around the club's, as a new match saved alone would."""
    from articles.mentions import club_day

    days = [
        club_day(match.kickoff).isoformat()
        for match in matches
        if match.home.is_club or match.away.is_club
    ]
    if days:
        enqueue_match_relink(days, using=using)


def relink_after_match_delete(
    sender: type[Match], instance: Match, using: str, **kwargs: Any
) -> None:
    """A match about to be deleted: once the deletion commits, relink the stories linked to it
    (read now) and those dated around it, which may now point at another match."""
    from articles.mentions import club_day

    article_ids = sorted(instance.articles.using(using).values_list("pk", flat=True))
    enqueue_match_relink(
        [club_day(instance.kickoff).isoformat()], using=using, article_ids=article_ids
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

        # Mentions follow the squad: new names relink the stories that use them. Players and
        # trophies cannot import articles, so the receivers live here.
        from players.models import Player
        from trophies.models import Trophy

        for model in (Player, Trophy):
            label = model._meta.label
            post_save.connect(relink_after_save, sender=model, dispatch_uid=f"relink {label}")
            pre_delete.connect(relink_after_delete, sender=model, dispatch_uid=f"unlink {label}")

        # Stories find their match from the opponent's names and the match's day: a change
        # to either relinks the stories it may affect. Matches cannot import articles either.
        from matches.models import Match, Team

        post_init.connect(remember_team, sender=Team, dispatch_uid="remember names Team")
        post_save.connect(relink_after_team_save, sender=Team, dispatch_uid="relink Team")
        post_init.connect(remember_match, sender=Match, dispatch_uid="remember day Match")
        post_save.connect(relink_after_match_save, sender=Match, dispatch_uid="relink Match")
        pre_delete.connect(relink_after_match_delete, sender=Match, dispatch_uid="unlink Match")
        from matches.services import matches_created

        matches_created.connect(relink_after_matches_created, dispatch_uid="relink new Matches")
