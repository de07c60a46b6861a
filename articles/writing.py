"""Saving an article: the one place that keeps body_html, word count and mentions current.

The admin, the importer, the API and `relink_mentions` all save through here, so a request
never renders Markdown or matches names: it only reads what was stored.
"""

from __future__ import annotations

from django.db import connection, transaction

from articles.mentions import MentionIndex, Mentions
from articles.models import Article
from articles.rendering import render_body
from pagecache.versioning import bump


def render_article(article: Article, *, index: MentionIndex) -> Mentions:
    """Fill the article's derived fields from its text; return what it mentions. No queries."""
    rendered = render_body(
        title=article.title, standfirst=article.standfirst, body=article.body, index=index
    )
    article.body_html = rendered.html
    article.excerpt = rendered.excerpt
    article.word_count = rendered.word_count
    return rendered.mentions


def set_mentions(
    article: Article, mentions: Mentions, *, keep_existing: bool = False, is_new: bool = False
) -> None:
    """Point the article's players and trophies at what its text mentions.

    keep_existing keeps what an editor picked by hand as well (the admin's choice). is_new
    says the article has no links yet, which spares the importer a query per relation.
    """
    for relation, found_ids in (
        (Article.players, mentions.player_ids), (Article.trophies, mentions.trophy_ids)
    ):
        through = relation.through
        column = relation.field.m2m_reverse_field_name() + "_id"
        wanted = set(found_ids)
        if not is_new:
            links = through.objects.filter(article=article)
            if keep_existing:
                wanted |= set(links.values_list(column, flat=True))
            links.delete()
        if wanted:
            # One plain multi-row insert: this runs for every imported story, and the ORM's
            # bulk_create costs more than the insert itself.
            table = connection.ops.quote_name(through._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} (article_id, {connection.ops.quote_name(column)}) "
                    "VALUES (%s, %s)",
                    [(article.pk, pk) for pk in sorted(wanted)],
                )


def save_article(
    article: Article, *, index: MentionIndex | None = None, keep_existing: bool = False
) -> Article:
    """Render the article, save it and set its mentions (keeping hand-picked ones if asked)."""
    mentions = render_article(article, index=index or MentionIndex.from_database())
    with transaction.atomic():
        article.save()
        set_mentions(article, mentions, keep_existing=keep_existing)
    return article


def relink_all(*, index: MentionIndex | None = None, batch_size: int = 500) -> int:
    """Re-render every article (body, card) with the current names and aliases; return how
    many. Run after changing aliases, or the card template."""
    index = index or MentionIndex.from_database()
    count = 0
    for article in Article.objects.order_by("pk").iterator(chunk_size=batch_size):
        mentions = render_article(article, index=index)
        with transaction.atomic():
            Article.objects.filter(pk=article.pk).update(
                body_html=article.body_html, excerpt=article.excerpt,
                word_count=article.word_count, card_html=article.render_card(),
            )
            set_mentions(article, mentions)
        count += 1
    # Bulk updates send no save signals, so the page cache is told once, at the end.
    bump()
    return count
