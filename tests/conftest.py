from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

SEEDS = Path(settings.BASE_DIR) / "seeds"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory):
    # An in-memory SQLite test database is one connection that the live server's request
    # threads share with the test thread; two requests at once (a page and its jsi18n, say)
    # then use it together and SQLite fails with "bad parameter or other API misuse". A file
    # database gives every thread its own connection, as production has.
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("db") / "test.sqlite3"
        )


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # The page cache is tested on its own (tests/test_pagecache.py, tests/test_schedule.py)
    # and off everywhere else. Where it is on, every request reads the content version:
    # tests run inside a transaction that never commits, so the commit that makes a process
    # forget the version it read (pagecache.versioning.bump) never comes.
    settings.FANPORTAL_PAGE_CACHE = False
    settings.FANPORTAL_PAGE_CACHE_VERSION_SECONDS = 0
    yield
    from pagecache.versioning import forget

    forget()  # what this test's rolled-back database said


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # Background tasks run when they are enqueued, in the test's process: Django's immediate
    # backend, as its testing docs suggest. Enqueuing follows a commit (transaction.on_commit),
    # so a test sees a task run only if it commits or runs the callbacks
    # (django_capture_on_commit_callbacks). tests/test_tasks.py runs the real worker once.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def club(db):
    """The demo club from seeds/club.toml: squad, staff, trophies and honours."""
    from fanportal.demo import load_demo_club

    return load_demo_club(SEEDS / "club.toml")


@pytest.fixture
def seeded(club):
    """The demo club plus the two seed stories, imported as `make demo` does."""
    from articles.importing import collect_sources, import_stories

    sources, _ = collect_sources([str(SEEDS)])
    return list(import_stories(sources))


@pytest.fixture
def make_article(db):
    """Create a published article through the same save path as the admin and importer."""
    from articles.models import Article
    from articles.services import article_save
    from revisions.models import Actor, Via

    counter = iter(range(1, 1_000_000))

    def make(**fields) -> Article:
        number = next(counter)
        fields.setdefault("title", f"Story number {number}")
        fields.setdefault("slug", f"story-number-{number}")
        fields.setdefault("body", f"Paragraph of story {number}.")
        fields.setdefault("status", Article.Status.PUBLISHED)
        tags = fields.pop("tags", [])
        return article_save(article=Article(**fields), actor=Actor(Via.ADMIN), tags=tags)

    return make
