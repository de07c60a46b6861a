"""The admin's "Import stories" page, used by a real editor with CSRF checks on."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles.models import Article
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db

URL = "/admin/articles/article/import/"
PASSWORD = "a-long-editor-password"


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def logged_in(username: str, *permissions: str, group: str | None = None) -> Client:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client(enforce_csrf_checks=True)
    login_page = client.get("/admin/login/").content.decode()
    response = client.post(
        "/admin/login/",
        {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token(login_page),
            "next": "/admin/",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    return client


@pytest.fixture
def editor(club) -> Client:
    return logged_in("editor", group="Editors")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def post(client: Client, files: list[SimpleUploadedFile], **fields: str):
    token = csrf_token(client.get(URL).content.decode())
    return client.post(
        URL, {"files": files, "status": "published", "csrfmiddlewaretoken": token, **fields}
    )


def test_editor_imports_several_files_and_sees_each_outcome(editor):
    seed = SEEDS / "003_b453b6c647e06dae.txt"
    response = post(
        editor,
        [
            upload(seed.name, seed.read_bytes()),
            upload("bad.txt", b"date 2024-02-30 Nope\n\nBody."),
            upload("photo.jpg", b"\xff\xd8\xff"),
        ],
    )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "1 created, 0 updated, 0 unchanged, 2 failed" in page
    assert "bad.txt:1: impossible date 2024-02-30 (day is out of range for month)" in page
    assert "photo.jpg: not a .txt story file" in page
    assert (
        'href="/news/liverpool-celebrated-in-style-after-defeating-chelsea-in-the-carabao-cup-final/"'
        in page
    )
    article = Article.objects.get()
    assert article.source_name == seed.name
    assert article.players.filter(slug="trent-alexander-arnold").exists()


def test_dry_run_from_the_admin_changes_nothing(editor):
    response = post(editor, [upload("a.txt", b"date 2024-03-01 Title\n\nBody.")], dry_run="on")
    assert (
        "Dry run, nothing was changed: 1 created, 0 updated, 0 unchanged, 0 failed"
        in response.content.decode()
    )
    assert Article.objects.count() == 0


def test_posting_without_a_csrf_token_is_refused(editor):
    response = editor.post(URL, {"files": [upload("a.txt", b"date 2024-03-01 T\n\nBody.")]})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Article.objects.count() == 0


def test_staff_without_article_permissions_get_403(club):
    client = logged_in("viewer", "view_article")
    assert client.get(URL).status_code == HTTPStatus.FORBIDDEN


def test_the_article_list_links_to_the_import_page(editor):
    assert f'href="{URL}"' in editor.get("/admin/articles/article/").content.decode()


def test_the_form_requires_a_file(editor):
    token = csrf_token(editor.get(URL).content.decode())
    response = editor.post(URL, {"status": "published", "csrfmiddlewaretoken": token})
    assert "This field is required." in response.content.decode()


def test_contributors_import_drafts_only(club):
    contributor = logged_in("junior", group="Contributors")
    page = contributor.get(URL).content.decode()
    assert 'value="published"' not in page and 'name="update"' not in page
    response = post(
        contributor, [upload("a.txt", b"date 2024-03-01 Title\n\nBody.")], status="draft"
    )
    assert "1 created" in response.content.decode()
    assert Article.objects.get().status == Article.Status.DRAFT
    crafted = post(
        contributor, [upload("b.txt", b"date 2024-03-02 Other\n\nBody.")], status="published"
    )
    assert "Select a valid choice." in crafted.content.decode()
    assert Article.objects.count() == 1
