"""Nothing lost: a save based on an older version than the stored one is refused, in the
admin (the form comes back with the editor's text, who saved first and the difference) and
in the API (If-Match with a stale ETag: 412, nothing changed)."""

from __future__ import annotations

import json
import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.test import Client

from articles.models import Article
from articles.services import EditConflict, article_save
from revisions.models import Actor, Revision, Via, when
from tests.test_api import auth, token_for
from tests.test_roles import article_form, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, club):
    return member(client, "editor", "Editors")


@pytest.fixture
def editor_token(club) -> str:
    return token_for("Editors", "editor")


@pytest.fixture
def story(make_article):
    return make_article(
        title="Derby day", slug="derby", standfirst="Old standfirst", body="Salah scored."
    )


def form_of(article: Article, **changes) -> dict:
    published = article.published_at.astimezone()
    fields = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "published_at_0": published.strftime("%Y-%m-%d"),
        "published_at_1": published.strftime("%H:%M:%S"),
        "base_version": article.version,
    }
    return article_form(**{**fields, **changes})


def test_a_stale_admin_form_is_refused_with_the_text_kept_and_the_difference(
    editor,
    story,
):
    url = f"/admin/articles/article/{story.pk}/change/"
    loaded = editor.get(url).content.decode()
    assert 'name="base_version" value="1"' in loaded
    # A second editor saves a better standfirst first.
    other = member(Client(), "other", "Editors")
    assert other.post(url, form_of(story, standfirst="New standfirst")).status_code == 302
    # The first editor, still on version 1, saves a new paragraph.
    mine = form_of(story, body="Salah scored.\n\nA paragraph of mine.")
    response = editor.post(url, mine)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    latest = Revision.objects.of(story)[0]
    assert latest.user.username == "other"
    assert (
        f"other saved this article at {when(latest)}, after you opened it. "
        "Your text is still in the form and not saved."
    ) in page
    # Their standfirst would go back, and my paragraph would come in:
    assert (
        '<dd class="revision-standfirst"><del>New standfirst</del> → <ins>Old standfirst</ins>'
        in page
    )
    assert "<p><ins>A paragraph of mine.</ins></p>" in page
    # My text is still in the form, now based on their version; theirs is what is stored.
    assert "A paragraph of mine.</textarea>" in page
    assert 'name="base_version" value="2"' in page
    stored = Article.objects.get(pk=story.pk)
    assert (stored.standfirst, stored.body, stored.version) == (
        "New standfirst",
        "Salah scored.",
        2,
    )
    # Saving again, having seen theirs, replaces it knowingly.
    again = editor.post(url, {**mine, "base_version": "2", "standfirst": "New standfirst"})
    assert again.status_code == HTTPStatus.FOUND
    stored.refresh_from_db()
    assert (stored.standfirst, stored.body) == (
        "New standfirst",
        "Salah scored.\n\nA paragraph of mine.",
    )


def test_the_service_refuses_a_stale_base_inside_its_transaction(story):
    story.title = "Mine"
    article_save(article=Article.objects.get(pk=story.pk), actor=Actor(Via.ADMIN))  # v2
    with pytest.raises(EditConflict) as refused:
        article_save(article=story, actor=Actor(Via.ADMIN), base_version=1)
    assert str(refused.value) == (
        f"“Derby day” was changed by the admin at {when(Revision.objects.of(story)[0])}, "
        "after you read it; your changes are not saved."
    )
    stored = Article.objects.get(pk=story.pk)
    assert (stored.title, stored.version, Revision.objects.of(story).count()) == (
        "Derby day",
        2,
        2,
    )


def patch(client, slug: str, token: str, body: dict, **headers):
    return client.patch(
        f"/api/articles/{slug}",
        json.dumps(body),
        content_type="application/json",
        **auth(token),
        **headers,
    )


def test_the_api_gives_etags_and_refuses_a_stale_if_match_with_412(client, editor_token, story):
    read = client.get("/api/articles/derby")
    v1 = read["ETag"]
    assert re.fullmatch(r'"v1-[0-9a-f]{8}"', v1)
    first = patch(client, "derby", editor_token, {"standfirst": "One"}, HTTP_IF_MATCH=v1)
    assert first.status_code == HTTPStatus.OK
    v2 = first["ETag"]
    assert re.fullmatch(r'"v2-[0-9a-f]{8}"', v2)
    stale = patch(client, "derby", editor_token, {"standfirst": "Two"}, HTTP_IF_MATCH=v1)
    assert stale.status_code == HTTPStatus.PRECONDITION_FAILED
    latest = Revision.objects.of(story)[0]
    assert stale.json() == {
        "detail": f"“Derby day” was changed by editor at {when(latest)}, after you read it; "
        f"your changes are not saved. Its ETag is now {v2}: read it again."
    }
    stored = Article.objects.get(pk=story.pk)
    assert (stored.standfirst, stored.version, Revision.objects.of(story).count()) == (
        "One",
        2,
        2,
    )
    # A tag that was never this article's, a weak one or garbage match nothing either.
    for tag in ('"v99-00000000"', f"W/{v2}", '"v2"', "garbage", '"v' + "9" * 40 + '-0"'):
        response = patch(client, "derby", editor_token, {"standfirst": "X"}, HTTP_IF_MATCH=tag)
        assert response.status_code == HTTPStatus.PRECONDITION_FAILED, tag
    # The current tag, one of a list, or * match; no If-Match means no check.
    listed = f"{v1}, {v2}"
    assert (
        patch(client, "derby", editor_token, {"standfirst": "3"}, HTTP_IF_MATCH=listed).status_code
        == 200
    )
    assert (
        patch(client, "derby", editor_token, {"standfirst": "4"}, HTTP_IF_MATCH="*").status_code
        == 200
    )
    assert patch(client, "derby", editor_token, {"standfirst": "5"}).status_code == 200
    assert Article.objects.get(pk=story.pk).version == 5


def test_a_relink_changes_the_etag_but_not_the_version(
    client, club, story, django_capture_on_commit_callbacks
):
    from players.models import Player
    from players.services import player_save

    before = client.get("/api/articles/derby")["ETag"]
    salah = Player.objects.get(slug="mohamed-salah")
    salah.slug = "mo-salah"
    with django_capture_on_commit_callbacks(execute=True):
        player_save(player=salah)  # the relink runs at once in tests
    after = client.get("/api/articles/derby", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == HTTPStatus.OK and after["ETag"] != before
    assert after["ETag"].startswith('"v1-') and "/squad/mo-salah/" in after.json()["body_html"]


def test_a_created_article_carries_its_etag(client, editor_token, club):
    response = client.post(
        "/api/articles",
        json.dumps({"title": "New", "body": "Text."}),
        content_type="application/json",
        **auth(editor_token),
    )
    assert response.status_code == HTTPStatus.CREATED
    assert re.fullmatch(r'"v1-[0-9a-f]{8}"', response["ETag"])
    made = Revision.objects.of(Article.objects.get(slug="new")).get()
    assert (made.user, made.source) == (User.objects.get(username="editor"), Via.API)


def test_the_story_api_leaves_an_edited_story_alone_unless_forced(client, editor_token, club):
    story = "date 2024-02-26 Cup final report\n\nThe first text.\n"
    first = client.post(
        "/api/stories",
        json.dumps({"text": story, "source_name": "cup.txt"}),
        content_type="application/json",
        **auth(editor_token),
    )
    assert first.status_code == HTTPStatus.CREATED
    article = Article.objects.get(slug="cup-final-report")
    article.body = "The text an editor fixed."
    article_save(article=article, actor=Actor(Via.ADMIN, User.objects.get(username="editor")))
    edit = Revision.objects.of(article)[0]
    changed = {"text": story.replace("first", "second"), "source_name": "cup.txt"}

    def post(**options):
        return client.post(
            "/api/stories",
            json.dumps({**changed, **options}),
            content_type="application/json",
            **auth(editor_token),
        )

    refused = post(update=True)
    assert refused.status_code == HTTPStatus.OK
    assert refused.json()["outcome"] == "edited"
    assert refused.json()["message"] == (
        f"cup.txt: not replaced: “Cup final report” was edited by editor on {when(edit)} "
        'since it was imported (send "force": true to replace it; the edited text stays in '
        "its revisions) → /news/cup-final-report/"
    )
    assert Article.objects.get(pk=article.pk).body == "The text an editor fixed."
    forced = post(force=True)
    assert (forced.status_code, forced.json()["outcome"]) == (HTTPStatus.OK, "updated")
    assert Article.objects.get(pk=article.pk).body == "The second text."
    bodies = [r.data["body"] for r in Revision.objects.of(article)]
    assert bodies == ["The second text.", "The text an editor fixed.", "The first text."]
