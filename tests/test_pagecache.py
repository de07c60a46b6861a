"""The page cache: anonymous responses served from cache, kept current by the content version
(moved by every change and by the clock), rebuilt by one request while others get the
previous copy for a moment. Every test runs on local memory and on Redis."""

from __future__ import annotations

import datetime as dt
import os
import socket
from http import HTTPStatus

import pytest
import time_machine
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.template.context_processors import csp
from django.test import Client, RequestFactory

from articles.models import Article, SlugRedirect, Tag
from pagecache import versioning
from pagecache.middleware import LOCAL, PageCacheMiddleware, page_key
from pagecache.models import ContentVersion
from pagecache.versioning import Version, bump, current
from players.models import Player
from trophies.models import Honour, Trophy

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/14"
# After the seed's bumps (which happen at the real time), so the clock only moves forwards.
T = dt.datetime(2031, 3, 1, 12, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(params=["locmem", "redis"], autouse=True)
def page_cache(request, settings):
    """The page cache on, with an empty cache of each kind in turn."""
    if request.param == "redis":
        if not redis_reachable():
            if os.environ.get("CI"):
                pytest.fail("Redis is not reachable on 127.0.0.1:6379, and CI must test it")
            pytest.skip("needs Redis on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS,
            },
            # As settings.py has it with Redis: copies kept in the process too.
            LOCAL: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        }
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.FANPORTAL_PAGE_CACHE = True
    settings.FANPORTAL_PAGE_CACHE_STALE_SECONDS = 2
    for name in settings.CACHES:
        caches[name].clear()  # on Redis: FLUSHDB of db 14
    yield request.param
    for name in settings.CACHES:
        caches[name].clear()


def key_of(path: str, method: str = "GET") -> str:
    return page_key(RequestFactory().generic(method, path))


def hold_lock(path: str) -> None:
    """Act as another request that is rendering the page right now."""
    assert cache.add(key_of(path) + ":lock", True, 30)


# Hits and misses


def test_a_repeat_visit_costs_one_query(client, seeded, django_assert_num_queries):
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content version
        second = client.get("/")
    assert second.status_code == HTTPStatus.OK
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # With every header the stack gave the page when it was rendered.
    assert {k: v for k, v in second.items() if k != "X-Page-Cache"} == {
        k: v for k, v in first.items() if k != "X-Page-Cache"
    }


def test_a_revalidation_with_the_etag_gets_304(client, seeded):
    etag = client.get("/news/")["ETag"]
    response = client.get("/news/", headers={"if-none-match": etag})
    assert (response.status_code, response["X-Page-Cache"]) == (HTTPStatus.NOT_MODIFIED, "hit")
    assert (response["ETag"], response["Cache-Control"]) == (etag, "no-cache")
    assert response.content == b""


def test_one_entry_per_url_holding_its_version(client, seeded, make_article):
    client.get("/news/")
    assert cache.get(key_of("/news/")).version == current().value
    make_article(title="Breaking: new signing")
    assert client.get("/news/")["X-Page-Cache"] == "miss"
    # Replaced, not added beside the old one.
    assert cache.get(key_of("/news/")).version == current().value
    assert client.get("/news/")["X-Page-Cache"] == "hit"
    assert cache.get(key_of("/news/", "HEAD")) is None
    assert client.head("/news/")["X-Page-Cache"] == "miss"
    assert client.head("/news/")["X-Page-Cache"] == "hit"


def test_public_pages_carry_no_nonce_and_a_response_that_used_one_is_not_stored(seeded):
    page = Client().get("/squad/")
    assert "nonce" not in page.content.decode() and "nonce-" not in page["Content-Security-Policy"]

    def uses_a_nonce(request):
        return HttpResponse(f'<script nonce="{csp(request)["csp_nonce"]}"></script>')

    stack = PageCacheMiddleware(ContentSecurityPolicyMiddleware(uses_a_nonce))  # type: ignore[arg-type]
    first = stack(RequestFactory().get("/nonced/"))
    assert first["X-Page-Cache"] == "miss"
    assert stack(RequestFactory().get("/nonced/"))["X-Page-Cache"] == "miss"
    assert cache.get(key_of("/nonced/")) is None


def test_a_change_shows_at_once(client, seeded):
    assert "Klopp" in client.get("/squad/jurgen-klopp/").content.decode()
    klopp = Player.objects.get(slug="jurgen-klopp")
    klopp.name = "Jürgen Norbert Klopp"
    klopp.save()
    assert "Jürgen Norbert Klopp" in client.get("/squad/jurgen-klopp/").content.decode()


def test_publishing_invalidates_listings_and_the_api(client, seeded, make_article):
    client.get("/news/")
    client.get("/api/articles")
    make_article(title="Breaking: new signing", slug="new-signing")
    assert "Breaking: new signing" in client.get("/news/").content.decode()
    assert client.get("/api/articles").json()["count"] == 3


# The version


def test_a_rolled_back_change_does_not_bump(seeded):
    before = current().value
    Article.objects.first().save()
    assert current().value == before + 1
    before = current().value
    with pytest.raises(RuntimeError), transaction.atomic():
        Article.objects.first().save()
        raise RuntimeError
    assert current().value == before


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda: Player.objects.get(slug="mohamed-salah").save(), id="player"),
        pytest.param(lambda: Trophy.objects.get(slug="league-cup").save(), id="trophy"),
        pytest.param(lambda: Honour.objects.first().save(), id="honour"),
        pytest.param(lambda: Honour.objects.first().squad.clear(), id="honour-squad"),
        pytest.param(lambda: Tag.objects.create(name="Transfers", slug="transfers"), id="tag"),
        pytest.param(
            lambda: Article.objects.first().tags.add(Tag.objects.get(slug="cups")),
            id="article-tags",
        ),
        pytest.param(
            lambda: SlugRedirect.objects.create(
                old_slug="old", article=Article.objects.earliest("pk")
            ),
            id="slug-redirect",
        ),
        pytest.param(lambda: Article.objects.first().delete(), id="article-delete"),
    ],
)
def test_each_content_change_bumps_once(seeded, change):
    Tag.objects.get_or_create(name="Cups", slug="cups")
    before = current().value
    change()
    # Once: many-to-many changes bump after they happen, not before as well.
    assert current().value == before + 1


def test_a_bump_is_one_statement_that_moves_the_next_change_only_earlier(
    seeded, make_article, django_assert_num_queries
):
    with time_machine.travel(T, tick=False):
        current()  # reads the schedule: nothing waiting
        assert ContentVersion.objects.get().next_change is None
        make_article(published_at=T + dt.timedelta(hours=5))
        later = make_article(published_at=T + dt.timedelta(hours=2))
        make_article(published_at=T + dt.timedelta(hours=3))
        make_article(published_at=T - dt.timedelta(hours=3))  # public already
        with django_assert_num_queries(1):
            bump()
        with django_assert_num_queries(1):
            bump(at=T + dt.timedelta(hours=4))
    row = ContentVersion.objects.get()
    assert (row.changed_at, row.next_change) == (T, later.published_at)


def test_the_clock_moves_the_version_once_per_scheduled_story(
    seeded, make_article, django_assert_num_queries
):
    with time_machine.travel(T, tick=False) as clock:
        first = make_article(published_at=T + dt.timedelta(hours=1))
        second = make_article(published_at=T + dt.timedelta(hours=3))
        version = current()
        assert version == Version(version.value, T)
        clock.move_to(first.published_at - SECOND)
        with django_assert_num_queries(1):
            assert current() == version
        clock.move_to(first.published_at)  # published_at == now: its time has come
        with django_assert_num_queries(
            4
        ):  # read, the two schedules (stories, kickoffs), compare-and-set
            assert current() == Version(version.value + 1, first.published_at)
        assert ContentVersion.objects.get().next_change == second.published_at
        with django_assert_num_queries(1):
            assert current() == Version(version.value + 1, first.published_at)
        clock.move_to(second.published_at + dt.timedelta(days=1))
        assert current() == Version(version.value + 2, second.published_at + dt.timedelta(days=1))
        assert ContentVersion.objects.get().next_change is None


def test_a_process_that_loses_the_race_reads_the_winners_version(seeded, make_article, monkeypatch):
    with time_machine.travel(T, tick=False) as clock:
        story = make_article(published_at=T + dt.timedelta(hours=1))
        before = current().value
        clock.move_to(story.published_at)
        real = versioning.next_change
        raced: list[bool] = []

        def another_process_first(now):
            if not raced:
                raced.append(True)
                ContentVersion.objects.filter(pk=versioning.ROW).update(
                    value=before + 1, changed_at=now, next_change=real(now)
                )
            return real(now)

        monkeypatch.setattr(versioning, "next_change", another_process_first)
        assert current() == Version(before + 1, story.published_at)
    assert raced == [True]


# Stale while revalidate


def test_while_another_request_renders_the_previous_copy_is_served(client, seeded, make_article):
    with time_machine.travel(T, tick=False) as clock:
        bump()
        warm = client.get("/news/")
        make_article(title="Breaking: new signing")
        hold_lock("/news/")
        clock.move_to(T + 2 * SECOND)  # the stale window's last moment
        stale = client.get("/news/")
        assert stale["X-Page-Cache"] == "stale"
        assert "Breaking: new signing" not in stale.content.decode()
        assert (stale["Cache-Control"], stale["Vary"]) == ("no-cache", "Cookie, Authorization")
        assert stale.content == warm.content


def test_past_the_stale_window_a_request_renders_for_itself(client, seeded, make_article):
    with time_machine.travel(T, tick=False) as clock:
        bump()
        client.get("/news/")
        make_article(title="Breaking: new signing")
        hold_lock("/news/")
        clock.move_to(T + 2 * SECOND + dt.timedelta(microseconds=1))
        fresh = client.get("/news/")
        assert fresh["X-Page-Cache"] == "miss"
        assert "Breaking: new signing" in fresh.content.decode()
        # Kept, although the lock is still someone else's.
        assert client.get("/news/")["X-Page-Cache"] == "hit"


def test_the_stale_window_is_a_setting(client, seeded, make_article, settings):
    settings.FANPORTAL_PAGE_CACHE_STALE_SECONDS = 0
    with time_machine.travel(T, tick=False) as clock:
        client.get("/news/")
        make_article(title="Breaking: new signing")
        hold_lock("/news/")
        clock.move_to(T + dt.timedelta(microseconds=1))
        assert client.get("/news/")["X-Page-Cache"] == "miss"


def test_with_nobody_rendering_the_first_request_after_a_change_renders_and_frees_the_lock(
    client, seeded, make_article
):
    with time_machine.travel(T, tick=False):
        client.get("/news/")
        make_article(title="Breaking: new signing")
        fresh = client.get("/news/")
        assert fresh["X-Page-Cache"] == "miss"
        assert "Breaking: new signing" in fresh.content.decode()
        assert cache.get(key_of("/news/") + ":lock") is None
        assert client.get("/news/")["X-Page-Cache"] == "hit"


def test_a_clock_behind_the_one_that_moved_the_version_keeps_nothing(client, seeded):
    # Another server, a second ahead of this one, moved the version: a page this server
    # renders now could miss a story that server already counts as published.
    with time_machine.travel(T - SECOND, tick=False):
        current()  # reads the schedule: nothing waiting
    with time_machine.travel(T + SECOND, tick=False):
        bump()
    with time_machine.travel(T, tick=False) as clock:
        assert client.get("/news/")["X-Page-Cache"] == "miss"
        assert client.get("/news/")["X-Page-Cache"] == "miss"
        clock.move_to(T + SECOND)
        assert client.get("/news/")["X-Page-Cache"] == "miss"
        assert client.get("/news/")["X-Page-Cache"] == "hit"


def test_without_a_previous_copy_every_request_renders(client, seeded):
    hold_lock("/news/")
    assert client.get("/news/")["X-Page-Cache"] == "miss"


def test_when_a_scheduled_story_is_due_the_first_request_gets_it(client, seeded, make_article):
    with time_machine.travel(T, tick=False) as clock:
        story = make_article(title="Scheduled signing", published_at=T + dt.timedelta(hours=1))
        assert "Scheduled signing" not in client.get("/news/").content.decode()
        assert client.get("/news/")["X-Page-Cache"] == "hit"
        clock.move_to(story.published_at)
        first = client.get("/news/")
        assert first["X-Page-Cache"] == "miss"
        assert "Scheduled signing" in first.content.decode()


# Who is never served from the cache


def test_editors_always_get_fresh_pages(
    client, admin_user, seeded, make_article, django_assert_num_queries
):
    client.get("/")
    make_article(title="Breaking: new signing")
    hold_lock("/")
    client.force_login(admin_user)
    response = client.get("/")
    assert "Breaking: new signing" in response.content.decode()  # not the stale copy
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "X-Page-Cache" not in response
    with django_assert_num_queries(8):  # session, user, and the page's own six
        client.get("/")


def test_token_requests_and_the_admin_are_never_cached(client, seeded, django_assert_num_queries):
    client.get("/api/trophies", HTTP_AUTHORIZATION="Bearer x")
    with django_assert_num_queries(2):
        client.get("/api/trophies", HTTP_AUTHORIZATION="Bearer x")
    assert client.get("/admin/login/").status_code == HTTPStatus.OK
    assert cache.get(key_of("/api/trophies")) is None
    assert cache.get(key_of("/admin/login/")) is None


def test_cache_headers(client, seeded):
    response = client.get("/news/")
    assert response["Cache-Control"] == "no-cache"
    assert response["Vary"] == "Cookie, Authorization"
    assert client.get("/news/")["Vary"] == "Cookie, Authorization"


def test_errors_are_not_cached(client, seeded, django_assert_num_queries):
    client.get("/news/missing/")
    with django_assert_num_queries(3):  # version, article, old slugs
        assert client.get("/news/missing/").status_code == HTTPStatus.NOT_FOUND
    assert cache.get(key_of("/news/missing/")) is None


def test_with_the_cache_off_signed_in_pages_are_still_private(client, admin_user, seeded, settings):
    settings.FANPORTAL_PAGE_CACHE = False
    assert "private" not in client.get("/").get("Cache-Control", "")
    client.force_login(admin_user)
    assert (
        "private" in client.get("/")["Cache-Control"]
        and "no-store" in client.get("/")["Cache-Control"]
    )


# The version a process remembers


def test_a_process_rereads_the_version_after_its_short_memory(
    seeded, settings, django_assert_num_queries
):
    settings.FANPORTAL_PAGE_CACHE_VERSION_SECONDS = 0.25
    with time_machine.travel(T, tick=False) as clock:
        first = current()
        # Another process moves the version (no commit hook of ours runs).
        ContentVersion.objects.update(value=first.value + 1)
        clock.move_to(T + dt.timedelta(seconds=0.2))
        with django_assert_num_queries(0):
            assert current() == first
        clock.move_to(T + dt.timedelta(seconds=0.25))
        assert current().value == first.value + 1


def test_a_scheduled_moment_is_not_hidden_by_the_memory(seeded, make_article, settings):
    settings.FANPORTAL_PAGE_CACHE_VERSION_SECONDS = 60
    with time_machine.travel(T, tick=False) as clock:
        story = make_article(published_at=T + dt.timedelta(seconds=10))
        before = current()
        clock.move_to(story.published_at)
        assert current().value == before.value + 1


def test_this_process_forgets_the_version_when_its_own_change_commits(
    seeded, make_article, settings, django_capture_on_commit_callbacks
):
    settings.FANPORTAL_PAGE_CACHE_VERSION_SECONDS = 60
    before = current()
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Breaking: new signing")
    assert current().value > before.value


def test_in_front_of_redis_a_process_serves_its_own_copy_of_the_current_version(
    client, seeded, make_article, page_cache
):
    if page_cache != "redis":
        pytest.skip("the local copy stands in front of a shared cache")
    client.get("/news/")
    cache.clear()  # the shared copy gone: this process's own is served
    assert client.get("/news/")["X-Page-Cache"] == "hit"
    make_article(title="Breaking: new signing")
    fresh = client.get("/news/")  # the local copy is of an older version now
    assert (fresh["X-Page-Cache"], "Breaking: new signing" in fresh.content.decode()) == (
        "miss",
        True,
    )
    caches[LOCAL].clear()
    assert client.get("/news/")["X-Page-Cache"] == "hit"  # from Redis, and kept here again
    assert caches[LOCAL].get(key_of("/news/")).version == current().value
