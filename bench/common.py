"""What the benchmark scripts share: the environment, manage.py, gunicorn, the databases."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/13"
# The copy of the project the servers and commands run from (see snapshot()); the project
# itself until then.
_site = ROOT


def site() -> Path:
    return _site


def snapshot(destination: Path) -> Path:
    """Copy the project as it is now (tracked and untracked files that git does not ignore,
    and the collected static files) and run everything from the copy from now on: the code
    can change under a quarter of an hour of benchmarks without mixing two versions in one
    table. Without git, everything runs from the project itself."""
    global _site
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return _site
    for name in filter(None, listing.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    static = ROOT / "staticfiles"
    if static.is_dir():  # copied with their times, so collectstatic has little to redo
        shutil.copytree(static, destination / "staticfiles", dirs_exist_ok=True)
    _site = destination
    return destination


def python() -> str:
    return str(BIN / "python")


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """The site in production mode on 127.0.0.1, on the given database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fanportal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        **extra,
    }
    if "REDIS_URL" not in extra:
        env.pop("REDIS_URL", None)
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False, timeout: float = 1800) -> str:
    done = subprocess.run(
        [python(), str(site() / "manage.py"), *args],
        env=env,
        check=True,
        text=True,
        cwd=site(),
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        timeout=timeout,
    )
    return done.stdout or ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, timeout: float = 10) -> tuple[int, bytes]:
    """GET without cookies; the status (0 when nothing answered) and the body."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


class Gunicorn:
    """gunicorn with the site's gunicorn.conf.py and 2 sync workers, on a free local port.

    Use as a context manager: the server (and its workers) are stopped however the block ends.
    """

    def __init__(
        self, env: dict[str, str], app: str = "fanportal.wsgi", log: Path | None = None
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        output: IO[bytes] | int = log.open("ab") if log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(site() / "gunicorn.conf.py"), app],
            cwd=site(),
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "2"},
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
        if not isinstance(output, int):
            output.close()
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}" + self._tail())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start within 60 s" + self._tail())

    def _tail(self) -> str:
        if not self.log or not self.log.exists():
            return ""
        return ":\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])

    def worker_mb(self) -> float:
        """The resident memory of the larger worker, in MB."""
        children = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        )
        sizes = []
        for pid in children.stdout.split():
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{pid}/status").read_text()
                if found := re.search(r"VmRSS:\s+(\d+)", status):
                    sizes.append(int(found.group(1)) / 1024)
        return round(max(sizes), 1) if sizes else 0.0

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # The master did not stop its workers: end the whole group it leads.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------------------- PostgreSQL, Redis


def postgres_available() -> bool:
    if os.environ.get("BENCH_POSTGRES", "1") == "0":
        return False
    try:
        import psycopg

        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=2).close()
        return True
    except Exception:
        return False


@contextlib.contextmanager
def postgres_database(purpose: str) -> Iterator[str]:
    """A new, empty PostgreSQL database bench_<purpose>_<random>; dropped afterwards."""
    import psycopg

    name = f"bench_{purpose}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def vacuum_analyze(database_url: str) -> None:
    # A live site has autovacuum's statistics and hint bits; a database loaded a second ago
    # has none, and the planner then sorts and counts the slow way.
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")


def redis_available() -> bool:
    if os.environ.get("BENCH_REDIS", "1") == "0":
        return False
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
        return True
    except Exception:
        return False


def flush_redis() -> None:
    """Empty the bench's own Redis database (13), so no page of an earlier run is served."""
    import redis

    redis.Redis.from_url(REDIS, socket_connect_timeout=2).flushdb()
