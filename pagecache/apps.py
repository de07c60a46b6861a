from __future__ import annotations

from django.apps import AppConfig


class PagecacheConfig(AppConfig):
    """The page cache. The content apps say what it watches (pagecache.versioning.watch, in
    their own ready()), so this app imports none of them."""

    name = "pagecache"
    verbose_name = "Page cache"
