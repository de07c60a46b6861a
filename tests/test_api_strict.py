"""The API is strict: what its schema refuses, it refuses (with a 422 that says why), and
what it answers, its schema documents. Each test pins one thing schemathesis found with
`scripts/fuzz_api.sh` (every check, valid and invalid data)."""

from __future__ import annotations

import json
import runpy
import zlib
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.http import QueryDict
from django.test import RequestFactory

from apikit import MAX_REQUEST_LINE, NO_NUL_PATTERN, SLUG_PATTERN, QueryParser, Repeated
from articles.models import Article
from tokens.models import ApiToken

pytestmark = pytest.mark.django_db

DATETIME = "must be an RFC 3339 date-time with an offset, such as 2024-02-25T15:00:00Z"
SLUG = "String should match pattern '^[-a-zA-Z0-9_]{1,255}$'"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


@pytest.fixture
def editor(club) -> dict[str, str]:
    user = User.objects.create_user("editor", password="x-long-password")
    user.groups.add(Group.objects.get(name="Editors"))
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.objects.issue(user=user).secret}"}


def error(loc: list[str | int], msg: str, kind: str, **ctx: object) -> dict[str, object]:
    """The API's answer to one invalid input (pydantic's error, as ninja renders it)."""
    detail: dict[str, object] = {"type": kind, "loc": loc, "msg": msg}
    return {"detail": [{**detail, "ctx": ctx} if ctx else detail]}


def post(client, url: str, payload: object, editor: dict[str, str]):
    return client.post(url, payload, content_type="application/json", **editor)


# Date-times: RFC 3339 strings only (pydantic's lax mode took `since=0.5` as a Unix time).


@pytest.mark.parametrize("value", ["0.5", "1700000000", "2024-02-25", "2024-02-25T15:00:00"])
def test_since_takes_only_an_rfc_3339_date_time(client, db, value):
    response = client.get("/api/articles", {"since": value})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == error(["query", "since"], DATETIME, "date_time_format")


def test_since_out_of_range_in_utc_is_a_422(client, db):
    response = client.get("/api/articles", {"since": "0001-01-01T00:00:00+01:00"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == error(
        ["query", "since"],
        "must be a real time, between the years 1 and 9999 in UTC",
        "date_time_range",
    )


def test_since_with_an_offset_filters(client, seeded):
    # Both seed stories were published at 2024-02-26T00:00:00Z.
    assert client.get("/api/articles?since=2024-02-26T00:30:00%2B01:00").json()["count"] == 2
    assert client.get("/api/articles?since=2024-02-26T00:30:00Z").json()["count"] == 0


@pytest.mark.parametrize("value", [0, 1700000000.5, "2024-03-01", True])
def test_published_at_in_a_body_takes_only_an_rfc_3339_string(client, editor, value):
    response = post(
        client, "/api/articles", {"title": "T", "body": "B", "published_at": value}, editor
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == error(
        ["body", "payload", "published_at"], DATETIME, "date_time_format"
    )
    assert not Article.objects.exists()


def test_published_at_keeps_its_offset(client, editor):
    response = post(
        client,
        "/api/articles",
        {"title": "T", "body": "B", "published_at": "2024-03-01T20:00:00+01:00"},
        editor,
    )
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["published_at"] == "2024-03-01T19:00:00Z"


# A single-valued parameter given twice: one 422 naming it, in every router.


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/articles?trophy=league-cup&trophy=fa-cup", "trophy"),
        ("/api/articles?since=2024-01-01T00:00:00Z&since=2024-02-01T00:00:00Z", "since"),
        ("/api/players?kind=player&kind=coach", "kind"),
        ("/api/players?current=true&current=true", "current"),
        ("/api/trophies?limit=5&limit=10", "limit"),
        ("/api/trophies?offset=0&offset=1&offset=2", "offset"),
    ],
)
def test_a_parameter_given_twice_is_a_422(client, club, url, name):
    response = client.get(url)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == error(
        ["query", name], f"{name}: give this parameter once", "repeated_parameter"
    )


def test_each_repeated_parameter_is_named_once_with_other_errors(client, db):
    response = client.get("/api/articles?tag=a&tag=b&limit=0&q=x&q=y")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["detail"] == [
        {
            "type": "repeated_parameter",
            "loc": ["query", "tag"],
            "msg": "tag: give this parameter once",
        },
        {"type": "repeated_parameter", "loc": ["query", "q"], "msg": "q: give this parameter once"},
        {
            "type": "greater_than_equal",
            "loc": ["query", "limit"],
            "msg": "Input should be greater than or equal to 1",
            "ctx": {"ge": 1},
        },
    ]


def test_undeclared_parameters_are_ignored_even_repeated(client, club):
    # Cache busters and campaign tags are not the API's business.
    assert client.get("/api/trophies?utm_source=a&utm_source=b").status_code == HTTPStatus.OK


def test_list_parameters_take_every_value():
    request = RequestFactory().get("/api/x?tag=a&tag=b&q=x&q=y")
    parsed = QueryParser().parse_querydict(QueryDict("tag=a&tag=b&q=x&q=y"), ["tag"], request)
    assert parsed == {"tag": ["a", "b"], "q": ["x", "y"]}
    assert not isinstance(parsed["tag"], Repeated) and isinstance(parsed["q"], Repeated)


# Booleans in the query: `true` or `false` (lax pydantic took 1, yes, on, t).


@pytest.mark.parametrize("value", ["1", "0", "yes", "on", "t", "True"])
def test_a_query_boolean_is_true_or_false(client, db, value):
    response = client.get("/api/players", {"current": value})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == error(["query", "current"], "must be true or false", "true_or_false")


def test_query_booleans_filter(client, club):
    everyone = client.get("/api/players?limit=100").json()["count"]
    current = client.get("/api/players?current=true&limit=100").json()["count"]
    former = client.get("/api/players?current=false&limit=100").json()["count"]
    assert current and current + former == everyone


# Slugs: a malformed one is a 422 (the schema's pattern), an unknown one a 404, never a 400.


@pytest.mark.parametrize("name", ["player", "trophy", "tag"])
def test_a_malformed_filter_slug_is_a_422(client, db, name):
    response = client.get("/api/articles", {name: "Premier League"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == error(
        ["query", name], SLUG, "string_pattern_mismatch", pattern=SLUG_PATTERN
    )


def test_an_unknown_tag_in_a_body_is_a_404(client, editor):
    response = post(client, "/api/articles", {"title": "T", "body": "B", "tags": ["x"]}, editor)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Unknown tag “x”."}


def test_a_malformed_tag_in_a_body_is_a_422(client, editor):
    response = post(client, "/api/articles", {"title": "T", "body": "B", "tags": ["a b"]}, editor)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == error(
        ["body", "payload", "tags", 0], SLUG, "string_pattern_mismatch", pattern=SLUG_PATTERN
    )


def test_a_title_without_latin_letters_still_gets_a_slug(client, editor):
    response = post(client, "/api/articles", {"title": "今日は", "body": "B"}, editor)
    assert response.status_code == HTTPStatus.CREATED
    slug = f"article-{zlib.crc32('今日は'.encode()):08x}"
    assert response.json()["slug"] == slug
    again = post(client, "/api/articles", {"title": "今日は", "body": "B"}, editor)
    assert again.status_code == HTTPStatus.CONFLICT
    assert again.json() == {"detail": f"An article with the slug “{slug}” already exists."}


# Bodies: an object with the declared fields, of the declared JSON types.


@pytest.mark.parametrize("payload", [[None, None], "title", 5])
def test_a_body_that_is_not_an_object_is_a_422(client, editor, make_article, payload):
    make_article(slug="story", title="Before")
    response = client.patch(
        "/api/articles/story", json.dumps(payload), content_type="application/json", **editor
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == error(
        ["body", "payload"],
        "Input should be a valid dictionary or object to extract fields from",
        "model_attributes_type",
    )
    assert Article.objects.get().title == "Before"


def test_an_unknown_field_is_a_422(client, editor):
    response = post(client, "/api/articles", {"title": "T", "body": "B", "publish_at": 1}, editor)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == error(
        ["body", "payload", "publish_at"], "Extra inputs are not permitted", "extra_forbidden"
    )


@pytest.mark.parametrize(
    "field, value, msg, kind",
    [
        ("dry_run", 0, "Input should be a valid boolean", "bool_type"),
        ("dry_run", "true", "Input should be a valid boolean", "bool_type"),
        ("source_name", 7, "Input should be a valid string", "string_type"),
    ],
)
def test_body_fields_take_only_their_json_type(client, editor, field, value, msg, kind):
    response = post(client, "/api/stories", {"text": "x", field: value}, editor)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == error(["body", "payload", field], msg, kind)


@pytest.mark.parametrize("field", ["status", "tags", "published_at", "slug"])
def test_patch_fields_take_no_null(client, editor, make_article, field):
    make_article(slug="story")
    response = client.patch(
        "/api/articles/story", {field: None}, content_type="application/json", **editor
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["detail"][0]["loc"] == ["body", "payload", field]


def test_the_schema_says_so(client, db):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    patch = schemas["ArticlePatch"]
    assert patch["additionalProperties"] is False
    assert all(
        "default" not in field and "anyOf" not in field for field in patch["properties"].values()
    )
    assert {"ArticleIn", "StoryIn"} <= {
        name for name, schema in schemas.items() if schema.get("additionalProperties") is False
    }


# Long requests: every value the schema allows fits in gunicorn's request line; only values
# it refuses can make a longer one, and that 414 is documented.


def test_over_long_search_is_a_422(client, db):
    response = client.get("/api/articles", {"q": "x" * 201})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == {
        "detail": [
            {
                "type": "string_too_long",
                "loc": ["query", "q"],
                "msg": "String should have at most 200 characters",
                "ctx": {"max_length": 200},
            }
        ]
    }


def test_gunicorn_reads_the_longest_request_the_schema_allows():
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    assert config["limit_request_line"] == MAX_REQUEST_LINE == 8190
    slug = "s" * 255
    longest = (
        f"GET /api/articles?player={slug}&trophy={slug}&tag={slug}"
        f"&q={quote(chr(0x10FFFF) * 200)}&since={quote('2024-02-25T15:00:00.000001+01:00')}"
        f"&limit=100&offset=10000000 HTTP/1.1"
    )
    assert len(longest) < MAX_REQUEST_LINE


def test_every_operation_documents_414(client, db):
    schema = client.get("/api/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert "414" in operation["responses"], (path, method)


def test_nul_in_text_is_a_422_the_schema_announces(client, editor):
    response = post(client, "/api/articles", {"title": "a\x00b", "body": "B"}, editor)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == error(
        ["body", "payload", "title"],
        "String should match pattern '^[^\\x00]*$'",
        "string_pattern_mismatch",
        pattern=NO_NUL_PATTERN,
    )
    title = client.get("/api/openapi.json").json()["components"]["schemas"]["ArticleIn"]
    assert title["properties"]["title"]["pattern"] == NO_NUL_PATTERN
