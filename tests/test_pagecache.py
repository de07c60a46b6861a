"""The page cache: anonymous responses served from cache, invalidated at once by any change."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import transaction

from articles.models import Article
from pagecache.versioning import current
from players.models import Player

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.FANPORTAL_PAGE_CACHE = True
    cache.clear()


def nonce_of(response) -> str:
    header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce="{header}"' in response.content.decode()
    return header


def test_a_repeat_visit_costs_one_query(client, seeded, django_assert_num_queries):
    first = client.get("/")
    with django_assert_num_queries(1):  # the content version
        second = client.get("/")
    assert second.status_code == HTTPStatus.OK
    assert second.content.decode().replace(nonce_of(second), "N") == first.content.decode().replace(nonce_of(first), "N")


def test_every_hit_gets_its_own_nonce(client, seeded):
    nonces = {nonce_of(client.get("/squad/")) for _ in range(3)}
    assert len(nonces) == 3


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


def test_a_rolled_back_change_does_not_bump(client, seeded):
    before = current()
    Article.objects.first().save()
    assert current() == before + 1
    before = current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Article.objects.first().save()
        raise RuntimeError
    assert current() == before


def test_editors_always_get_fresh_pages(client, admin_user, seeded, django_assert_num_queries):
    client.get("/")
    client.force_login(admin_user)
    response = client.get("/")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    with django_assert_num_queries(5):  # session, user, and the page's own three
        client.get("/")


def test_token_requests_and_the_admin_are_never_cached(client, seeded, django_assert_num_queries):
    client.get("/api/trophies", HTTP_AUTHORIZATION="Bearer x")
    with django_assert_num_queries(2):
        client.get("/api/trophies", HTTP_AUTHORIZATION="Bearer x")
    assert client.get("/admin/login/").status_code == HTTPStatus.OK
    assert not any(key.startswith(":1:page:") for key in cache._cache)  # nothing admin, nothing with a token


def test_cache_headers(client, seeded):
    response = client.get("/news/")
    assert response["Cache-Control"] == "no-cache"
    assert response["Vary"] == "Cookie, Authorization"
    assert client.get("/news/")["Vary"] == "Cookie, Authorization"


def test_errors_are_not_cached(client, seeded, django_assert_num_queries):
    client.get("/news/missing/")
    with django_assert_num_queries(3):  # version, article, old slugs
        assert client.get("/news/missing/").status_code == HTTPStatus.NOT_FOUND


def test_with_the_cache_off_signed_in_pages_are_still_private(client, admin_user, seeded, settings):
    settings.FANPORTAL_PAGE_CACHE = False
    assert "private" not in client.get("/").get("Cache-Control", "")
    client.force_login(admin_user)
    assert "private" in client.get("/")["Cache-Control"] and "no-store" in client.get("/")["Cache-Control"]
