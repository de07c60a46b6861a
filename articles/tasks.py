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

Teams are not linked in the text: their names only find the match a story is about
(articles.mentions.MatchIndex). A new team, or a name, short name or alias added or removed,
relinks the stories that use one of those names and are dated within the window (seven days
before to two days after) of a club match against that team; a team with no such match
affects none. A new club match, or one whose kickoff or teams changed (or a deleted one),
relinks the stories dated within its window, before and after the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db.models import Q
from django.tasks import task

from articles.mentions import PREVIEW_DAYS, REPORT_DAYS, club_day, window_of
from articles.models import Article
from articles.search import mentioning
from articles.services import relink_articles
from matches.models import Match
from players.models import Player
from trophies.models import Trophy

Kind = Literal["player", "trophy", "team"]


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
    that link to the player or trophy `pk` now. For a team, only the articles dated within
    the window of one of the club's matches against it (a team has no links in the text)."""
    if kind == "team":
        return _in_windows_of_team(pk, names)
    found = mentioning(names)
    if unlink:
        linked = (
            Article.objects.filter(players=pk)
            if kind == "player"
            else Article.objects.filter(trophies=pk)
        )
        found |= set(linked.values_list("pk", flat=True))
    return found


def _in_windows_of_team(pk: int, names: list[str]) -> set[int]:
    kickoffs = (
        Match.objects.of_club().filter(Q(home=pk) | Q(away=pk)).values_list("kickoff", flat=True)
    )
    days = {
        club_day(kickoff) + dt.timedelta(days=offset)
        for kickoff in kickoffs
        for offset in range(-PREVIEW_DAYS, REPORT_DAYS + 1)
    }  # the days a story about one of these matches is dated
    if not days:
        return set()
    found = mentioning(names)
    dated = Article.objects.filter(pk__in=sorted(found)).values_list("pk", "published_at")
    return {article for article, published_at in dated if club_day(published_at) in days}


def articles_dated_around(days: Iterable[dt.date]) -> set[int]:
    """The ids of the articles dated within the window of a match played on one of `days`."""
    windows = Q()
    for day in set(days):
        start, end = window_of(day)
        windows |= Q(published_at__gte=start, published_at__lt=end)
    if not windows:
        return set()
    return set(Article.objects.filter(windows).values_list("pk", flat=True))


@task
def relink_match_articles(*, days: list[str], article_ids: list[int] | None = None) -> int:
    """Relink the articles a change to a club match may affect: those dated within the window
    of a match on one of `days` (ISO dates in club time: the match day before and after the
    change) and `article_ids` (those linked to a deleted match). Returns how many. Safe to
    run twice, or late: a relink reads the matches as they are when it runs."""
    pks = articles_dated_around(dt.date.fromisoformat(day) for day in days)
    pks |= set(article_ids or ())
    if not pks:
        return 0
    return relink_articles(pks=sorted(pks))


@task
def relink_mentions_of(
    *,
    kind: Kind,
    pk: int,
    names: list[str],
    unlink: bool = False,
    article_ids: list[int] | None = None,
) -> int:
    """Relink the articles a change to the player, trophy or team `pk` may affect: those naming it
    by one of `names` (the names added or removed), with `unlink` those linked to it, and
    `article_ids` (those that linked to it before it was deleted). Returns how many were
    relinked. Safe to run twice, or late: a relink reads the names as they are when it runs."""
    pks = affected_articles(kind=kind, pk=pk, names=names, unlink=unlink) | set(article_ids or ())
    if not pks:
        return 0
    return relink_articles(pks=sorted(pks))
