"""fanportal.addresses: the site's addresses, the same as reverse() gives, for less."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from fanportal.addresses import site_links, slug_url


def test_slug_url_is_reverse():
    for name in ("articles:detail", "articles:tag", "players:detail", "trophies:detail", "player-feed"):
        assert slug_url(name, "some-slug_2") == reverse(name, args=["some-slug_2"])
    set_script_prefix("/fans/")
    try:
        assert slug_url("players:detail", "mo") == "/fans/squad/mo/" == reverse("players:detail", args=["mo"])
    finally:
        set_script_prefix("/")
    with pytest.raises(NoReverseMatch):
        slug_url("players:detail", "not a slug")


def test_site_links_follow_the_script_prefix():
    set_script_prefix("/fans/")
    try:
        assert site_links()["news"] == "/fans/news/" == reverse("articles:list")
    finally:
        set_script_prefix("/")
    assert site_links()["news"] == "/news/"
