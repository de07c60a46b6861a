"""The newsroom's roles: what Editors and Contributors may do, and what they are refused."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles.models import Article
from players.models import Player
from revisions.models import Revision

pytestmark = pytest.mark.django_db


def member(client, username: str, group: str):
    user = User.objects.create_user(username, password="x-long-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


@pytest.fixture
def editor(client, club):
    return member(client, "editor", "Editors")


@pytest.fixture
def contributor(client, club):
    return member(client, "junior", "Contributors")


def article_form(**overrides) -> dict:
    return {
        "title": "Matchday notes",
        "slug": "matchday-notes",
        "standfirst": "",
        "body": "Salah scored.",
        "author": "",
        "status": "published",
        "published_at_0": "2024-03-01",
        "published_at_1": "12:00:00",
        **overrides,
    }


def test_the_groups_exist_after_migrate(db):
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    contributors = set(
        Group.objects.get(name="Contributors").permissions.values_list("codename", flat=True)
    )
    assert "publish_article" in editors and "add_honour" in editors and "change_player" in editors
    assert contributors == {
        "add_article",
        "change_article",
        "view_article",
        "view_tag",
        "view_player",
        "view_trophy",
        "view_honour",
    }
    assert not any(
        code.endswith(("_user", "_group", "_permission")) for code in editors | contributors
    )


def test_editor_publishes_directly(editor):
    assert (
        editor.post("/admin/articles/article/add/", article_form()).status_code == HTTPStatus.FOUND
    )
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_editor_maintains_squad_trophies_and_honours(editor):
    for url in [
        "/admin/players/player/add/",
        "/admin/trophies/trophy/add/",
        "/admin/trophies/honour/add/",
    ]:
        assert editor.get(url).status_code == HTTPStatus.OK, url
    vvd = Player.objects.get(slug="virgil-van-dijk")
    response = editor.post(
        f"/admin/players/player/{vvd.pk}/change/",
        {
            "name": vvd.name,
            "slug": vvd.slug,
            "aliases": "Van Dijk\nVirgil\nBig Virg",
            "is_current": "on",
            "kind": "player",
            "position": "defender",
            "role": "",
            "shirt_number": "4",
            "nationality": "Netherlands",
            "date_of_birth": "1991-07-08",
            "bio": "",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "Big Virg" in Player.objects.get(pk=vvd.pk).aliases


@pytest.mark.parametrize(
    "url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]
)
def test_editors_cannot_manage_users_or_groups(editor, url):
    assert editor.get(url).status_code == HTTPStatus.FORBIDDEN


def test_editor_publish_and_unpublish_actions_are_logged(editor, make_article):
    yesterday = timezone.now() - dt.timedelta(days=1)
    article = make_article(status=Article.Status.DRAFT, published_at=yesterday)
    changelist = "/admin/articles/article/"
    editor.post(changelist, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_at <= timezone.now()
    editor.post(changelist, {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    history = editor.get(f"/admin/articles/article/{article.pk}/history/").content.decode()
    made = [(r.user and r.user.username, r.data["status"]) for r in Revision.objects.of(article)]
    assert made == [("editor", "draft"), ("editor", "published"), (None, "draft")]  # newest first
    assert history.count("Changed status") == 2 and "Changed status and publication time" in history
    assert "First version" in history


def test_contributor_writes_a_draft(contributor):
    form = article_form()
    for field in ("status", "published_at_0", "published_at_1"):
        form.pop(field)
    assert contributor.post("/admin/articles/article/add/", form).status_code == HTTPStatus.FOUND
    assert Article.objects.get().status == Article.Status.DRAFT


def test_contributor_cannot_publish_with_a_crafted_post(contributor):
    response = contributor.post("/admin/articles/article/add/", article_form())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Article.objects.exists()


def test_contributor_cannot_change_a_live_article(contributor, make_article):
    live = make_article(title="Live story", slug="live")
    form = article_form(title="Vandalised", slug="live")
    for field in ("status", "published_at_0", "published_at_1"):
        form.pop(field)
    response = contributor.post(f"/admin/articles/article/{live.pk}/change/", form)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Article.objects.get(pk=live.pk).title == "Live story"


def test_contributor_edits_drafts(contributor, make_article):
    draft = make_article(slug="draft", status=Article.Status.DRAFT)
    form = article_form(title="Better title", slug="draft")
    for field in ("status", "published_at_0", "published_at_1"):
        form.pop(field)
    assert (
        contributor.post(f"/admin/articles/article/{draft.pk}/change/", form).status_code
        == HTTPStatus.FOUND
    )
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Better title", Article.Status.DRAFT)


def test_contributor_has_no_publish_action_and_cannot_delete(contributor, make_article):
    draft = make_article(slug="draft", status=Article.Status.DRAFT)
    page = contributor.get("/admin/articles/article/").content.decode()
    assert 'value="publish"' not in page
    contributor.post(
        "/admin/articles/article/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT
    assert (
        contributor.get(f"/admin/articles/article/{draft.pk}/delete/").status_code
        == HTTPStatus.FORBIDDEN
    )


@pytest.mark.parametrize(
    "url", ["/admin/players/player/add/", "/admin/trophies/honour/add/", "/admin/auth/user/"]
)
def test_contributor_cannot_touch_the_squad_or_users(contributor, url):
    assert contributor.get(url).status_code == HTTPStatus.FORBIDDEN


def test_drafts_can_be_previewed_by_the_newsroom_only(contributor, make_article, client):
    draft = make_article(title="Secret signing", slug="secret", status=Article.Status.DRAFT)
    response = contributor.get(f"/admin/articles/article/{draft.pk}/preview/")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "<strong>Preview</strong> · Draft · the public cannot see this yet" in page
    assert '<h1 class="story__title">Secret signing</h1>' in page
    assert response["X-Robots-Tag"] == "noindex"
    contributor.logout()
    assert client.get("/news/secret/").status_code == HTTPStatus.NOT_FOUND
    assert (
        client.get(f"/admin/articles/article/{draft.pk}/preview/").status_code == HTTPStatus.FOUND
    )


def test_article_list_shows_state_filters_and_mentions(editor, make_article):
    make_article(title="Live one", slug="live", body="Salah scored.")
    make_article(
        title="Later one", slug="later", published_at=timezone.now() + dt.timedelta(days=1)
    )
    make_article(title="Draft one", slug="draft", status=Article.Status.DRAFT)
    page = editor.get("/admin/articles/article/").content.decode()
    assert "Mohamed Salah" in page and "Scheduled" in page and "Draft" in page and "Live" in page
    scheduled = editor.get("/admin/articles/article/", {"state": "scheduled"}).content.decode()
    assert "Later one" in scheduled and "Live one" not in scheduled and "Draft one" not in scheduled


def test_changing_a_published_slug_keeps_the_old_address(editor, client, make_article):
    article = make_article(title="Old title", slug="old-title")
    response = editor.post(
        f"/admin/articles/article/{article.pk}/change/",
        article_form(
            title="New title",
            slug="new-title",
            body=article.body,
            published_at_0=article.published_at.strftime("%Y-%m-%d"),
            published_at_1=article.published_at.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    moved = client.get("/news/old-title/")
    assert moved.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert moved["Location"] == "/news/new-title/"
    assert client.get("/news/new-title/").status_code == HTTPStatus.OK


def test_history_shows_who_changed_what(editor, make_article):
    article = make_article(
        title="Before", slug="before", published_at=timezone.now().replace(microsecond=0)
    )
    editor.post(
        f"/admin/articles/article/{article.pk}/change/",
        article_form(
            title="After",
            slug="before",
            body=article.body,
            published_at_0=article.published_at.strftime("%Y-%m-%d"),
            published_at_1=article.published_at.strftime("%H:%M:%S"),
        ),
    )
    history = editor.get(f"/admin/articles/article/{article.pk}/history/").content.decode()
    assert '>editor <span class="revision-via">via the admin</span></td>' in history
    assert '<td class="revision-summary" role="cell">Changed title <strong' in history
    assert '<dd class="revision-title"><del>Before</del> → <ins>After</ins></dd>' in history
