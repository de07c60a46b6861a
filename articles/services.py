"""Writes to articles: the one path by which an article is saved.

The admin, the importer, the API and relinking all call `article_save`, so what a page reads
(the rendered and sanitised body, the excerpt, the word count, the stored card, the links to
the players and trophies the text names, the match it previews or reports) is made in one
place, once, when the text changes. A request never renders Markdown or matches names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router, transaction
from django.template.loader import render_to_string

from articles.mentions import MentionIndex, Mentions
from articles.models import CLUB_MATCHES, IMAGE_WIDTHS, Article, ArticleMatch, SlugRedirect, Tag
from articles.rendering import plain_text, render_body
from images.processing import sync_renditions
from matches.models import Match
from players.models import Player
from revisions.models import Actor, Revision, record, when
from trophies.models import Trophy

# What the body's text decides; relinking writes these and nothing an editor set.
DERIVED_FIELDS = ("body_html", "excerpt", "word_count", "card_html")


def render_card(article: Article) -> str:
    """The article's card in listings, stored so that a listing prints it instead of
    running a template per card."""
    return render_to_string("includes/article_card.html", {"article": article})


def render_article(article: Article, *, index: MentionIndex) -> Mentions:
    """Fill the fields derived from the article's text; return what it mentions. No queries."""
    rendered = render_body(
        title=article.title, standfirst=article.standfirst, body=article.body, index=index
    )
    article.body_html = rendered.html
    article.excerpt = rendered.excerpt
    article.word_count = rendered.word_count
    return rendered.mentions


class EditConflict(Exception):
    """A save based on a version of the article older than the stored one: refused, so that
    nobody overwrites a change they never saw. Says who made the stored version and when."""

    def __init__(self, article: Article, *, version: int, latest: Revision | None) -> None:
        self.article, self.version, self.latest = article, version, latest
        by = f" by {latest.author}" if latest else ""
        at = f" at {when(latest)}" if latest else ""
        title = latest.object_repr if latest else article.title
        super().__init__(
            f"“{title}” was changed{by}{at}, after you read it; your changes are not saved."
        )


@dataclass(frozen=True)
class MatchPicks:
    """What an editor decided about an article's matches: the matches picked, each with
    its role ("preview" or "report"), and the found matches removed (see ArticleMatch)."""

    picked: Mapping[int, str] = field(default_factory=dict)
    removed: frozenset[int] = frozenset()


@dataclass(frozen=True)
class MatchLinks:
    """An article's links to matches, found and picked (a match's pk to its role and
    whether it was picked), and the found matches an editor removed."""

    links: Mapping[int, tuple[str, bool]] = field(default_factory=dict)
    removed: frozenset[int] = frozenset()

    @property
    def picks(self) -> MatchPicks:
        picked = {pk: role for pk, (role, is_picked) in self.links.items() if is_picked}
        return MatchPicks(picked, self.removed)

    def snapshot(self) -> dict[str, list[Any]]:
        """As a revision keeps them: links as "<match pk>:<role>" (the diff names each)."""
        return {
            "matches": sorted(f"{pk}:{role}" for pk, (role, _) in self.links.items()),
            "picked_matches": sorted(
                f"{pk}:{role}" for pk, (role, picked) in self.links.items() if picked
            ),
            "removed_matches": sorted(self.removed),
        }


def match_links_of(article: Article) -> MatchLinks:
    """The article's stored links to matches and removed matches (two queries)."""
    if article.pk is None:
        return MatchLinks()
    return MatchLinks(_stored_match_links(article), _stored_removed(article))


def _stored_match_links(article: Article) -> dict[int, tuple[str, bool]]:
    rows = ArticleMatch.objects.filter(article=article).values_list("match_id", "role", "picked")
    return {pk: (role, picked) for pk, role, picked in rows}


def _stored_removed(article: Article) -> frozenset[int]:
    return frozenset(article.removed_matches.values_list("pk", flat=True))


def snapshot(
    article: Article,
    *,
    tags: Iterable[int],
    links: Mentions,
    picked: Mentions,
    matches: MatchLinks | None = None,
) -> dict[str, Any]:
    """The article's whole content, as a revision keeps it (ids for what it links to)."""
    return {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "status": article.status,
        # To the second, as forms show it: a form's save that leaves the time alone changes
        # nothing a reader (or a diff) would see.
        "published_at": article.published_at.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
        "author": article.author,
        "image": article.image.name or "",
        "image_alt": article.image_alt,
        "tags": sorted(tags),
        "players": sorted(links.player_ids),
        "trophies": sorted(links.trophy_ids),
        "picked_players": sorted(picked.player_ids),
        "picked_trophies": sorted(picked.trophy_ids),
        **(matches or MatchLinks()).snapshot(),
    }


def article_save(
    *,
    article: Article,
    actor: Actor | None,
    index: MentionIndex | None = None,
    picked: Mentions | None = None,
    match_picks: MatchPicks | None = None,
    tags: Iterable[Tag] | None = None,
    update_fields: Iterable[str] | None = None,
    base_version: int | None = None,
) -> Article:
    """Save the article and everything derived from it, in one transaction.

    Renders and sanitises the body, stores the card, excerpt and word count, saves the row
    (its post_save bumps the page cache's content version inside this transaction, so pages
    and content change together), points `players` and `trophies` at what the text mentions
    plus the links picked by hand (`picked`, or the stored ones when None), sets `tags` when
    given, leaves a redirect behind a changed slug and brings the image renditions up to
    date. `update_fields` limits the row's write to those fields (the derived ones are added;
    `updated_at`, the time of the last editorial change, only when named).

    Links the article to the club match its text and date point at (MatchIndex.find, from
    `index.matches`), unless an editor removed that match, and to the matches an editor
    picked: `match_picks` replaces the stored picks and removals, None keeps them (see
    ArticleMatch). One query reads the stored links; a second, the removals, only when they
    matter (a match found that is not linked yet, an editorial save's revision).

    An editorial save (an `actor` says who or what makes it) raises the article's version
    and records a revision of its whole content; with `base_version`, it is refused with
    `EditConflict` when the stored article is no longer that version. A save without an
    actor (relinking after names changed) writes what the text decides and nothing else.
    """
    index = index or MentionIndex.from_database()
    is_new = article.pk is None
    stored_picks = Mentions(set(), set()) if is_new else picked_links(article)
    picked = stored_picks if picked is None else picked
    links = render_article(article, index=index) | picked
    found = index.matches.find(
        article.title,
        article.standfirst,
        plain_text(article.body_html),
        published_at=article.published_at,
    )
    stored_matches = {} if is_new else _stored_match_links(article)
    removed = _Lazy(
        (lambda: frozenset()) if is_new else (lambda: _stored_removed(article)),
        None if match_picks is None else match_picks.removed,
    )
    if match_picks is None:
        wanted = {pk: (role, True) for pk, (role, chosen) in stored_matches.items() if chosen}
    else:
        wanted = {pk: (role, True) for pk, role in match_picks.picked.items()}
    if found is not None and found.pk not in wanted:
        # A found link already stored was not removed (a removal deletes the link): unless
        # the removals change, they need reading only for a match not linked yet.
        linked = match_picks is None and stored_matches.get(found.pk) == (found.role, False)
        if linked or found.pk not in removed.value:
            wanted[found.pk] = (found.role, False)
    old_slug = article.loaded_slug
    article.card_html = render_card(article)
    using = router.db_for_write(Article, instance=article)
    fields = None if update_fields is None else {*update_fields, *DERIVED_FIELDS}
    with transaction.atomic(using=using):
        if actor is not None and not is_new:
            stored = (
                Article.objects.using(using)
                .select_for_update()
                .filter(pk=article.pk)
                .values_list("version", flat=True)
                .get()
            )
            if base_version is not None and stored != base_version:
                latest = Revision.objects.latest_of(article)
                raise EditConflict(article, version=stored, latest=latest)
            article.version = stored + 1
            if fields is not None:
                fields.add("version")
        if fields is not None:
            article.save(update_fields=fields)
        else:
            article.save()
        _set_links(article, links, is_new=is_new, using=using)
        _set_match_links(article, wanted, stored_matches, using=using)
        if match_picks is not None:
            # A match picked is not removed: the pick says the story is about it.
            keep_removed = match_picks.removed - wanted.keys()
            if keep_removed != (frozenset() if is_new else _stored_removed(article)):
                article.removed_matches.set(keep_removed)
            removed.value = keep_removed
        if picked != stored_picks:
            article.picked_players.set(picked.player_ids)
            article.picked_trophies.set(picked.trophy_ids)
        tag_list = None if tags is None else list(tags)
        if tag_list is not None:
            article.tags.set(tag_list)
        if old_slug and old_slug != article.slug:
            # Links to the old address keep working, with a permanent redirect.
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})
            SlugRedirect.objects.filter(old_slug=article.slug).delete()
        article.loaded_slug = article.slug
        if sync_renditions(article, "image", "image_renditions", IMAGE_WIDTHS):
            article.card_html = render_card(article)
            Article.objects.filter(pk=article.pk).update(card_html=article.card_html)
        if actor is not None:
            if tag_list is not None:
                tag_ids = [tag.pk for tag in tag_list]
            else:
                tag_ids = [] if is_new else list(article.tags.values_list("pk", flat=True))
            matches = MatchLinks(wanted, removed.value)
            data = snapshot(article, tags=tag_ids, links=links, picked=picked, matches=matches)
            record(article, data=data, actor=actor)
    return article


class _Lazy:
    """A value read when first asked for (or given)."""

    def __init__(self, read: Callable[[], frozenset[int]], value: frozenset[int] | None) -> None:
        self.read, self._value = read, value

    @property
    def value(self) -> frozenset[int]:
        if self._value is None:
            self._value = self.read()
        return self._value

    @value.setter
    def value(self, value: frozenset[int]) -> None:
        self._value = value


def _set_match_links(
    article: Article,
    wanted: Mapping[int, tuple[str, bool]],
    stored: Mapping[int, tuple[str, bool]],
    *,
    using: str,
) -> None:
    """Point the article's matches at exactly `wanted` (a match's pk to role and picked)."""
    if wanted == stored:
        return
    gone = [pk for pk, link in stored.items() if wanted.get(pk) != link]
    if gone:
        ArticleMatch.objects.using(using).filter(article=article, match_id__in=gone).delete()
    new = [
        ArticleMatch(article=article, match_id=pk, role=role, picked=picked)
        for pk, (role, picked) in wanted.items()
        if stored.get(pk) != (role, picked)
    ]
    if new:
        ArticleMatch.objects.using(using).bulk_create(new)


def parse_match_link(value: str) -> tuple[int, str] | None:
    """ "17:report" (a revision's form of a link) as (17, "report"); None if malformed."""
    pk, _, role = str(value).partition(":")
    if not pk.isdigit() or role not in ArticleMatch.Role.values:
        return None
    return int(pk), role


def article_restore(*, article: Article, revision: Revision, actor: Actor) -> Article:
    """Put the article back as `revision` has it (its text, state, time, image, tags,
    hand-picked links and matches, removed matches; what the text names and the match it
    points at are found again), as a new revision."""
    # What a revision lacks (one older than a field) stays as the article has it now.
    stored_matches = match_links_of(article)
    data = {
        **snapshot(
            article,
            tags=[],
            links=Mentions(),
            picked=picked_links(article),
            matches=stored_matches,
        )
    }
    data.update(revision.data)
    for name in ("title", "slug", "standfirst", "body", "status", "author", "image_alt"):
        setattr(article, name, data[name])
    article.published_at = dt.datetime.fromisoformat(data["published_at"])
    if data["image"] != article.image.name and (
        not data["image"] or article.image.storage.exists(data["image"])
    ):
        article.image.name = data["image"]
    players = Player.objects.filter(pk__in=data["picked_players"]).values_list("pk", flat=True)
    trophies = Trophy.objects.filter(pk__in=data["picked_trophies"]).values_list("pk", flat=True)
    picks = dict(filter(None, map(parse_match_link, data["picked_matches"])))
    removed = [pk for pk in data["removed_matches"] if isinstance(pk, int)]
    # Matches deleted since are left out.
    existing = set(
        Match.objects.filter(CLUB_MATCHES, pk__in=[*picks, *removed]).values_list("pk", flat=True)
    )
    return article_save(
        article=article,
        actor=actor,
        picked=Mentions(set(players), set(trophies)),
        match_picks=MatchPicks(
            {pk: role for pk, role in picks.items() if pk in existing},
            frozenset(pk for pk in removed if pk in existing),
        ),
        tags=Tag.objects.filter(pk__in=data["tags"]) if "tags" in revision.data else None,
    )


def _set_links(article: Article, mentions: Mentions, *, is_new: bool, using: str) -> None:
    """Point the article's players and trophies at exactly `mentions`."""
    connection = connections[using]
    for relation, wanted in (
        (Article.players, mentions.player_ids),
        (Article.trophies, mentions.trophy_ids),
    ):
        through = relation.through
        column = relation.field.m2m_reverse_field_name() + "_id"
        if not is_new:
            links = through.objects.using(using).filter(article=article)
            if set(links.values_list(column, flat=True)) == wanted:
                continue
            links.delete()
        if wanted:
            # One plain multi-row INSERT: this runs for every imported story, and bulk_create
            # (or executemany, a statement a row on PostgreSQL) costs more than the insert.
            table = connection.ops.quote_name(through._meta.db_table)
            rows = ", ".join(["(%s, %s)"] * len(wanted))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (article_id, {connection.ops.quote_name(column)}) "
                    f"VALUES {rows}",
                    [value for pk in sorted(wanted) for value in (article.pk, pk)],
                )


def links_of(article: Article) -> Mentions:
    """Every player and trophy the article links to now (found in the text or picked)."""
    return Mentions(
        set(article.players.values_list("pk", flat=True)),
        set(article.trophies.values_list("pk", flat=True)),
    )


def picked_links(article: Article) -> Mentions:
    """The players and trophies an editor picked by hand for the article."""
    return Mentions(
        set(article.picked_players.values_list("pk", flat=True)),
        set(article.picked_trophies.values_list("pk", flat=True)),
    )


def relink_articles(
    *,
    pks: Iterable[int] | None = None,
    index: MentionIndex | None = None,
    batch_size: int = 500,
) -> int:
    """Save every article (or those in `pks`) again with the current names and aliases
    (body, card, links); return how many. Each article is its own transaction, so a relink
    stopped half-way leaves every article it reached consistent and public pages current.

    Each article is read again under its row's lock just before its save: a relink of many
    articles takes a while, and one read at the start would render the text an editor had
    replaced in the meantime."""
    index = index or MentionIndex.from_database()
    articles = Article.objects.order_by("pk")
    if pks is not None:
        articles = articles.filter(pk__in=list(pks))
    count = 0
    for pk in articles.values_list("pk", flat=True).iterator(chunk_size=batch_size):
        with transaction.atomic(using=router.db_for_write(Article)):
            article = Article.objects.select_for_update().filter(pk=pk).first()
            if article is None:  # deleted since
                continue
            article_save(article=article, actor=None, index=index, update_fields=())
        count += 1
    return count
