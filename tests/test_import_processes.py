"""The import command as separate processes: concurrent runs and the progress bar.

These run `manage.py` in subprocesses against databases of their own (a SQLite file, and a
fresh PostgreSQL database when a server answers on 127.0.0.1:5432), because the point is
what happens between processes, which the test database of this process cannot show.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from bench.stories import write_stories

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
POSTGRES = "postgres://postgres@127.0.0.1:5432"


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=2).close()
    except Exception:
        return False
    return True


@contextmanager
def database_url(kind: str, folder: Path) -> Iterator[str]:
    """A fresh database of the given kind for a test's processes; PostgreSQL's is dropped after."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    if not postgres_available():
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    import psycopg

    name = f"fanportal_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, tmp_path):
    with database_url(request.param, tmp_path) as url:
        yield {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "test-processes",
            "DATABASE_URL": url,
        }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, MANAGE, *args], env=env, capture_output=True, text=True, timeout=300
    )


def prepare(env: dict[str, str]) -> None:
    for command in (["migrate", "--no-input"], ["load_demo_club"]):
        assert manage(env, *command).returncode == 0


def test_two_imports_at_once_never_duplicate_or_lock(env, tmp_path):
    prepare(env)
    write_stories(tmp_path / "stories", 300)
    runs = [
        subprocess.Popen(
            [sys.executable, MANAGE, "import_stories", str(tmp_path / "stories")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert "locked" not in err.lower()
    created = [int(out.split(" created")[0].split()[-1]) for out, _ in outputs]
    unchanged = [int(out.split(" unchanged")[0].split()[-1]) for out, _ in outputs]
    assert sum(created) == 300
    assert [c + u for c, u in zip(created, unchanged, strict=True)] == [300, 300]
    count = manage(
        env, "shell", "-c", "from articles.models import Article; print(Article.objects.count())"
    )
    assert count.stdout.splitlines()[-1] == "300"


def test_progress_bar_shows_on_a_terminal_and_stays_out_of_pipes(env, tmp_path):
    prepare(env)
    write_stories(tmp_path / "stories", 60)
    piped = manage(env, "import_stories", str(tmp_path / "stories"))
    assert piped.stderr == ""
    assert piped.stdout == "60 created, 0 updated, 0 unchanged, 0 failed\n"

    controller, terminal = pty.openpty()
    # A real terminal has a size; a new pseudo-terminal has none until it is given one.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    run = subprocess.run(
        [sys.executable, MANAGE, "import_stories", "--update", str(tmp_path / "stories")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
        timeout=300,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal's other end is closed: everything was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert run.returncode == 0
    assert "60/60" in shown.decode()
    assert run.stdout.endswith("0 created, 0 updated, 60 unchanged, 0 failed\n")
