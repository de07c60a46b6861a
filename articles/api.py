"""/api/articles and /api/stories. Reads are public; writes need a token whose user has the
article permissions (publishing needs `publish_article`, as in the admin)."""

import re
import zlib
from typing import Annotated, Any, cast

from django.contrib.auth.models import User
from django.db import IntegrityError, connection
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from ninja import Field, Path, Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from apikit import (
    SLUG_PATTERN,
    Pagination,
    Slug,
    StrictDateTime,
    Text,
    aware,
    last_modified,
    responses,
)
from articles.importing import API, Outcome, import_story
from articles.models import Article, ArticleQuerySet, Tag
from articles.schemas import ArticleIn, ArticleListOut, ArticleOut, ArticlePatch, StoryIn, StoryOut
from articles.search import matching_ids
from articles.services import EditConflict, article_save
from players.models import Player
from revisions.models import Actor, Via
from tokens.auth import TokenAuth
from trophies.models import Trophy

router = Router(tags=["articles"])
stories = Router(tags=["stories"])
WRITE_ERRORS = (400, 401, 403, 413, 422)


def require(request: HttpRequest, *permissions: str) -> None:
    missing = [p for p in permissions if not request.user.has_perm(p)]
    if missing:
        raise HttpError(403, f"This token's user lacks the permission {missing[0]}.")


# A well-formed slug that names nothing is a 404 (what it names is not found); a malformed
# one never gets here (the schema's pattern, a 422). Not a 400: the request itself is valid.
def _tags(slugs: list[str]) -> list[Tag]:
    found = {tag.slug: tag for tag in Tag.objects.filter(slug__in=slugs)}
    if unknown := [slug for slug in slugs if slug not in found]:
        raise HttpError(404, f"Unknown tag “{unknown[0]}”.")
    return [found[slug] for slug in slugs]


def _known(model: type[Player] | type[Trophy] | type[Tag], slug: str, label: str) -> None:
    if not model.objects.filter(slug=slug).exists():
        raise HttpError(404, f"Unknown {label} “{slug}”.")


@router.get(
    "",
    response=responses({200: list[ArticleListOut]}, 404, 422),
    summary="List published articles, newest first",
)
@paginate(Pagination)
def list_articles(
    request: HttpRequest,
    player: Slug | None = Query(None, description="Only articles that mention this player (slug)."),
    trophy: Slug | None = Query(None, description="Only articles that mention this trophy (slug)."),
    tag: Slug | None = Query(None, description="Only articles with this tag (slug)."),
    q: Annotated[Text, Field(max_length=200)] | None = Query(
        None, description="Full-text search, all words required."
    ),
    since: StrictDateTime | None = Query(
        None, description="Only articles published at or after this time."
    ),
) -> ArticleQuerySet:
    articles = Article.objects.for_listing()
    if player:
        _known(Player, player, "player")
        articles = articles.filter(players__slug=player)
    if trophy:
        _known(Trophy, trophy, "trophy")
        articles = articles.filter(trophies__slug=trophy)
    if tag:
        _known(Tag, tag, "tag")
        articles = articles.filter(tags__slug=tag)
    if q:
        sql, params = matching_ids(q, vendor=connection.vendor)
        articles = articles.filter(pk__in=RawSQL(sql, params))
    if since:
        articles = articles.filter(published_at__gte=aware(since))
    return articles


@router.get(
    "/{slug}",
    response=responses({200: ArticleOut}, 404, 422),
    summary="One published article, with the players, trophies and tags it mentions",
)
def get_article(
    request: HttpRequest, response: HttpResponse, slug: str = Path(..., pattern=SLUG_PATTERN)
) -> Article:
    article = get_object_or_404(Article.objects.for_detail(), slug=slug)
    last_modified(response, article.updated_at)
    response["ETag"] = etag(article)
    return article


def etag(article: Article) -> str:
    """The article's entity tag: its version (what a PATCH's If-Match is checked against)
    and a checksum of what a relink changes without a new version: its rendered body (a
    renamed player's link) and its matches (a match imported after the story), so that a
    client revalidating with If-None-Match sees it. Reads `article.subjects` (one query for
    the matches, which the response's `matches` then reuses)."""
    links = "".join(f"\n{link.match.slug} {link.role}" for link in article.subjects.matches)
    checksum = zlib.crc32(f"{article.body_html}{links}".encode())
    return f'"v{article.version}-{checksum:08x}"'


ETAG = re.compile(r'"v(\d{1,9})-[0-9a-f]{8}"')


def based_on(request: HttpRequest, article: Article) -> int | None:
    """The version a PATCH is based on, from its If-Match (None without one, or with `*`:
    no check). A tag naming another version, or not one of ours, can match nothing: -1."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags:
        return None
    versions = {int(found[1]) for tag in tags if (found := ETAG.fullmatch(tag))}
    return article.version if article.version in versions else -1


@router.post(
    "",
    auth=TokenAuth(),
    response=responses({201: ArticleOut}, *WRITE_ERRORS, 404, 409),
    summary="Write an article (publishing needs the publish permission)",
)
def create_article(
    request: HttpRequest, response: HttpResponse, payload: ArticleIn
) -> Status[Article]:
    require(request, "articles.add_article")
    if payload.status == Article.Status.PUBLISHED.value:
        require(request, "articles.publish_article")
    # A title with no Latin letters or digits ("今日は") slugifies to nothing: it still gets
    # a slug of its own, which an editor can change.
    slug = (
        payload.slug
        or slugify(payload.title)[:200].strip("-")
        or f"article-{zlib.crc32(payload.title.encode()):08x}"
    )
    if Article.objects.filter(slug=slug).exists():
        raise HttpError(409, f"An article with the slug “{slug}” already exists.")
    tags = _tags(payload.tags)
    article = Article(
        title=payload.title,
        slug=slug,
        standfirst=payload.standfirst,
        body=payload.body,
        status=payload.status,
        author=payload.author,
        created_by=cast(User, request.user),  # TokenAuth made the token's user the request's
        published_at=aware(payload.published_at) if payload.published_at else timezone.now(),
    )
    try:
        article_save(article=article, actor=Actor.of(request.user, Via.API), tags=tags)
    except IntegrityError:
        raise HttpError(409, f"An article with the slug “{slug}” already exists.") from None
    created = Article.objects.with_relations().get(pk=article.pk)
    response["ETag"] = etag(created)
    return Status(201, created)


@router.patch(
    "/{slug}",
    auth=TokenAuth(),
    response=responses({200: ArticleOut}, *WRITE_ERRORS, 404, 409, 412),
    summary="Change some fields of an article, draft or published",
    description=(
        "Send the ETag of the version you read (every article response has one) in "
        "If-Match: if the article changed since, the PATCH is refused with 412 and changes "
        "nothing, so nobody overwrites a change they never saw."
    ),
)
def update_article(
    request: HttpRequest,
    response: HttpResponse,
    payload: ArticlePatch,
    slug: str = Path(..., pattern=SLUG_PATTERN),
) -> Article:
    require(request, "articles.change_article")
    article = get_object_or_404(Article, slug=slug)
    changes = payload.dict(exclude_unset=True)  # ArticlePatch takes no nulls
    publishing = "status" in changes or "published_at" in changes
    if publishing or article.status == Article.Status.PUBLISHED:
        require(request, "articles.publish_article")
    tags = _tags(changes.pop("tags")) if "tags" in changes else None
    new_slug = changes.get("slug")
    if new_slug and new_slug != article.slug and Article.objects.filter(slug=new_slug).exists():
        raise HttpError(409, f"An article with the slug “{new_slug}” already exists.")
    if "published_at" in changes:
        changes["published_at"] = aware(changes["published_at"])
    for field, value in changes.items():
        setattr(article, field, value)
    try:
        article_save(
            article=article,
            actor=Actor.of(request.user, Via.API),
            tags=tags,
            base_version=based_on(request, article),
        )
    except IntegrityError:
        raise HttpError(409, f"An article with the slug “{new_slug}” already exists.") from None
    except EditConflict as conflict:
        stored = Article.objects.with_relations().get(pk=article.pk)
        raise HttpError(412, f"{conflict} Its ETag is now {etag(stored)}: read it again.") from None
    updated = Article.objects.with_relations().get(pk=article.pk)
    response["ETag"] = etag(updated)
    return updated


@stories.post(
    "",
    auth=TokenAuth(),
    response=responses({200: StoryOut, 201: StoryOut}, *WRITE_ERRORS),
    summary="Import one story file's text, exactly as `manage.py import_stories` would",
)
def post_story(request: HttpRequest, payload: StoryIn) -> Status[dict[str, Any]]:
    require(request, "articles.add_article")
    replacing = payload.update or payload.force
    if payload.status == Article.Status.PUBLISHED.value or replacing:
        require(request, "articles.publish_article")
    if replacing:
        require(request, "articles.change_article")
    result = import_story(
        data=payload.text,
        source_name=payload.source_name,
        update=payload.update,
        force=payload.force,
        status=payload.status,
        dry_run=payload.dry_run,
    )
    message = result.message_for(API)
    if result.failed:
        raise HttpError(400, message)
    # A draft's or a scheduled story's public address would be a 404 until it is live.
    url = request.build_absolute_uri(result.public_url) if result.public_url else None
    body = {
        "outcome": result.outcome.value,
        "message": message,
        "slug": result.slug or None,
        "url": url,
        "warnings": list(result.warnings),
    }
    created = result.outcome is Outcome.CREATED and not payload.dry_run
    return Status(201 if created else 200, body)
