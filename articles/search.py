"""Full-text search over published articles: SQLite FTS5, or PostgreSQL full-text search.

Whatever a reader types becomes a list of plain words, each matched as a word prefix and all
required, so quotes, operators and odd characters can never make a query fail. Titles weigh
most, then standfirsts, then bodies; ties go to the newer story. Snippets come back as safe
HTML with the matches in <mark>.

The same index finds the articles that name a player or trophy (`mentioning`), so that a new
name or alias relinks those articles and not every one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from articles.mentions import MentionIndex, Target, fold
from articles.models import CARD_FIELDS, Article, public_sql
from articles.rendering import plain_text

MAX_TERMS = 8
# A word found in more stories than this is ranked among the newest WINDOW of them: a news
# reader wants recent stories, and ranking every one of 100,000 matches costs too much.
WINDOW = 2000
_WORD = re.compile(r"[^\W_]+")  # letters and digits: nothing a query syntax could read
SNIPPET_LENGTH = 220


def terms_of(query: str) -> list[str]:
    """The words of a query, lower-cased, without duplicates, at most MAX_TERMS."""
    words: list[str] = []
    for word in _WORD.findall(query.lower()):
        if word not in words:
            words.append(word)
    return words[:MAX_TERMS]


def snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> str:
    """Safe HTML: the stretch of text around the first match, every match in <mark>.

    Matching folds case and accents like the index does; done here, for the page's ten
    results only, it costs less than asking the database (FTS5's snippet() for ten rowids
    took 80 ms at 100,000 articles).
    """
    text = " ".join(text.split())
    folded, positions = fold(text)
    words = [fold(term)[0] for term in terms]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")\w*")
    spans = [
        (positions[m.start()], positions[m.end() - 1] + 1) if positions else m.span()
        for m in pattern.finditer(folded)
    ]
    start = 0
    if spans and spans[0][0] > length // 3:
        start = text.rfind(" ", 0, spans[0][0] - length // 3) + 1
    end = min(len(text), start + length)
    if end < len(text):
        end = max(text.rfind(" ", start, end), start + 1)
    pieces, cursor = ["…" if start else ""], start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        pieces += [
            html.escape(text[cursor:span_start]),
            "<mark>",
            html.escape(text[span_start:span_end]),
            "</mark>",
        ]
        cursor = span_end
    pieces += [html.escape(text[cursor:end]), "…" if end < len(text) else ""]
    return "".join(pieces)


@dataclass(frozen=True)
class Hit:
    article: Article
    snippet: str  # safe HTML


class Results:
    """The ranked matches of one query, sliceable and countable, so Django's Paginator can
    page through them with one count query and one query per page."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.terms = terms_of(query)
        self._backend = _PostgresSearch() if connection.vendor == "postgresql" else _SqliteSearch()
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._backend.count(self.terms) if self.terms else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Hit]:
        if not self.terms:
            return []
        limit = window.stop - window.start
        ids = self._backend.page(self.terms, limit=limit, offset=window.start)
        if not ids:
            return []
        # The ids are published ones already; filtering again would steer SQLite's planner to
        # the status index and a scan instead of ten primary-key reads.
        cards = Article.objects.only(*CARD_FIELDS, "body_html").in_bulk(ids)
        return [
            Hit(cards[pk], snippet(plain_text(cards[pk].body_html), self.terms))
            for pk in ids
            if pk in cards
        ]


def matching_ids(query: str, *, vendor: str) -> tuple[str, list[str]]:
    """SQL selecting the ids of articles that match query (any status), for a filter."""
    terms = terms_of(query)
    if not terms:
        return "SELECT id FROM articles_article WHERE 1 = 0", []
    if vendor == "postgresql":
        sql = (
            "SELECT id FROM articles_article"
            " WHERE search_vector @@ to_tsquery('fanportal_search', %s)"
        )
        return sql, [_PostgresSearch().tsquery(terms)]
    sql = "SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH %s"
    return sql, [_SqliteSearch().match(terms)]


def mentioning(names: Iterable[str], *, batch_size: int = 500) -> set[int]:
    """The ids of the articles, of any status, whose title, standfirst or body names one of
    `names` as the mention matcher reads them (whole words, ignoring case, accents and hyphens).

    The full-text index gives the candidates: on SQLite the articles holding a name as a
    phrase, on PostgreSQL those holding every word of it (its parser reads "Van Dijk-led" as
    "van", "dijk-led", "dijk", "led", so the phrase "van dijk" would miss it); the matcher
    then reads just those articles' stored text and keeps the ones that really name one. A
    name the index holds no word of (only stop words on PostgreSQL, such as "It", or no
    letters at all) makes the matcher read every article instead. On PostgreSQL a name glued
    to the next word by "/", "." or "@" ("Salah/Núñez", an e-mail address) is one word to the
    parser and is not found; `manage.py relink_mentions` reads every article.
    """
    names = list(dict.fromkeys(name for name in names if name.strip()))
    if not names:
        return set()
    if connection.vendor == "sqlite":
        candidates = _sqlite_naming(names)
    elif connection.vendor == "postgresql":
        candidates = _postgres_naming(names)
    else:
        candidates = None
    texts = Article.objects.order_by("pk").values_list("pk", "title", "standfirst", "body_html")
    if candidates is None:
        batches: Iterable[Iterable[tuple[int, str, str, str]]] = [
            texts.iterator(chunk_size=batch_size)
        ]
    else:
        # In batches: a name in most of 100,000 stories would pass too many ids for one query.
        ids = sorted(candidates)
        batches = (
            texts.filter(pk__in=ids[start : start + batch_size])
            for start in range(0, len(ids), batch_size)
        )
    # One target for every name: an alias two people share is ambiguous to a relink, but the
    # articles that use it are still the ones a change to it affects.
    index = MentionIndex([(Target("player", 0, ""), names)])
    return {
        pk
        for batch in batches
        for pk, title, standfirst, body_html in batch
        if index.find(title) or index.find(standfirst) or index.find(plain_text(body_html))
    }


def _words(name: str) -> list[str]:
    """A name's words as both indexes split text: runs of letters and digits, folded."""
    return _WORD.findall(fold(name)[0])


def _sqlite_naming(names: list[str]) -> set[int] | None:
    phrases = []
    for name in names:
        words = _words(name)
        if not words:
            return None
        phrases.append('"' + " ".join(words) + '"')
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH %s",
            [" OR ".join(phrases)],
        )
        return {row[0] for row in cursor.fetchall()}


def _postgres_naming(names: list[str]) -> set[int] | None:
    texts = [" ".join(_words(name)) for name in names]
    with connection.cursor() as cursor:
        # Stop words are not in the index: a name of nothing else cannot be looked up in it.
        cursor.execute(
            "SELECT count(*) FROM unnest(%s::text[]) AS name"
            " WHERE numnode(plainto_tsquery('fanportal_search', name)) = 0",
            [texts],
        )
        if cursor.fetchone()[0]:
            return None
        query = " || ".join(["plainto_tsquery('fanportal_search', %s)"] * len(texts))
        cursor.execute(f"SELECT id FROM articles_article WHERE search_vector @@ ({query})", texts)
        return {row[0] for row in cursor.fetchall()}


class _SqliteSearch:
    # The window is the newest WINDOW public matches by rowid (the order stories arrived): a
    # rowid range is something FTS5 can walk cheaply, unlike a list of ids. CROSS JOIN keeps the
    # index as the outer loop: left to itself, SQLite's planner walks every published article
    # and asks the index about each (100 ms for a rare word).
    MATCHES = """
        FROM articles_article_fts
        CROSS JOIN articles_article a ON a.id = articles_article_fts.rowid
        WHERE articles_article_fts MATCH %s AND {public_a}
          AND articles_article_fts.rowid >= (SELECT coalesce((
              SELECT articles_article_fts.rowid FROM articles_article_fts
              CROSS JOIN articles_article p ON p.id = articles_article_fts.rowid
              WHERE articles_article_fts MATCH %s AND {public_p}
              ORDER BY articles_article_fts.rowid DESC LIMIT 1 OFFSET %s), 0))
    """

    def match(self, terms: list[str]) -> str:
        # Each word quoted (so nothing in it is syntax) and matched as a prefix.
        return " ".join(f'"{term}"*' for term in terms)

    def matches(self, terms: list[str]) -> tuple[str, list[Any]]:
        """The FROM and WHERE of the window's matches, and their parameters."""
        public_a, params = public_sql("a", using=connection.alias)
        public_p, _ = public_sql("p", using=connection.alias)
        match = self.match(terms)
        sql = self.MATCHES.format(public_a=public_a, public_p=public_p)
        return sql, [match, *params, match, *params, WINDOW - 1]

    def count(self, terms: list[str]) -> int:
        sql, params = self.matches(terms)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {sql}", params)
            return cursor.fetchone()[0]

    def page(self, terms: list[str], *, limit: int, offset: int) -> list[int]:
        sql, params = self.matches(terms)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT a.id {sql}
                ORDER BY bm25(articles_article_fts, 10.0, 4.0, 1.0), a.id DESC
                LIMIT %s OFFSET %s
                """,
                [*params, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]


class _PostgresSearch:
    """The newest WINDOW matches, found by whichever of two reads is cheap for the query.

    The planner cannot estimate a prefix match, so left to itself it reads every match
    through the GIN index and sorts them (140 ms for a word in every story of 100,000). We
    ask the GIN index first for at most WINDOW + 1 matches in any order: fewer than that is
    the whole answer (a rare word, 1 ms). Otherwise the word is common, and walking the
    listing index newest first, testing each story, reaches WINDOW matches soon (10 ms);
    the walk goes in growing chunks so that a middling word still ends.
    """

    FIRST_CHUNK = 2 * WINDOW

    def __init__(self) -> None:
        self._candidates: dict[str, list[int]] = {}

    def tsquery(self, terms: list[str]) -> str:
        return " & ".join(f"{term}:*" for term in terms)

    def candidates(self, terms: list[str]) -> list[int]:
        tsquery = self.tsquery(terms)
        if tsquery not in self._candidates:
            self._candidates[tsquery] = self._find(tsquery)
        return self._candidates[tsquery]

    def _find(self, tsquery: str) -> list[int]:
        condition, public = public_sql("articles_article", using=connection.alias)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT id, published_at FROM articles_article
                WHERE search_vector @@ to_tsquery('fanportal_search', %s) AND {condition}
                LIMIT %s
                """,
                [tsquery, *public, WINDOW + 1],
            )
            rows = cursor.fetchall()
            if len(rows) <= WINDOW:
                return [
                    pk for pk, _ in sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)
                ]
            found: list[int] = []
            after: list[Any] = []
            chunk = self.FIRST_CHUNK
            while True:
                boundary = "AND (published_at, id) < (%s, %s)" if after else ""
                newest = f"""
                    FROM articles_article WHERE {condition} {boundary}
                    ORDER BY published_at DESC, id DESC
                """
                # The outer LIMIT stops the walk at the window's end: each row tested costs a
                # read of its search vector, so none is tested that is not needed.
                cursor.execute(
                    f"""
                    SELECT id FROM (SELECT id, search_vector {newest} LIMIT %s) AS newest
                    WHERE search_vector @@ to_tsquery('fanportal_search', %s) LIMIT %s
                    """,
                    [*public, *after, chunk, tsquery, WINDOW - len(found)],
                )
                found += [row[0] for row in cursor.fetchall()]
                if len(found) >= WINDOW:
                    return found
                # The chunk held too few: go on after its last row, with a chunk twice as long.
                cursor.execute(
                    f"SELECT published_at, id {newest} OFFSET %s LIMIT 1",
                    [*public, *after, chunk - 1],
                )
                last = cursor.fetchone()
                if last is None:
                    return found  # every public article was walked
                after, chunk = list(last), chunk * 2

    def count(self, terms: list[str]) -> int:
        return len(self.candidates(terms))

    def page(self, terms: list[str], *, limit: int, offset: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT a.id FROM articles_article a
                WHERE a.id = ANY(%s)
                ORDER BY ts_rank(a.search_vector, to_tsquery('fanportal_search', %s)) DESC,
                         a.published_at DESC, a.id DESC
                LIMIT %s OFFSET %s
                """,
                [self.candidates(terms), self.tsquery(terms), limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]
