"""Scheduled stories: absent from every page until their time, then on every page at once,
with the page cache on, however the story was written (admin, importer, API)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils.text import slugify

from articles.importing import import_story
from articles.models import Article, Tag
from players.models import Player
from tests.test_pagecache import page_cache  # noqa: F401  (the cache on, locmem and Redis)
from tokens.models import ApiToken
from trophies.models import Trophy

pytestmark = pytest.mark.django_db

DAY = dt.date(2031, 6, 15)
# Story dates are days in Europe/London: midnight there, in summer time, is 23:00 UTC before.
DUE = dt.datetime(2031, 6, 14, 23, 0, tzinfo=dt.UTC)
BEFORE = DUE - dt.timedelta(hours=6)
AFTER = DUE + dt.timedelta(minutes=1)
RARE = "zanzibarian"
TITLE = "Van Dijk lifts the cup again"
SLUG = slugify(TITLE)
BODY = f"Virgil van Dijk lifted the Carabao Cup again on a {RARE} evening at Wembley."

# Every kind of public page that lists or shows the story (what "shows" means: it names the
# story's address, or for the API its slug).
PAGES = [
    "/",
    "/news/",
    "/news/tag/cup-finals/",
    "/squad/virgil-van-dijk/",
    "/trophies/league-cup/",
    "/feeds/news/",
    "/feeds/news/atom/",
    "/squad/virgil-van-dijk/feed/",
    "/trophies/league-cup/feed/",
    "/sitemap-articles.xml",
    "/sitemap-news.xml",
    f"/search/?q={RARE}",
    "/api/articles",
]
# Pages of the story itself: not found until its time (and not found is never cached).
OWN_PAGES = [f"/news/{SLUG}/", f"/api/articles/{SLUG}"]


@pytest.fixture
def newsroom(club):
    """A tag with one older public story, so every listing exists before the scheduled one."""
    tag = Tag.objects.create(name="Cup finals", slug="cup-finals")
    with time_machine.travel(BEFORE - dt.timedelta(days=1), tick=False):
        older = Article.objects.create(
            title="An older final",
            slug="an-older-final",
            body="Virgil van Dijk and the Carabao Cup.",
            status=Article.Status.PUBLISHED,
            published_at=BEFORE - dt.timedelta(days=1),
        )
    older.tags.add(tag)
    older.players.add(Player.objects.get(slug="virgil-van-dijk"))
    older.trophies.add(Trophy.objects.get(slug="league-cup"))
    return tag


def editor_token() -> str:
    user = User.objects.create_user("desk", password="x-long-password")
    user.groups.add(Group.objects.get(name="Editors"))
    return ApiToken.objects.issue(user=user, name="test").secret


def through_the_admin(tag: Tag, *, status: str = "published", when: dt.datetime = DUE) -> None:
    editor = Client()
    editor.force_login(User.objects.create_superuser("chief", password="x-long-password"))
    local = when.astimezone(dt.timezone(dt.timedelta(hours=1)))  # London in summer
    response = editor.post(
        "/admin/articles/article/add/",
        {
            "title": TITLE,
            "slug": SLUG,
            "standfirst": "",
            "body": BODY,
            "status": status,
            "published_at_0": local.date().isoformat(),
            "published_at_1": local.time().isoformat(),
            "author": "Desk",
            "tags": [tag.pk],
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]


def through_the_importer(tag: Tag) -> None:
    result = import_story(data=f"date {DAY.isoformat()} {TITLE}\n\n{BODY}\n", source_name="due.txt")
    assert result.slug == SLUG, result
    # Stories carry no tags; an editor adds them.
    Article.objects.get(slug=SLUG).tags.add(tag)


def through_the_api(tag: Tag) -> None:
    response = Client().post(
        "/api/articles",
        json.dumps(
            {
                "title": TITLE,
                "slug": SLUG,
                "body": BODY,
                "status": "published",
                "published_at": DUE.isoformat(),
                "tags": [tag.slug],
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {editor_token()}",
    )
    assert response.status_code == HTTPStatus.CREATED, response.content.decode()


def shows_the_story(response) -> bool:
    text = response.content.decode()
    return f"/news/{SLUG}/" in text or f'"slug": "{SLUG}"' in text or f'"slug":"{SLUG}"' in text


def warm(client) -> None:
    """Every page rendered and cached without the story; every own page not found."""
    for path in PAGES:
        assert client.get(path)["X-Page-Cache"] == "miss", path
        again = client.get(path)
        assert (again.status_code, again["X-Page-Cache"]) == (HTTPStatus.OK, "hit"), path
        assert not shows_the_story(again), path
    for path in OWN_PAGES:
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND, path


def assert_everywhere(client) -> None:
    """The first request for each page renders it afresh, with the story."""
    for path in PAGES:
        response = client.get(path)
        assert (response.status_code, response["X-Page-Cache"]) == (HTTPStatus.OK, "miss"), path
        assert shows_the_story(response), path
    for path in OWN_PAGES:
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path
        assert shows_the_story(response), path


@pytest.mark.parametrize(
    "write",
    [through_the_admin, through_the_importer, through_the_api],
    ids=["admin", "importer", "api"],
)
def test_a_scheduled_story_appears_everywhere_when_its_time_comes(
    client, newsroom, write: Callable[[Tag], None]
):
    with time_machine.travel(BEFORE, tick=False) as clock:
        write(newsroom)
        story = Article.objects.get(slug=SLUG)
        assert (story.status, story.published_at) == (Article.Status.PUBLISHED, DUE)
        warm(client)
        clock.move_to(DUE - dt.timedelta(microseconds=1))
        for path in PAGES:
            response = client.get(path)
            assert response["X-Page-Cache"] == "hit" and not shows_the_story(response), path
        clock.move_to(AFTER)
        assert_everywhere(client)


def test_a_story_whose_time_is_exactly_now_is_shown(client, newsroom):
    with time_machine.travel(BEFORE, tick=False) as clock:
        through_the_admin(newsroom)
        warm(client)
        clock.move_to(DUE)
        assert_everywhere(client)


def test_a_story_published_now_is_shown_at_once(client, newsroom):
    with time_machine.travel(DUE, tick=False):
        for path in PAGES:
            client.get(path)
        through_the_admin(newsroom, when=DUE)
        assert_everywhere(client)


def test_a_draft_never_appears(client, newsroom):
    with time_machine.travel(BEFORE, tick=False) as clock:
        through_the_admin(newsroom, status="draft")
        warm(client)
        clock.move_to(AFTER)
        for path in PAGES:
            response = client.get(path)
            # Nothing changed, so the cached copies stay current.
            assert response["X-Page-Cache"] == "hit" and not shows_the_story(response), path
        for path in OWN_PAGES:
            assert client.get(path).status_code == HTTPStatus.NOT_FOUND, path


def test_a_story_unpublished_before_its_time_never_appears(client, newsroom):
    with time_machine.travel(BEFORE, tick=False) as clock:
        through_the_api(newsroom)
        warm(client)
        story = Article.objects.get(slug=SLUG)
        story.status = Article.Status.DRAFT
        story.save()
        clock.move_to(AFTER)
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == HTTPStatus.OK and not shows_the_story(response), path
        for path in OWN_PAGES:
            assert client.get(path).status_code == HTTPStatus.NOT_FOUND, path
