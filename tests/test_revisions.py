"""Revisions: every save keeps the whole article (who, how, what); the History page shows a
readable difference between any two and restores one in one click, as a new revision."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages

from articles.importing import import_story
from articles.mentions import Mentions
from articles.models import Article, Tag
from articles.services import article_save
from players.models import Player
from revisions import diff
from revisions.models import Actor, Revision, Via, when
from tests.test_api import auth
from tests.test_roles import article_form, contributor, editor, member  # noqa: F401
from tokens.models import ApiToken
from trophies.models import Trophy

pytestmark = pytest.mark.django_db

STORY = "date 2024-02-26 Van Dijk lifts the cup\n\nThe captain scored.\n\nKelleher was superb.\n"


def history_of(article: Article) -> list[tuple[str, str | None, str]]:
    """(how, who, title) of each revision, newest first."""
    return [
        (r.source, r.user.username if r.user else None, r.data["title"])
        for r in Revision.objects.of(article)
    ]


# ------------------------------------------------------------------------------ the diff


def test_words_marks_what_was_removed_and_added_and_escapes_the_text():
    assert diff.words("Salah scored <twice>.", "Salah scored three times.") == (
        "Salah scored <del>&lt;twice&gt;.</del><ins>three times.</ins>"
    )


def test_paragraphs_show_changed_ones_word_by_word_and_count_the_rest():
    before = "One.\n\nTwo.\n\nThree.\n\nFour.\n\nFive."
    after = "One.\n\nTwo.\n\nThree.\n\nFour, changed.\n\nFive.\n\nSix."
    assert diff.paragraphs(before, after) == (
        "<p>Three.</p><p><del>Four.</del><ins>Four, changed.</ins></p><p>Five.</p>"
        "<p><ins>Six.</ins></p>"
        '<p class="revision-unchanged">2 unchanged paragraphs</p>'
    )


def test_compare_names_ids_and_lists_only_the_fields_that_differ():
    changes = diff.compare(
        {"title": "A", "body": "Same.", "players": [1, 2]},
        {"title": "B", "body": "Same.", "players": [2, 3]},
        labels={"title": "Title", "body": "Body", "players": "Players"},
        long_text=["body"],
        names={"players": {1: "Salah", 2: "Van Dijk", 3: "Chiesa"}},
    )
    assert [(c.label, str(c.html)) for c in changes] == [
        ("Title", "<del>A</del> → <ins>B</ins>"),
        ("Players", "added <ins>Chiesa</ins>; removed <del>Salah</del>"),
    ]
    assert diff.summary(changes) == "Changed title and players"


# --------------------------------------------------------------- every save path records


def test_every_way_of_saving_records_a_revision_saying_who_and_how(
    client,
    editor,  # noqa: F811
):
    token = ApiToken.objects.issue(user=User.objects.get(username="editor"), name="t").secret
    result = import_story(data=STORY, source_name="01-cup.txt")
    article = Article.objects.get(slug=result.slug)
    response = client.patch(
        f"/api/articles/{article.slug}",
        json.dumps({"standfirst": "A night to remember"}),
        content_type="application/json",
        **auth(token),
    )
    assert response.status_code == HTTPStatus.OK
    article.refresh_from_db()
    form = article_form(
        title="Van Dijk lifts the Carabao Cup",
        slug=article.slug,
        standfirst=article.standfirst,
        body=article.body,
        published_at_0="2024-02-26",
        published_at_1="00:00:00",
        base_version=article.version,
    )
    response = editor.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == HTTPStatus.FOUND
    assert history_of(article) == [
        ("admin", "editor", "Van Dijk lifts the Carabao Cup"),
        ("api", "editor", "Van Dijk lifts the cup"),
        ("import", None, "Van Dijk lifts the cup"),
    ]
    first = Revision.objects.of(article).last()
    assert first is not None and first.author == "the story import (01-cup.txt)"
    assert first.data["body"] == "The captain scored.\n\nKelleher was superb."
    found = Player.objects.filter(slug__in=["caoimhin-kelleher", "virgil-van-dijk"])
    assert first.data["players"] == sorted(found.values_list("pk", flat=True))
    assert Article.objects.get(pk=article.pk).version == 3


def test_a_revision_keeps_the_whole_article(club):
    tag = Tag.objects.create(name="Final", slug="final")
    salah = Player.objects.get(slug="mohamed-salah")
    article = article_save(
        article=Article(
            title="Cup night",
            slug="cup-night",
            standfirst="Wembley",
            body="Van Dijk headed in.",
            author="Desk",
        ),
        actor=Actor(Via.ADMIN),
        picked=Mentions({salah.pk}, set()),
        tags=[tag],
    )
    data = Revision.objects.latest_of(article).data
    assert data == {
        "title": "Cup night",
        "slug": "cup-night",
        "standfirst": "Wembley",
        "body": "Van Dijk headed in.",
        "status": "draft",
        "published_at": article.published_at.replace(microsecond=0).isoformat(),
        "author": "Desk",
        "image": "",
        "image_alt": "",
        "tags": [tag.pk],
        "players": sorted([salah.pk, Player.objects.get(slug="virgil-van-dijk").pk]),
        "trophies": [],
        "picked_players": [salah.pk],
        "picked_trophies": [],
        "matches": [],
        "picked_matches": [],
        "removed_matches": [],
    }


def test_relinking_after_a_name_changes_records_no_revision(club, make_article):
    article = make_article(body="Macca was everywhere.")
    article_save(article=article, actor=None, update_fields=())
    assert len(history_of(article)) == 1


# ------------------------------------------------------------------ history and restore


@pytest.fixture
def edited(editor, make_article):  # noqa: F811
    """An article saved three times: made, retitled and given a new paragraph by the editor."""
    article = make_article(title="Before", slug="story", body="First paragraph.")
    user = User.objects.get(username="editor")
    article.title = "After"
    article_save(article=article, actor=Actor(Via.ADMIN, user))
    article.body = "First paragraph.\n\nA second, new paragraph."
    article_save(article=article, actor=Actor(Via.ADMIN, user))
    return article


def test_the_history_page_lists_revisions_and_shows_what_the_last_one_changed(
    editor,  # noqa: F811
    edited,
):
    page = editor.get(f"/admin/articles/article/{edited.pk}/history/").content.decode()
    assert "3 revisions, newest first." in page
    assert page.count("Restore this version") == 2  # not on the current one
    assert "Changed body <strong" in page and "Changed title</td>" in page
    assert '<dd class="revision-body"><p>First paragraph.</p><p><ins>A second, new paragraph.' in (
        page
    )


def test_any_two_revisions_compare(editor, edited):  # noqa: F811
    oldest, *_, newest = reversed(list(Revision.objects.of(edited)))
    page = editor.get(
        f"/admin/articles/article/{edited.pk}/history/", {"a": oldest.pk, "b": newest.pk}
    ).content.decode()
    assert '<dd class="revision-title"><del>Before</del> → <ins>After</ins></dd>' in page
    assert "<ins>A second, new paragraph.</ins>" in page


def test_restore_puts_a_version_back_in_one_click_as_a_new_revision(editor, edited):  # noqa: F811
    oldest = Revision.objects.of(edited).reverse()[0]
    response = editor.post(f"/admin/articles/article/{edited.pk}/history/{oldest.pk}/restore/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/admin/articles/article/{edited.pk}/change/"
    article = Article.objects.get(pk=edited.pk)
    assert (article.title, article.body) == ("Before", "First paragraph.")
    assert "First paragraph." in article.body_html and "second" not in article.body_html
    latest = Revision.objects.latest_of(article)
    assert (latest.source, latest.user.username, latest.note) == (
        "restore",
        "editor",
        f"revision {oldest.pk}",
    )
    assert len(history_of(article)) == 4
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        f"Restored the version of {when(oldest)} by the admin. "
        "The restore is a new revision: it can be undone the same way."
    ]


def test_restore_needs_a_post_and_refuses_a_taken_address(editor, edited, make_article):  # noqa: F811
    oldest = Revision.objects.of(edited).reverse()[0]
    url = f"/admin/articles/article/{edited.pk}/history/{oldest.pk}/restore/"
    assert editor.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    edited.slug = "story-renamed"
    article_save(article=edited, actor=Actor(Via.ADMIN))
    make_article(title="Another", slug="story")
    response = editor.post(url, follow=True)
    assert Article.objects.get(pk=edited.pk).slug == "story-renamed"
    assert "That version&#x27;s address /news/story/ is now another article&#x27;s" in (
        response.content.decode()
    )


def test_a_contributor_cannot_restore_a_published_article(contributor, make_article):  # noqa: F811
    article = make_article(title="Live", slug="live", body="Text.")
    revision = Revision.objects.latest_of(article)
    response = contributor.post(
        f"/admin/articles/article/{article.pk}/history/{revision.pk}/restore/"
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert len(history_of(article)) == 1


def test_players_and_trophies_keep_revisions_too(editor):  # noqa: F811
    player = Player.objects.get(slug="mohamed-salah")
    page = editor.post(
        f"/admin/players/player/{player.pk}/change/",
        {
            **{field: getattr(player, field) or "" for field in ("name", "slug", "kind")},
            "position": player.position,
            "aliases": "Mo\nThe Egyptian King",
            "is_current": "on",
            "nationality": player.nationality,
            "shirt_number": player.shirt_number,
        },
    )
    assert page.status_code == HTTPStatus.FOUND
    revisions = list(Revision.objects.of(player))
    assert [(r.source, r.user and r.user.username, r.data["aliases"]) for r in revisions] == [
        ("admin", "editor", "Mo\nThe Egyptian King"),
        ("demo", None, player.aliases),
    ]
    assert revisions[1].author == "the demo loader (club.toml)"
    history = editor.get(f"/admin/players/player/{player.pk}/history/").content.decode()
    assert "2 revisions, newest first." in history
    assert (
        '<dd class="revision-aliases">added <ins>Mo</ins>, <ins>The Egyptian King</ins>; '
        "removed <del>Mo Salah</del>, <del>Salah</del></dd>"
    ) in history
    # One click puts the demo's aliases back, and the articles are relinked.
    response = editor.post(
        f"/admin/players/player/{player.pk}/history/{revisions[1].pk}/restore/", follow=True
    )
    assert Player.objects.get(pk=player.pk).aliases == player.aliases
    assert "Restored the version of" in response.content.decode()
    trophy = Trophy.objects.get(slug="league-cup")
    assert editor.get(f"/admin/trophies/trophy/{trophy.pk}/history/").status_code == 200


def test_odd_compare_parameters_are_ignored(editor, edited):  # noqa: F811
    url = f"/admin/articles/article/{edited.pk}/history/"
    for value in ("²", "-1", "abc", "9" * 30, "0"):
        assert editor.get(url, {"a": value, "b": value}).status_code == HTTPStatus.OK, value


def test_a_revision_older_than_a_field_restores_what_it_has(editor, edited):  # noqa: F811
    oldest = Revision.objects.of(edited).reverse()[0]
    del oldest.data["image_alt"], oldest.data["tags"]
    oldest.save()
    response = editor.post(f"/admin/articles/article/{edited.pk}/history/{oldest.pk}/restore/")
    assert response.status_code == HTTPStatus.FOUND
    assert Article.objects.get(pk=edited.pk).title == "Before"


def test_links_picked_before_picks_were_stored_are_kept_by_the_upgrade(club, make_article):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("articles.migrations.0009_keep_earlier_hand_picked_links")
    article = make_article(title="A quiet night", body="Mohamed Salah spoke.")
    van_dijk = Player.objects.get(slug="virgil-van-dijk")
    article.players.add(van_dijk)  # as the admin stored a pick before 0008
    migration.keep_hand_picked(apps, None)
    assert list(article.picked_players.all()) == [van_dijk]  # Salah, found, is no pick
    article_save(article=Article.objects.get(pk=article.pk), actor=None, update_fields=())
    assert set(article.players.values_list("slug", flat=True)) == {
        "mohamed-salah",
        "virgil-van-dijk",
    }
