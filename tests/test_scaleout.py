"""Two app servers behind one PostgreSQL and one Redis: no state of their own.

A story posted through one server is on the other's (cached) pages at once, and a login made
on one is valid on the other. Needs PostgreSQL on 127.0.0.1:5432 and Redis on 6379.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_import_processes import database_url, manage, postgres_available

ROOT = Path(settings.BASE_DIR)
REDIS = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not (postgres_available() and redis_available()), reason="needs PostgreSQL and Redis"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    with database_url("postgresql", tmp_path) as url:
        yield from start_cluster(url)


def start_cluster(url: str):
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "shared-by-both-servers",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
    }
    for command in (
        ["migrate", "--no-input"],
        ["load_demo_club"],
        ["import_stories", str(ROOT / "seeds")],
        ["collectstatic", "--no-input"],
    ):
        assert manage(env, *command).returncode == 0, command
    setup = manage(
        env,
        "shell",
        "-c",
        (
            "from django.contrib.auth.models import Group, User; "
            "u = User.objects.create_user('editor', password='shared-password-9', is_staff=True); "
            "u.groups.add(Group.objects.get(name='Editors'))"
        ),
    )
    assert setup.returncode == 0, setup.stderr
    token = manage(env, "create_api_token", "editor").stdout.strip()
    servers, bases = [], []
    for _ in range(2):
        port = free_port()
        servers.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "-c",
                    str(ROOT / "gunicorn.conf.py"),
                    "fanportal.wsgi",
                ],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
    yield bases, token
    for server in servers:
        server.terminate()
        server.wait()


def read(url: str, opener=None) -> str:
    with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
        return response.read().decode()


def test_a_change_through_one_server_shows_at_once_on_the_other(cluster):
    (first, second), token = cluster
    assert "Gakpo double" not in read(second + "/news/")  # now cached on the second server
    assert "Gakpo double" not in read(second + "/squad/cody-gakpo/")
    story = json.dumps(
        {"text": "date 2024-03-02 Gakpo double sinks Forest\n\nCody Gakpo scored twice."}
    )
    request = urllib.request.Request(
        first + "/api/stories",
        data=story.encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
    assert "Gakpo double sinks Forest" in read(second + "/news/")
    assert "Gakpo double sinks Forest" in read(second + "/squad/cody-gakpo/")


def test_a_login_on_one_server_is_valid_on_the_other(cluster):
    (first, second), _ = cluster
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = read(first + "/admin/login/", opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {
            "username": "editor",
            "password": "shared-password-9",
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        }
    ).encode()
    request = urllib.request.Request(
        first + "/admin/login/", data=form, headers={"Referer": first + "/admin/login/"}
    )
    assert "Log out" in opener.open(request, timeout=10).read().decode()
    # The same cookies, the other server: still logged in.
    assert "Log out" in read(second + "/admin/", opener)
