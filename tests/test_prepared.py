"""fanportal.prepared: page queries compiled once, run with each request's arguments, giving
exactly what the QuerySet gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from fanportal.prepared import NOW, NotPreparable, Prepared, PreparedPages
from players.models import Player
from trophies.models import Honour, Trophy


def fields_of(instances, *names):
    return [tuple(getattr(instance, name) for name in names) for instance in instances]


def test_instances_are_those_the_queryset_makes(seeded):
    query = Prepared(lambda now: Article.objects.for_listing(now), NOW)
    names = ("pk", "title", "slug", "published_at", "image_renditions", "word_count", "card_html")
    assert fields_of(query(), *names) == fields_of(Article.objects.for_listing(), *names)
    # Django's converters ran: an aware datetime, as the ORM gives.
    assert timezone.is_aware(query()[0].published_at)


def test_arguments_replace_their_stand_ins_and_the_sql_is_compiled_once(club):
    built = []

    def build(slug):
        built.append(slug)
        return Player.objects.filter(slug=slug)

    query = Prepared(build, str)
    assert [player.name for player in query("virgil-van-dijk")] == ["Virgil van Dijk"]
    assert [player.name for player in query("mohamed-salah")] == ["Mohamed Salah"]
    assert query("nobody") == []
    assert len(built) == 1


def test_now_is_the_time_of_each_call(make_article, monkeypatch):
    make_article(title="Scheduled", slug="scheduled", published_at=timezone.now() + dt.timedelta(hours=1))
    query = Prepared(lambda now: Article.objects.published(now).values_list("title", flat=True), NOW)
    assert query() == []
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert query() == ["Scheduled"]


def test_a_count_and_a_window_are_the_querysets_count_and_slice(make_article):
    for number in range(7):
        make_article(published_at=timezone.now() - dt.timedelta(days=number))
    pages = PreparedPages(
        Prepared(lambda now: Article.objects.published(now), NOW, count=True),
        Prepared(lambda now: Article.objects.cards(now), NOW),
    )
    assert pages.count() == Article.objects.published().count() == 7
    assert pages[2:5] == list(Article.objects.cards()[2:5])
    assert pages[6:9] == list(Article.objects.cards()[6:9])
    with CaptureQueriesContext(connection) as seen:
        assert pages[3:3] == pages[5:2] == []
    assert len(seen) == 0


def test_related_objects_and_annotations_come_with_the_rows(club):
    van_dijk = Player.objects.get(slug="virgil-van-dijk")
    honours = Prepared(lambda pk: Honour.objects.for_player(pk).order_by("-season"), int)
    with CaptureQueriesContext(connection) as seen:
        names = [(honour.season, honour.trophy.name) for honour in honours(van_dijk.pk)]
    assert len(seen) == 1
    assert names == [(h.season, h.trophy.name) for h in Honour.objects.for_player(van_dijk).order_by("-season")]

    cabinet = Prepared(lambda: Trophy.objects.cabinet())
    assert fields_of(cabinet(), "name", "honour_count", "last_season") == fields_of(
        Trophy.objects.cabinet(), "name", "honour_count", "last_season"
    )


def test_queries_it_cannot_prepare_are_refused_when_first_run(db):
    for lookup in ("title__icontains", "slug__iexact", "title__startswith"):
        pattern = Prepared(lambda text, lookup=lookup: Article.objects.filter(**{lookup: text}), str)
        name = lookup.split("__")[1]
        with pytest.raises(NotPreparable, match=f"^a prepared argument cannot be compared by {name}$"):
            pattern("cup")
    changed = Prepared(lambda number: Article.objects.filter(word_count=number + 1), int)
    with pytest.raises(NotPreparable, match="^an argument does not reach the SQL as a parameter unchanged$"):
        changed(3)
    dictionaries = Prepared(lambda: Article.objects.values("title"))
    with pytest.raises(NotPreparable, match="^cannot prepare a ValuesIterable query$"):
        dictionaries()
    tuples = Prepared(lambda: Article.objects.values_list("title", "slug"))
    with pytest.raises(NotPreparable, match="^cannot prepare a ValuesListIterable query$"):
        tuples()
    with pytest.raises(NotPreparable, match="^arguments must be int, str or NOW, not float$"):
        Prepared(lambda number: Article.objects.filter(word_count=number), float)(1.5)
    sliced = Prepared(lambda: Article.objects.all()[:3])
    with pytest.raises(NotPreparable, match="^the query is sliced already$"):
        sliced(low=0, high=2)


def test_it_takes_exactly_its_arguments(club):
    by_slug = Prepared(lambda now, slug: Player.objects.filter(slug=slug, updated_at__lte=now), NOW, str)
    with pytest.raises(TypeError, match=r"^this query takes 1 argument\(s\), not 0$"):
        by_slug()
    with pytest.raises(TypeError, match=r"^this query takes 1 argument\(s\), not 2$"):
        by_slug("virgil-van-dijk", "mohamed-salah")
    assert [player.name for player in by_slug("virgil-van-dijk")] == ["Virgil van Dijk"]
