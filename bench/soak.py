"""`make soak`: the site under load while an import writes, on SQLite and on PostgreSQL.

gunicorn with 2 workers; four wrk processes (home, an article, search, the API) share
SOAK_CONNECTIONS (64) for SOAK_SECONDS (30) while `import_stories` adds SOAK_STORIES (1,000).
Fails unless every response was 2xx, the import succeeded, and nothing said "database is
locked". `.ci/run` runs it with short durations.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from bench.common import POSTGRES, ROOT, Gunicorn, environment, manage, postgres_available
from bench.stories import write_stories

SECONDS = int(os.environ.get("SOAK_SECONDS", "30"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "64"))
STORIES = int(os.environ.get("SOAK_STORIES", "1000"))
SEED_003 = "liverpool-celebrated-in-style-after-defeating-chelsea-in-the-carabao-cup-final"
URLS = ["/", f"/news/{SEED_003}/", "/search/?q=kelleher", "/api/articles?player=virgil-van-dijk"]


def soak(name: str, database_url: str, work: Path) -> list[str]:
    env = environment(database_url)
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo_club")
    manage(env, "import_stories", str(ROOT / "seeds"))
    server = Gunicorn({**env, "GUNICORN_ACCESS_LOG": ""})
    log = work / f"{name}-import.log"
    problems = []
    try:
        with log.open("w") as output:
            importer = subprocess.Popen(
                [sys.executable, str(ROOT / "manage.py"), "import_stories", str(work / "stories")],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            loads = [
                subprocess.Popen(
                    [
                        "wrk",
                        "-t1",
                        f"-c{CONNECTIONS // len(URLS)}",
                        f"-d{SECONDS}s",
                        server.base + url,
                    ],
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for url in URLS
            ]
            results = [load.communicate()[0] for load in loads]
            importer.wait()
    finally:
        server.stop()
    imported = log.read_text()
    if importer.returncode != 0:
        problems.append(f"{name}: import failed: {imported[-300:]}")
    if "locked" in imported.lower():
        problems.append(f"{name}: the import met 'database is locked'")
    lines = [f"{name}: {STORIES} stories imported under load ({imported.strip().splitlines()[-1]})"]
    for url, report in zip(URLS, results, strict=True):
        requests = int(report.split(" requests in ")[0].split()[-1])
        non_2xx = (
            int(report.split("Non-2xx or 3xx responses: ")[1].split()[0])
            if "Non-2xx" in report
            else 0
        )
        errors = (
            report.split("Socket errors: ")[1].splitlines()[0]
            if "Socket errors" in report
            else "none"
        )
        rps = report.split("Requests/sec:")[1].split()[0]
        lines.append(
            f"  {url:<55} {requests:>7} requests {rps:>9}/s  non-2xx {non_2xx}  "
            f"socket errors {errors}"
        )
        if non_2xx or errors != "none":
            problems.append(f"{name}: {url}: {non_2xx} non-2xx, socket errors {errors}")
    return lines + [f"  PROBLEM {problem}" for problem in problems]


def main() -> None:
    manage(environment("sqlite:///:memory:"), "collectstatic", "--no-input")
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fanportal-soak-") as tmp:
        work = Path(tmp)
        write_stories(work / "stories", STORIES)
        lines += soak("SQLite", f"sqlite:///{work / 'soak.sqlite3'}", work)
        if postgres_available():
            import psycopg

            name = f"fanportal_soak_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                lines += soak("PostgreSQL", f"{POSTGRES}/{name}", work)
            finally:
                with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("\n".join(lines))
    if any("PROBLEM" in line for line in lines):
        sys.exit(1)


if __name__ == "__main__":
    main()
