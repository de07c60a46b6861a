"""The admin, used by a logged-in editor."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from articles.models import Article
from players.models import Player

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(admin_client, club):
    return admin_client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        "/admin/articles/tag/",
        "/admin/players/player/",
        "/admin/players/player/add/",
        "/admin/trophies/trophy/",
        "/admin/trophies/honour/",
    ],
)
def test_admin_pages_open(editor, url):
    assert editor.get(url).status_code == HTTPStatus.OK


def test_trophy_page_with_honours_inline(editor):
    from trophies.models import Trophy

    trophy = Trophy.objects.get(slug="league-cup")
    page = editor.get(f"/admin/trophies/trophy/{trophy.pk}/change/").content.decode()
    assert "2023–24" in page and "Chelsea" in page


def test_article_list_shows_state(editor, seeded):
    page = editor.get("/admin/articles/article/").content.decode()
    assert "Live" in page and "Liverpool celebrated in style" in page


def test_player_autocomplete_for_articles(editor):
    response = editor.get(
        "/admin/autocomplete/",
        {
            "term": "kell",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "picked_players",
        },
    )
    assert [item["text"] for item in response.json()["results"]] == ["Caoimhín Kelleher"]


def test_saving_in_the_admin_renders_and_links_mentions_and_keeps_hand_picks(editor):
    salah = Player.objects.get(slug="mohamed-salah")
    response = editor.post(
        "/admin/articles/article/add/",
        {
            "title": "Kelleher keeps another clean sheet",
            "slug": "kelleher-clean-sheet",
            "standfirst": "",
            "body": "Caoimhin Kelleher was **superb** at the FA Cup tie.",
            "status": "published",
            "published_at_0": "2024-03-01",
            "published_at_1": "12:00:00",
            "author": "Desk",
            "picked_players": [salah.pk],
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    article = Article.objects.get(slug="kelleher-clean-sheet")
    assert article.body_html == (
        '<p><a class="mention mention-player" href="/squad/caoimhin-kelleher/">Caoimhin Kelleher</a>'
        ' was <strong>superb</strong> at the <a class="mention mention-trophy" href="/trophies/fa-cup/">'
        "FA Cup</a> tie.</p>\n"
    )
    assert set(article.players.values_list("slug", flat=True)) == {
        "caoimhin-kelleher",
        "mohamed-salah",
    }
    assert list(article.trophies.values_list("slug", flat=True)) == ["fa-cup"]
    assert article.word_count == 9
