from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Self, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from images.fields import SafeImageField
from matches.models import Match
from players.models import Player
from trophies.models import Trophy

IMAGE_WIDTHS = (480, 800, 1200, 1600)
# The matches an article can be linked to: the club's own.
CLUB_MATCHES = models.Q(home__is_club=True) | models.Q(away__is_club=True)
RELATED_WINDOW = 60
RELATED_FIELDS = ("title", "slug", "card_html")

# Fields a card in a listing reads; the body stays in the database.
CARD_FIELDS = (
    "title",
    "slug",
    "standfirst",
    "excerpt",
    "published_at",
    "image",
    "image_alt",
    "image_width",
    "image_height",
    "image_renditions",
    "word_count",
    "card_html",
)


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:tag", args=[self.slug])


# What article pages load of each relation (named as Subjects' fields): by with_relations(),
# and by Subjects.of() for the article page.
RELATIONS: dict[str, Callable[[], models.QuerySet]] = {
    # The chips and the JSON-LD Person read a card's fields, not the stored card itself.
    "players": lambda: Player.objects.for_listing().defer("card_html", "photo_renditions"),
    "trophies": lambda: Trophy.objects.only("name", "slug"),
    "tags": lambda: Tag.objects.all(),
}


@dataclass(frozen=True)
class Subjects:
    """Who and what an article is about: what its page shows besides the article."""

    players: list[Player]
    trophies: list[Trophy]
    tags: list[Tag]
    # The matches it previews or reports, with their teams and competition (the strip).
    matches: list[ArticleMatch]

    @classmethod
    def of(cls, article: Article) -> Subjects:
        """One plain query per relation: for one article, cheaper than prefetch_related's
        machinery (1.4 ms against 2.0 ms for the article page's four queries)."""
        return cls(
            **{
                name: list(related().filter(articles=article.pk))
                for name, related in RELATIONS.items()
            },
            matches=list(ArticleMatch.objects.for_strip().filter(article=article.pk)),
        )


def public_sql(alias: str, *, using: str, now: dt.datetime | None = None) -> tuple[str, list]:
    """`ArticleQuerySet.published()` as a SQL condition on the article table named `alias`,
    with its parameters: for the queries written by hand (related stories, search)."""
    status = Article._meta.get_field("status").column
    published_at = Article._meta.get_field("published_at").column
    cut_off = connections[using].ops.adapt_datetimefield_value(now or timezone.now())
    return (
        f"{alias}.{status} = %s AND {alias}.{published_at} <= %s",
        [Article.Status.PUBLISHED, cut_off],
    )


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, now: dt.datetime | None = None) -> ArticleQuerySet:
        """What the public may see: published, and not scheduled for later.

        The one definition of public, used by every view, feed, sitemap and API endpoint
        (and, as SQL, by the hand-written queries: see `public_sql`). Scheduled articles
        appear by themselves because the cut-off is the time of the query.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def next_scheduled(self, now: dt.datetime) -> dt.datetime | None:
        """When the next scheduled article becomes public: the moment the public site
        changes by itself (None when nothing is waiting). The page cache ends there."""
        return (
            self.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def for_listing(self, now: dt.datetime | None = None) -> ArticleQuerySet:
        return self.published(now).only(*CARD_FIELDS)

    def cards(self, now: dt.datetime | None = None) -> models.QuerySet[Article, str]:
        """The stored card HTML of each public article, newest first: for listings that print
        cards and nothing else, so no article objects are made (20 cards: 0.5 ms -> 0.2 ms)."""
        return self.published(now).values_list("card_html", flat=True)

    def for_feed(self) -> ArticleQuerySet:
        return self.published().only(*CARD_FIELDS, "author", "updated_at")

    def for_sitemap(self) -> ArticleQuerySet:
        return self.published().only("slug", "updated_at").order_by("-published_at", "-pk")

    def for_news_sitemap(self, *, days: int = 2) -> ArticleQuerySet:
        """What Google News wants: articles published in the last two days."""
        since = timezone.now() - dt.timedelta(days=days)
        return (
            self.published().filter(published_at__gte=since).only("title", "slug", "published_at")
        )

    def with_relations(self) -> ArticleQuerySet:
        """Everything an article page shows besides the article: people, trophies, tags (the
        matches are read by `subjects`, in one query, when a page asks)."""
        return self.prefetch_related(
            *(models.Prefetch(name, queryset=related()) for name, related in RELATIONS.items())
        )

    def for_detail(self) -> ArticleQuerySet:
        return self.published().with_relations()

    def related_to(
        self, article: Article, *, limit: int = 4, window: int = RELATED_WINDOW
    ) -> list[Article]:
        """Up to `limit` other public articles, ranked by shared players and trophies, then
        shared tags, then recency. Reads the article's subjects. The articles
        carry their title, slug and stored card only (RELATED_FIELDS): all a page prints.

        Only the newest `window` articles that share anything are ranked (a news reader wants
        recent ones): at ten thousand articles, counting overlaps with every one of them took
        280 ms. One query, in SQL rather than the ORM: the database walks the listing index
        newest first, keeps the articles that share a link (the link tables' indexes answer),
        stops at the window's end and counts the shared links of those alone (0.34 ms at ten
        thousand articles, all told), while building the same query through the ORM cost
        3.5 ms more on every article page.
        """
        subjects = article.subjects
        links = [
            (Article.players.through, "player_id", [player.pk for player in subjects.players]),
            (Article.trophies.through, "trophy_id", [trophy.pk for trophy in subjects.trophies]),
            (Article.tags.through, "tag_id", [tag.pk for tag in subjects.tags]),
        ]
        counts, shares, params = [], [], []
        for through, column, ids in links:
            if ids:
                links_of_a = (
                    f"FROM {through._meta.db_table} l WHERE l.article_id = a.id"
                    f" AND l.{column} IN ({', '.join(['%s'] * len(ids))})"
                )
                counts.append(f"(SELECT COUNT(*) {links_of_a})")
                # Not EXISTS: PostgreSQL would hash every link of these people first (10 ms).
                shares.append(f"(SELECT 1 {links_of_a} LIMIT 1) IS NOT NULL")
                params.append(ids)
            else:
                counts.append("0")
        if not shares:
            return []
        table = Article._meta.db_table
        public, public_params = public_sql("a", using=self.db)
        # RELATED_FIELDS are concrete fields of Article (get_field() may also answer relations).
        columns = ", ".join(
            f"a.{cast('models.Field[Any, Any]', Article._meta.get_field(name)).column}"
            for name in RELATED_FIELDS
        )
        # The window is filtered by looking for one shared link; only the window's articles
        # are counted (0.34 ms against 0.52 ms when counts did both).
        sql = f"""
            SELECT a.id, {columns} FROM (
                SELECT a.id, a.published_at,
                       {counts[0]} + {counts[1]} AS shared, {counts[2]} AS shared_tags
                FROM {table} a
                WHERE {public} AND a.id <> %s
                  AND ({" OR ".join(shares)})
                ORDER BY a.published_at DESC, a.id DESC
                LIMIT %s
            ) ranked JOIN {table} a ON a.id = ranked.id
            ORDER BY ranked.shared DESC, ranked.shared_tags DESC, ranked.published_at DESC,
                     ranked.id DESC
            LIMIT %s
        """
        ids = [value for values in params for value in values]
        with connections[self.db].cursor() as cursor:
            # Text and ids only, which need no conversion: so rows become articles directly,
            # without raw()'s column mapping (0.4 ms of the 0.9 ms this took).
            cursor.execute(sql, [*ids, *public_params, article.pk, *ids, window, limit])
            rows = cursor.fetchall()
        return [self.model.from_db(self.db, ("id", *RELATED_FIELDS), row) for row in rows]

    def mentioning_player(self, player: Player) -> ArticleQuerySet:
        return self.for_listing().filter(players=player)

    def mentioning_trophy(self, trophy: Trophy) -> ArticleQuerySet:
        return self.for_listing().filter(trophies=trophy)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True, help_text="Used in the article's address.")
    standfirst = models.CharField(
        max_length=300, blank=True, help_text="One sentence under the headline. Optional."
    )
    body = models.TextField(
        help_text="Markdown: blank line between paragraphs, **bold**, _italic_, [link](https://…)."
    )
    body_html = models.TextField(editable=False, default="")
    excerpt = models.CharField(max_length=300, editable=False, default="")
    published_at = models.DateTimeField(
        default=timezone.now, help_text="A time in the future schedules the article."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    image = SafeImageField(
        upload_to="articles/%Y/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
        help_text=(
            "JPEG, PNG or WebP, at most 10 MB. Shown at the top of the story and in listings."
        ),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    image_alt = models.CharField(
        "image description",
        max_length=255,
        blank=True,
        help_text="What the image shows, for screen readers.",
    )
    author = models.CharField(max_length=100, blank=True, help_text="Byline.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    # Who and what the article is about: found in its text on every save, plus the ones an
    # editor picked by hand (kept by every relink and import, whatever the text says).
    players = models.ManyToManyField(Player, blank=True, related_name="articles")
    trophies = models.ManyToManyField(Trophy, blank=True, related_name="articles")
    picked_players = models.ManyToManyField(
        Player,
        blank=True,
        related_name="+",
        verbose_name="also about (players and staff)",
        help_text="People the story is about that its text does not name.",
    )
    picked_trophies = models.ManyToManyField(
        Trophy,
        blank=True,
        related_name="+",
        verbose_name="also about (trophies)",
        help_text="Trophies the story is about that its text does not name.",
    )
    # The club matches it previews or reports (ArticleMatch says which): the one found from the
    # opponent it names and its date on every save, plus those an editor picked, less those
    # an editor removed (see ArticleMatch).
    matches = models.ManyToManyField(
        Match, through="ArticleMatch", blank=True, related_name="articles"
    )
    removed_matches = models.ManyToManyField(
        Match,
        blank=True,
        related_name="+",
        limit_choices_to=CLUB_MATCHES,
        verbose_name="not about these matches",
        help_text="Matches found from the story's text and date that it is not about.",
    )
    source_name = models.CharField(max_length=255, blank=True, editable=False)
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The import identity, "<date>/<headline slug>": unique, so concurrent imports of one story
    # cannot both create it. NULL for articles written in the admin.
    source_key = models.CharField(
        max_length=300, null=True, blank=True, unique=True, editable=False
    )
    word_count = models.PositiveIntegerField(default=0, editable=False)
    # The article's card in listings, rendered on save: listings print it instead of running
    # a template per card (a fifth of a news page's time). `relink_mentions` re-renders all.
    card_html = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Goes up by one with every editorial save: a form or an API client that read an older
    # version is refused instead of overwriting what it never saw (the API's ETag).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        # Listings filter on status and sort by time with the id as tie-break: all in the index.
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_listing_idx")
        ]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", args=[self.slug])

    # The slug the row had when it was read, so that a changed slug can leave a redirect
    # behind (articles.services.article_save).
    loaded_slug: str | None = None

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Self:
        article = super().from_db(db, field_names, values, **kwargs)
        article.loaded_slug = article.__dict__.get("slug")
        return article

    def clean(self) -> None:
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": "Describe the image for readers who cannot see it."}
            )

    @cached_property
    def subjects(self) -> Subjects:
        """From the relations with_relations() prefetched (and one query for the matches);
        the article page sets it from its prepared queries instead."""
        return Subjects(
            players=list(self.players.all()),
            trophies=list(self.trophies.all()),
            tags=list(self.tags.all()),
            matches=list(ArticleMatch.objects.for_strip().filter(article=self.pk)),
        )

    @property
    def summary(self) -> str:
        return self.standfirst or self.excerpt

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / 230))

    def goes_live_at(self) -> dt.datetime | None:
        """When a published article becomes public (None for a draft): for the page cache."""
        return self.published_at if self.status == self.Status.PUBLISHED else None

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()


class ArticleMatchQuerySet(models.QuerySet["ArticleMatch"]):
    def for_strip(self) -> ArticleMatchQuerySet:
        """With what the article page's match strip prints: teams, competition; in kickoff
        order."""
        return self.select_related(
            "match__home", "match__away", "match__season__competition"
        ).order_by("match__kickoff", "match__pk")


class ArticleMatch(models.Model):
    """An article's link to a club match it previews or reports.

    A link is found or picked. Found (`picked` false): every save of the article
    (articles.services.article_save, so every relink and import too) looks for the match its
    text and date point at (articles.mentions.MatchIndex) and keeps one found link at most,
    replacing a stale one. Picked (`picked` true): an editor chose the match and its role;
    saves keep it whatever the text says, until the editor drops it. A found match the
    editor removed goes to `Article.removed_matches` and is never found for that article
    again (whatever later relinks or imports find), until the editor picks it or takes it
    off that list. A removal is stored apart from the links so that `match.articles` (the
    match page's reports and previews) holds only real links.
    """

    class Role(models.TextChoices):
        PREVIEW = "preview", "Preview"
        REPORT = "report", "Report"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="match_links")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="article_links")
    role = models.CharField(max_length=10, choices=Role)
    picked = models.BooleanField(
        default=False, help_text="Picked by an editor: kept whatever the text says."
    )

    objects = ArticleMatchQuerySet.as_manager()

    class Meta:
        verbose_name = "article's match"
        verbose_name_plural = "articles' matches"
        constraints = [
            models.UniqueConstraint(fields=["article", "match"], name="unique_article_match")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.match_id}"

    @property
    def scoreline(self) -> str:
        """What the article page's strip says of the match: "Chelsea 0–1 Liverpool (aet)"."""
        return self.match.scoreline("short")


class SlugRedirect(models.Model):
    """An address an article used to have; its page answers with a permanent redirect."""

    old_slug = models.SlugField(max_length=255, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.article.slug}"
