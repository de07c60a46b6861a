"""Deploy checks, security headers, login throttling and password hashing."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "DJANGO_HTTPS": "1",
}


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(
        [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env={**os.environ, **PRODUCTION},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_debug_off_needs_a_secret_key():
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "check"],
        env={**environment, "DJANGO_DEBUG": "0"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/news/",
        "/api/articles",
        "/api/docs",
        "/admin/login/",
        "/news/no-such-story/",
        "/healthz",
        "/feeds/news/",
    ],
)
def test_security_headers_on_every_kind_of_response(client, seeded, url):
    assert_security_headers(client.get(url))


def test_static_files_are_not_sniffed(client, db, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source tree: no collectstatic here
    response = client.get("/static/css/site.css")
    assert response.status_code == HTTPStatus.OK
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"].startswith("text/css")


@pytest.mark.urls("tests.urls_broken")
def test_a_500_is_friendly_and_has_the_headers(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong on our side." in response.content.decode()
    assert_security_headers(response)


def test_the_inline_style_is_allowed_by_its_hash_and_pages_carry_no_nonce(client, db):
    response = client.get("/")
    page = response.content.decode()
    [style] = re.findall(r"<style>(.*?)</style>", page)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = response["Content-Security-Policy"]
    assert f"style-src 'self' 'sha256-{digest}'" in policy
    assert "nonce" not in page and "nonce-" not in policy


def test_hsts_and_secure_cookies_behind_tls():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'fanportal.settings'); "
                "django.setup(); from django.conf import settings as s; "
                "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
                "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
            ),
        ],
        env={**os.environ, **PRODUCTION},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.split(maxsplit=4) == [
        "63072000",
        "True",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO', 'https')\n",
    ]


def test_failed_logins_lock_the_account_out_for_a_while(client, db):
    User.objects.create_user("editor", password="the-right-password-9", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
        assert response.status_code == HTTPStatus.OK
    last = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    assert last.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # Now even the right password is refused until the cool-off ends.
    locked = client.post(
        "/admin/login/", {"username": "editor", "password": "the-right-password-9"}
    )
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "locked" in locked.content.decode().lower()
    # Another account from the same address is not punished for this one.
    User.objects.create_user("other", password="another-password-9", is_staff=True)
    assert (
        client.post(
            "/admin/login/", {"username": "other", "password": "another-password-9"}
        ).status_code
        == HTTPStatus.FOUND
    )


def test_passwords_are_hashed_with_argon2(db):
    user = User.objects.create_user("editor", password="a-long-password-1")
    assert user.password.startswith("argon2$")


def test_session_cookies_are_httponly_samesite_and_bounded(client, db):
    User.objects.create_user("editor", password="the-right-password-9", is_staff=True)
    response = client.post(
        "/admin/login/", {"username": "editor", "password": "the-right-password-9"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
