"""Background work on articles, through Django's tasks framework (`manage.py db_worker` runs it).

When a player or a trophy is added or deleted, or its names or slug change, the articles that
may mention it are relinked in the background: the editor's save returns at once, and an old
story links a new signing moments later. Which articles, for a change:

- those whose text has a name that was added or removed (the full-text index finds them,
  articles.search.mentioning): an added name may now link, a removed one may now not, and an
  alias two people shared (which linked neither) links the other once one drops it;
- those linked to it now, when a link may go: a name was removed or the slug changed (the
  links point at the page). A name that was only added changes nothing in a text without it,
  so a new alias relinks the few stories that use it, not every story about the player.

A new player or trophy is all added names; a deleted one takes its links with it (the ids are
read before the delete) and all its names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.tasks import task

from articles.models import Article
from articles.search import mentioning
from articles.services import relink_articles
from players.models import Player
from trophies.models import Trophy

Kind = Literal["player", "trophy"]


@dataclass(frozen=True)
class NameChange:
    """What a save changed of what mentions depend on."""

    names: list[str]  # the names added or removed: articles using them may change
    unlink: bool  # whether links to it may go (a name removed, the slug changed)

    def __bool__(self) -> bool:
        return bool(self.names) or self.unlink


def name_change(instance: Player | Trophy, *, created: bool) -> NameChange:
    """What saving `instance` changes for the articles, from the names it was loaded with."""
    new = list(dict.fromkeys(instance.names))
    if created:
        return NameChange(names=new, unlink=False)
    if instance.loaded_names is None:  # read without its names: assume they all changed
        return NameChange(names=new, unlink=True)
    old = list(dict.fromkeys(instance.loaded_names))
    removed = [name for name in old if name not in new]
    return NameChange(
        names=[name for name in new if name not in old] + removed,
        unlink=bool(removed) or instance.loaded_slug != instance.slug,
    )


def affected_articles(*, kind: Kind, pk: int, names: list[str], unlink: bool) -> set[int]:
    """The ids of the articles whose text has one of `names`, and, with `unlink`, of those
    that link to the player or trophy `pk` now."""
    found = mentioning(names)
    if unlink:
        linked = (
            Article.objects.filter(players=pk)
            if kind == "player"
            else Article.objects.filter(trophies=pk)
        )
        found |= set(linked.values_list("pk", flat=True))
    return found


@task
def relink_mentions_of(
    *,
    kind: Kind,
    pk: int,
    names: list[str],
    unlink: bool = False,
    article_ids: list[int] | None = None,
) -> int:
    """Relink the articles a change to the player or trophy `pk` may affect: those naming it
    by one of `names` (the names added or removed), with `unlink` those linked to it, and
    `article_ids` (those that linked to it before it was deleted). Returns how many were
    relinked. Safe to run twice, or late: a relink reads the names as they are when it runs."""
    pks = affected_articles(kind=kind, pk=pk, names=names, unlink=unlink) | set(article_ids or ())
    if not pks:
        return 0
    return relink_articles(pks=sorted(pks))
