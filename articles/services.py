"""Writes to articles: the one path by which an article is saved.

The admin, the importer, the API and relinking all call `article_save`, so what a page reads
(the rendered and sanitised body, the excerpt, the word count, the stored card, the links to
the players and trophies the text names) is made in one place, once, when the text changes.
A request never renders Markdown or matches names.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router, transaction
from django.template.loader import render_to_string

from articles.mentions import MentionIndex, Mentions
from articles.models import IMAGE_WIDTHS, Article, SlugRedirect, Tag
from articles.rendering import render_body
from images.processing import sync_renditions

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


def article_save(
    *,
    article: Article,
    index: MentionIndex | None = None,
    keep: Mentions | None = None,
    tags: Iterable[Tag] | None = None,
    update_fields: Iterable[str] | None = None,
) -> Article:
    """Save the article and everything derived from it, in one transaction.

    Renders and sanitises the body, stores the card, excerpt and word count, saves the row
    (its post_save bumps the page cache's content version inside this transaction, so pages
    and content change together), points `players` and `trophies` at what the text mentions
    plus `keep` (links picked by hand that the caller wants kept), sets `tags` when given,
    leaves a redirect behind a changed slug and brings the image renditions up to date.
    `update_fields` limits the row's write to those fields (the derived ones are added;
    `updated_at`, the time of the last editorial change, only when named).
    """
    index = index or MentionIndex.from_database()
    mentions = render_article(article, index=index)
    if keep is not None:
        mentions = mentions | keep
    is_new = article.pk is None
    old_slug = article.loaded_slug
    article.card_html = render_card(article)
    using = router.db_for_write(Article, instance=article)
    with transaction.atomic(using=using):
        if update_fields is not None:
            article.save(update_fields={*update_fields, *DERIVED_FIELDS})
        else:
            article.save()
        _set_links(article, mentions, is_new=is_new, using=using)
        if tags is not None:
            article.tags.set(tags)
        if old_slug and old_slug != article.slug:
            # Links to the old address keep working, with a permanent redirect.
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})
            SlugRedirect.objects.filter(old_slug=article.slug).delete()
        article.loaded_slug = article.slug
        if sync_renditions(article, "image", "image_renditions", IMAGE_WIDTHS):
            article.card_html = render_card(article)
            Article.objects.filter(pk=article.pk).update(card_html=article.card_html)
    return article


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
    """The players and trophies the article links to now (to keep them on a save)."""
    return Mentions(
        set(article.players.values_list("pk", flat=True)),
        set(article.trophies.values_list("pk", flat=True)),
    )


def relink_articles(
    *,
    pks: Iterable[int] | None = None,
    index: MentionIndex | None = None,
    batch_size: int = 500,
) -> int:
    """Save every article (or those in `pks`) again with the current names and aliases
    (body, card, links); return how many. Each article is its own transaction, so a relink
    stopped half-way leaves every article it reached consistent and public pages current."""
    index = index or MentionIndex.from_database()
    articles = Article.objects.order_by("pk")
    if pks is not None:
        articles = articles.filter(pk__in=list(pks))
    count = 0
    for article in articles.iterator(chunk_size=batch_size):
        article_save(article=article, index=index, update_fields=())
        count += 1
    return count
