"""The JSON API, as a partner developer and a newsroom script use it."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import cast

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import timezone
from ninja.throttling import SimpleRateThrottle

from articles.models import Article, Tag
from tokens.models import ApiToken

pytestmark = pytest.mark.django_db

SEED_003 = "liverpool-celebrated-in-style-after-defeating-chelsea-in-the-carabao-cup-final"
STORY = "date 2024-03-01 Szoboszlai stars again\n\nA short standfirst\n\nSzoboszlai scored twice."


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def token_for(group: str | None, username: str = "script") -> str:
    user = User.objects.create_user(username, password="x-long-password")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return ApiToken.objects.issue(user=user, name="test").secret


@pytest.fixture
def editor_token(club) -> str:
    return token_for("Editors", "editor")


@pytest.fixture
def contributor_token(club) -> str:
    return token_for("Contributors", "junior")


def auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_article_list_items_and_count(client, seeded):
    body = client.get("/api/articles?limit=1").json()
    assert body["count"] == 2
    assert body["items"] == [
        {
            "slug": SEED_003,
            "title": "Liverpool celebrated in style after defeating Chelsea in the Carabao Cup final",
            "standfirst": "Calvin Harris and Dua Lipa’s ‘One Kiss’ blasted in the Wembley locker room",
            "summary": "Calvin Harris and Dua Lipa’s ‘One Kiss’ blasted in the Wembley locker room",
            "published_at": "2024-02-26T00:00:00Z",
            "url": f"http://testserver/news/{SEED_003}/",
            "word_count": 530,
            "reading_minutes": 3,
            "image": None,
        }
    ]


def test_article_detail_has_mentions_tags_and_html(client, seeded):
    body = client.get(f"/api/articles/{SEED_003}").json()
    assert {p["slug"] for p in body["players"]} == {
        "virgil-van-dijk",
        "caoimhin-kelleher",
        "harvey-elliott",
        "luis-diaz",
        "trent-alexander-arnold",
        "andy-robertson",
        "jurgen-klopp",
    }
    assert {
        "slug": "league-cup",
        "name": "League Cup",
        "url": "http://testserver/trophies/league-cup/",
    } in body["trophies"]
    assert body["tags"] == []
    assert body["body_html"].startswith("<p>The cameras provided a behind-the-scenes look")
    assert body["status"] == "published"


@pytest.mark.parametrize(
    "query, slugs",
    [
        ("player=joe-gomez", ["jurgen-klopps-last-dance-at-liverpool-is-off-to-the-perfect-start"]),
        (
            "trophy=league-cup",
            [SEED_003, "jurgen-klopps-last-dance-at-liverpool-is-off-to-the-perfect-start"],
        ),
        ("q=kelleher", [SEED_003]),
        ("q=%22%29%28", []),
        ("since=2024-02-27T00:00:00Z", []),
        (
            "since=2024-02-25T00:00:00%2B01:00",
            [SEED_003, "jurgen-klopps-last-dance-at-liverpool-is-off-to-the-perfect-start"],
        ),
    ],
)
def test_article_filters(client, seeded, query, slugs):
    assert [a["slug"] for a in client.get(f"/api/articles?{query}").json()["items"]] == slugs


def test_tag_filter(client, club, make_article):
    final = Tag.objects.create(name="Final", slug="final")
    make_article(slug="tagged", tags=[final])
    make_article(slug="untagged")
    assert [a["slug"] for a in client.get("/api/articles?tag=final").json()["items"]] == ["tagged"]


@pytest.mark.parametrize("name", ["player", "trophy", "tag"])
def test_unknown_filter_values_are_a_404(client, club, name):
    response = client.get(f"/api/articles?{name}=nobody")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": f"Unknown {name} “nobody”."}


def test_page_size_is_capped_at_100(client, db):
    response = client.get("/api/articles?limit=101")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["detail"][0]["msg"] == "Input should be less than or equal to 100"


def test_only_published_articles_ever(client, club, make_article):
    make_article(slug="draft", status=Article.Status.DRAFT)
    make_article(slug="later", published_at=timezone.now() + dt.timedelta(hours=1))
    assert client.get("/api/articles").json() == {"items": [], "count": 0}
    assert client.get("/api/articles/draft").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/api/articles/later").status_code == HTTPStatus.NOT_FOUND


def test_players_and_trophies(client, seeded):
    players = client.get("/api/players?kind=player&limit=2").json()
    assert players["count"] == 29
    assert [p["slug"] for p in players["items"]] == ["alisson-becker", "joe-gomez"]
    vvd = client.get("/api/players/virgil-van-dijk").json()
    assert {
        "trophy": "League Cup",
        "trophy_slug": "league-cup",
        "season": "2023–24",
        "captain": True,
    } in vvd["honours"]
    assert [a["slug"] for a in vvd["recent_articles"]] == [
        SEED_003,
        "jurgen-klopps-last-dance-at-liverpool-is-off-to-the-perfect-start",
    ]
    assert vvd["aliases"] == ["Van Dijk", "Virgil"]
    cabinet = client.get("/api/trophies").json()
    assert [(t["slug"], t["wins"]) for t in cabinet["items"]] == [
        ("premier-league", 20),
        ("league-cup", 10),
        ("fa-cup", 8),
        ("champions-league", 6),
        ("europa-league", 3),
    ]
    cup = client.get("/api/trophies/league-cup").json()
    assert cup["wins"] == 10 and cup["last_season"] == "2023–24"
    assert cup["honours"][0] == {
        "season": "2023–24",
        "won_on": "2024-02-25",
        "final_opponent": "Chelsea",
        "score": "1–0 (after extra time)",
        "captain": "Virgil van Dijk",
        "notes": "Virgil van Dijk headed the winner in the 118th minute at Wembley.",
    }


def test_conditional_requests_get_304(client, seeded):
    first = client.get(f"/api/articles/{SEED_003}")
    assert first["Last-Modified"] and first["ETag"]
    assert (
        client.get(f"/api/articles/{SEED_003}", HTTP_IF_NONE_MATCH=first["ETag"]).status_code
        == HTTPStatus.NOT_MODIFIED
    )
    assert (
        client.get(
            f"/api/articles/{SEED_003}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        ).status_code
        == HTTPStatus.NOT_MODIFIED
    )
    listing = client.get("/api/articles")
    assert (
        client.get("/api/articles", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code
        == HTTPStatus.NOT_MODIFIED
    )


@pytest.fixture
def strict_throttles():
    """Lower the API's live rates to 3 a minute for one test."""
    from fanportal.api import api

    throttles = cast(list[SimpleRateThrottle], api.throttle)  # fanportal.api sets a list of them
    saved = [(t.num_requests, t.duration) for t in throttles]
    for throttle in throttles:
        throttle.num_requests, throttle.duration = 3, 60
    yield
    for throttle, (num, duration) in zip(throttles, saved, strict=True):
        throttle.num_requests, throttle.duration = num, duration


def test_anonymous_reads_are_throttled(client, db, strict_throttles):
    codes = [client.get("/api/trophies").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/api/trophies").json() == {"detail": "Too many requests."}


def test_token_writes_are_throttled_per_token(client, editor_token, strict_throttles):
    codes = [
        client.post(
            "/api/stories",
            {"text": "nonsense"},
            content_type="application/json",
            **auth(editor_token),
        ).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]


# Writes


def test_writes_need_a_token(client, club):
    response = client.post(
        "/api/articles", {"title": "T", "body": "B"}, content_type="application/json"
    )
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    wrong = client.post(
        "/api/articles",
        {"title": "T", "body": "B"},
        content_type="application/json",
        **auth("fp_not-a-real-token"),
    )
    assert wrong.status_code == HTTPStatus.UNAUTHORIZED
    assert wrong.json() == {"detail": "Unauthorized"}


def test_editor_creates_and_publishes_an_article(client, editor_token):
    Tag.objects.create(name="Final", slug="final")
    response = client.post(
        "/api/articles",
        {
            "title": "Salah's double",
            "body": "Mohamed Salah scored twice in the FA Cup.",
            "status": "published",
            "tags": ["final"],
        },
        content_type="application/json",
        **auth(editor_token),
    )
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert body["slug"] == "salahs-double" and body["status"] == "published"
    assert [p["slug"] for p in body["players"]] == ["mohamed-salah"]
    assert [t["slug"] for t in body["trophies"]] == ["fa-cup"]
    assert [t["slug"] for t in body["tags"]] == ["final"]
    assert client.get("/api/articles/salahs-double").status_code == HTTPStatus.OK
    assert Article.objects.get().created_by.username == "editor"


def test_duplicate_slug_is_a_409(client, editor_token, make_article):
    make_article(slug="taken")
    response = client.post(
        "/api/articles",
        {"title": "T", "slug": "taken", "body": "B"},
        content_type="application/json",
        **auth(editor_token),
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": "An article with the slug “taken” already exists."}


def test_contributor_token_cannot_publish(client, contributor_token):
    response = client.post(
        "/api/articles",
        {"title": "T", "body": "B", "status": "published"},
        content_type="application/json",
        **auth(contributor_token),
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json() == {
        "detail": "This token's user lacks the permission articles.publish_article."
    }
    draft = client.post(
        "/api/articles",
        {"title": "T", "body": "B"},
        content_type="application/json",
        **auth(contributor_token),
    )
    assert draft.status_code == HTTPStatus.CREATED and draft.json()["status"] == "draft"


def test_patch_changes_fields_and_relinks(client, editor_token, make_article):
    make_article(slug="story", body="Nothing yet.")
    response = client.patch(
        "/api/articles/story",
        {"body": "Kelleher saved a penalty.", "standfirst": "Hero"},
        content_type="application/json",
        **auth(editor_token),
    )
    assert response.status_code == HTTPStatus.OK
    assert response.json()["standfirst"] == "Hero"
    assert [p["slug"] for p in response.json()["players"]] == ["caoimhin-kelleher"]


def test_patch_errors(client, editor_token, contributor_token, make_article):
    make_article(slug="story")
    make_article(slug="other")
    cases = [
        ("/api/articles/nope", {"title": "X"}, editor_token, 404, {"detail": "Not Found"}),
        (
            "/api/articles/story",
            {"slug": "other"},
            editor_token,
            409,
            {"detail": "An article with the slug “other” already exists."},
        ),
        (
            "/api/articles/story",
            {"title": None},
            editor_token,
            422,
            {
                "detail": [
                    {
                        "type": "string_type",
                        "loc": ["body", "payload", "title"],
                        "msg": "Input should be a valid string",
                    }
                ]
            },
        ),
        (
            "/api/articles/story",
            {"title": "X"},
            contributor_token,
            403,
            {"detail": "This token's user lacks the permission articles.publish_article."},
        ),
    ]
    for url, payload, token, status, body in cases:
        response = client.patch(url, payload, content_type="application/json", **auth(token))
        assert (response.status_code, response.json()) == (status, body), url


def test_bad_input_is_a_422_not_a_500(client, editor_token):
    for payload in [
        {"title": "x\x00y", "body": "B"},
        {"title": "", "body": "B"},
        {"title": "T"},
        {"title": "T", "body": "B", "status": "live"},
        {"title": "T", "body": "B", "slug": "no spaces"},
    ]:
        response = client.post(
            "/api/articles", payload, content_type="application/json", **auth(editor_token)
        )
        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, payload


def test_post_story_runs_the_importer(client, editor_token):
    payload = {"text": STORY, "source_name": "matchday.txt"}
    created = client.post(
        "/api/stories", payload, content_type="application/json", **auth(editor_token)
    )
    assert created.status_code == HTTPStatus.CREATED
    assert created.json() == {
        "outcome": "created",
        "message": "matchday.txt: created “Szoboszlai stars again” → /news/szoboszlai-stars-again/",
        "slug": "szoboszlai-stars-again",
        "url": "http://testserver/news/szoboszlai-stars-again/",
        "warnings": [],
    }
    again = client.post(
        "/api/stories", payload, content_type="application/json", **auth(editor_token)
    )
    assert (again.status_code, again.json()["outcome"]) == (HTTPStatus.OK, "unchanged")


def test_post_story_with_a_bad_file_says_why(client, editor_token):
    response = client.post(
        "/api/stories",
        {"text": "date 2024-02-30 X\n\nBody.", "source_name": "bad.txt"},
        content_type="application/json",
        **auth(editor_token),
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "detail": "bad.txt:1: impossible date 2024-02-30 (day is out of range for month)"
    }
    assert not Article.objects.exists()


def test_oversized_bodies_are_refused(client, editor_token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = client.post(
        "/api/stories",
        {"text": "x" * (2 * 1024 * 1024)},
        content_type="application/json",
        **auth(editor_token),
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json() == {"detail": "The request body is larger than 1 MB."}


def test_revoked_tokens_stop_working(client, editor_token):
    ApiToken.objects.get().revoke()
    response = client.post(
        "/api/stories", {"text": STORY}, content_type="application/json", **auth(editor_token)
    )
    assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_tokens_are_stored_hashed(editor_token):
    token = ApiToken.objects.get()
    assert editor_token not in (token.key_hash, token.key_prefix)
    assert token.key_prefix == editor_token[:10] and len(token.key_hash) == 64


def test_create_api_token_command(db, capsys):
    from django.core.management import CommandError, call_command

    User.objects.create_user("desk")
    call_command("create_api_token", "desk", "--name", "Matchday script")
    secret = capsys.readouterr().out.strip()
    assert ApiToken.objects.authenticate(secret).user.username == "desk"
    with pytest.raises(CommandError, match=r"^No user called 'ghost'.$"):
        call_command("create_api_token", "ghost")


def test_openapi_documents_every_operation(client, db):
    schema = client.get("/api/openapi.json").json()
    operations = [
        (path, method, op) for path, item in schema["paths"].items() for method, op in item.items()
    ]
    assert len(operations) == 12
    for path, method, op in operations:
        assert op["summary"], (path, method)
        assert {"422", "429"} <= set(op["responses"]), (path, method)
    assert client.get("/api/docs").status_code == HTTPStatus.OK


# Query counts: lists and details stay constant with 1 and 50 rows.
@pytest.mark.parametrize("n", [1, 50])
@pytest.mark.parametrize(
    "url, queries",
    [
        ("/api/articles", 2),
        ("/api/articles/story-0", 5),
        ("/api/players", 2),
        ("/api/players/virgil-van-dijk", 3),
        ("/api/trophies", 2),
        ("/api/trophies/league-cup", 2),
    ],
)
def test_api_query_counts(client, club, make_article, django_assert_num_queries, url, queries, n):
    for i in range(n):
        make_article(slug=f"story-{i}", body="Virgil van Dijk lifted the League Cup.")
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == HTTPStatus.OK
