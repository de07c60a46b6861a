"""`make bench`: the budgets of DESIGN.md, measured on this machine, printed as a table.

1. Import 10,000 generated stories into a fresh SQLite database (rate, re-import rate, peak
   memory); that database is then the site under load.
2. gunicorn with 2 sync workers on 127.0.0.1 serves it; wrk loads the two baselines (`plain`,
   `tpl`) and the home, news, article and player pages for BENCH_SECONDS (20) at 32
   connections, first with the page cache on, then off; worker memory is read afterwards.
3. Search over 100,000 articles: a fixed mix of rare, common and absent words.
4. With a PostgreSQL server on 127.0.0.1:5432 (and BENCH_POSTGRES not 0), 2 and 3 again there.

Everything is also written to bench/results.json.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.imports import ROOT
from bench.imports import import_figures
from bench.imports import report as import_report
from bench.stories import NAMES, WORDS, write_stories

RESULTS = ROOT / "bench" / "results.json"
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CONNECTIONS = 32
PAGES = ["home", "news", "article", "player"]
POSTGRES = "postgres://postgres@127.0.0.1:5432"
SEARCH_QUERIES = {
    "rare": ["zanzibar", "quasar", "obelisk", "marmalade"],
    "common": ["match", "stadium crowd", "final whistle", "manager"],
    "absent": ["xylophonist", "qwertyuiop", "zzzz"],
}
BUDGET = {"cached_vs_plain": 0.5, "uncached_vs_tpl": 0.35, "p99_ms": 100, "worker_mb": 120,
          "search_median_ms": 10, "search_max_ms": 150}
QUERY_BUDGET = {"home": 6, "news": 4, "article": 6, "player": 6}


def python() -> str:
    return str(ROOT / ".venv" / "bin" / "python")


def environment(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "FANPORTAL_BENCHMARK": "1",
        **extra,
    }


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [python(), str(ROOT / "manage.py"), *args], env=env, check=True, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return done.stdout or ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------- the site


def build_site(work: Path, database_url: str, count: int) -> dict[str, float]:
    """Import `count` generated stories; return the import figures."""
    folder = work / "stories"
    if not folder.exists():
        write_stories(folder, count)
    return import_figures(folder, environment(database_url), count)


def page_urls(env: dict[str, str]) -> dict[str, str]:
    slug = manage(env, "shell", "-c", (
        "from articles.models import Article; qs = Article.objects.published(); "
        "print(qs[qs.count() // 2].slug)"
    ), capture=True).strip().splitlines()[-1]
    return {
        "plain": "/bench/plain", "tpl": "/bench/tpl", "home": "/", "news": "/news/",
        "article": f"/news/{slug}/", "player": "/squad/virgil-van-dijk/",
    }


def queries_per_page(env: dict[str, str], urls: dict[str, str]) -> dict[str, int]:
    script = (
        "import json; from django.db import connection; from django.test import Client; "
        "from django.test.utils import CaptureQueriesContext; "
        f"urls = {json.dumps({page: urls[page] for page in PAGES})}; counts = {{}}\n"
        "for page, url in urls.items():\n"
        "    with CaptureQueriesContext(connection) as seen:\n"
        "        assert Client().get(url, HTTP_HOST='127.0.0.1').status_code == 200\n"
        "    counts[page] = len(seen)\n"
        "print(json.dumps(counts))"
    )
    output = manage({**env, "FANPORTAL_PAGE_CACHE": "0"}, "shell", "-c", script, capture=True)
    return json.loads(output.strip().splitlines()[-1])


# ---------------------------------------------------------------------------- load


class Gunicorn:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
             "fanportal.wsgi"],
            cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "2"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def worker_mb(self) -> float:
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        sizes = []
        for pid in children.stdout.split():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return round(max(sizes), 1) if sizes else 0.0

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def wrk(url: str) -> dict[str, float]:
    subprocess.run(["curl", "-sf", "-o", "/dev/null", url], check=True)  # warm: cache, imports
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout

    def latency(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": round(latency("50%"), 2),
        "p99_ms": round(latency("99%"), 2),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def load(env: dict[str, str], urls: dict[str, str]) -> dict[str, dict]:
    results: dict[str, dict] = {}
    for mode, cache in (("cached", "1"), ("uncached", "0")):
        server = Gunicorn({**env, "FANPORTAL_PAGE_CACHE": cache})
        try:
            runs = {name: wrk(server.base + urls[name]) for name in ["plain", "tpl", *PAGES]}
            runs["worker_mb"] = server.worker_mb()
        finally:
            server.stop()
        results[mode] = runs
    return results


# ---------------------------------------------------------------------------- search


def search_sqlite(work: Path, count: int) -> str:
    path = work / "search.sqlite3"
    url = f"sqlite:///{path}"
    manage(environment(url), "migrate", "--no-input")
    rows = generate_articles(count)
    with sqlite3.connect(path) as db:
        db.executemany(INSERT.replace("%s", "?"), rows)
    return url


def search_postgres(count: int) -> tuple[str, str]:
    import psycopg

    name = f"fanportal_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{POSTGRES}/{name}"
    manage(environment(url), "migrate", "--no-input")
    with psycopg.connect(url) as db, db.cursor() as cursor:
        cursor.executemany(INSERT, generate_articles(count))
    # A live site's table has been vacuumed and analysed; a bulk-loaded one has neither hint
    # bits, visibility map nor statistics until something reads or vacuums it.
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE articles_article")
    return url, name


INSERT = (
    "INSERT INTO articles_article (title, slug, standfirst, body, body_html, excerpt, "
    "published_at, status, image, image_alt, author, source_name, source_hash, word_count, "
    "created_at, updated_at, image_renditions, card_html) VALUES "
    "(%s, %s, '', %s, '', '', %s, 'published', '', '', '', '', '', 0, %s, %s, '{}', '')"
)


def generate_articles(count: int) -> list[tuple]:
    """Bodies of common words, each with a few rare ones from a long tail of made-up words."""
    rng = random.Random(100_000)
    rare = [word for words in SEARCH_QUERIES["rare"] for word in words.split()]
    tail = [f"tail{n}" for n in range(5000)]
    rows = []
    for n in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(150, 300))]
        words += [rng.choice(tail) for _ in range(3)] + [rng.choice(NAMES)]
        if n % 9973 == 0:
            words.append(rare[(n // 9973) % len(rare)])
        rng.shuffle(words)
        stamp = f"20{10 + n % 15:02d}-{1 + n % 12:02d}-{1 + n % 28:02d} 12:00:00+00:00"
        rows.append((f"Story {n}: {rng.choice(NAMES)} and the {rng.choice(WORDS)}",
                     f"story-{n}", " ".join(words), stamp, stamp, stamp))
    return rows


def time_search(url: str) -> dict[str, float]:
    script = (
        "import json, statistics, time; from articles.search import Results\n"
        f"mix = {json.dumps(SEARCH_QUERIES)}; times = []\n"
        "for _ in range(3):\n"
        "    for words in mix.values():\n"
        "        for q in words:\n"
        "            start = time.perf_counter(); r = Results(q); r.count(); r[0:10]\n"
        "            times.append((time.perf_counter() - start) * 1000)\n"
        "print(json.dumps({'median_ms': round(statistics.median(times), 2), "
        "'max_ms': round(max(times), 2), 'queries': len(times)}))"
    )
    output = manage(environment(url, FANPORTAL_PAGE_CACHE="0"), "shell", "-c", script, capture=True)
    return json.loads(output.strip().splitlines()[-1])


# ---------------------------------------------------------------------------- report


def verdict(good: bool) -> str:
    return "ok" if good else "short"


def report_backend(name: str, figures: dict) -> list[str]:
    cached, uncached, queries = figures["load"]["cached"], figures["load"]["uncached"], figures["queries"]
    lines = [f"\n{name}: gunicorn, 2 sync workers, wrk -t2 -c{CONNECTIONS} -d{SECONDS}s",
             f"{'page':<9}{'mode':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}"
             f"{'×plain':>8}{'×tpl':>7}{'queries':>9}  budget"]
    for mode, runs in (("cached", cached), ("uncached", uncached)):
        plain, tpl = runs["plain"]["rps"], runs["tpl"]["rps"]
        for page in ["plain", "tpl", *PAGES]:
            run = runs[page]
            ratio_plain, ratio_tpl = run["rps"] / plain, run["rps"] / tpl
            if page in PAGES:
                target = BUDGET["cached_vs_plain"] if mode == "cached" else BUDGET["uncached_vs_tpl"]
                ratio = ratio_plain if mode == "cached" else ratio_tpl
                good = (ratio >= target and run["p99_ms"] < BUDGET["p99_ms"] and run["non_2xx"] == 0
                        and queries[page] <= QUERY_BUDGET[page])
                basis = "plain" if mode == "cached" else "tpl"
                budget = (f"≥{target}×{basis}, p99<{BUDGET['p99_ms']}, q≤{QUERY_BUDGET[page]}: "
                          f"{verdict(good)}")
                count = str(queries[page])
            else:
                budget, count = "baseline", "-"
            lines.append(f"{page:<9}{mode:<10}{run['rps']:>9.0f}{run['p50_ms']:>9.2f}{run['p99_ms']:>9.2f}"
                         f"{run['non_2xx']:>9}{ratio_plain:>8.2f}{ratio_tpl:>7.2f}{count:>9}  {budget}")
    memory = max(cached["worker_mb"], uncached["worker_mb"])
    lines.append(f"worker memory after the runs: {memory} MB (budget < {BUDGET['worker_mb']} MB: "
                 f"{verdict(memory < BUDGET['worker_mb'])})")
    search = figures["search"]
    good = search["median_ms"] <= BUDGET["search_median_ms"] and search["max_ms"] <= BUDGET["search_max_ms"]
    lines.append(f"search, {figures['search_articles']:,} articles, {search['queries']} queries: "
                 f"median {search['median_ms']} ms, slowest {search['max_ms']} ms "
                 f"(budget ≤ {BUDGET['search_median_ms']} / ≤ {BUDGET['search_max_ms']} ms: {verdict(good)})")
    return lines


def run_backend(name: str, database_url: str, work: Path, search_url: str, search_count: int,
                articles: int) -> tuple[dict, dict]:
    imported = build_site(work, database_url, articles)
    if database_url.startswith("postgres"):
        # A live site has autovacuum's statistics; a database loaded a second ago has none,
        # and the planner then sorts and counts the slow way.
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as db:
            db.execute("VACUUM ANALYZE")
    env = environment(database_url)
    urls = page_urls(env)
    figures = {
        "articles": articles,
        "queries": queries_per_page(env, urls),
        "load": load(env, urls),
        "search": time_search(search_url),
        "search_articles": search_count,
    }
    return imported, figures


def main() -> None:
    articles = int(os.environ.get("BENCH_ARTICLES", "10000"))
    search_count = int(os.environ.get("BENCH_SEARCH_ARTICLES", "100000"))
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk: apt-get install wrk")
    manage(environment("sqlite:///:memory:"), "collectstatic", "--no-input")
    results: dict = {}
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fanportal-bench-") as tmp:
        work = Path(tmp)
        search_url = search_sqlite(work, search_count)
        imported, figures = run_backend("SQLite", f"sqlite:///{work / 'site.sqlite3'}", work,
                                        search_url, search_count, articles)
        results["import"], results["sqlite"] = imported, figures
        lines += import_report(imported).splitlines()
        lines += report_backend("SQLite", figures)
        if os.environ.get("BENCH_POSTGRES", "1") != "0" and postgres_available():
            lines += run_postgres(work, articles, search_count, results)
    print("\n".join(lines))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=2).close()
        return True
    except Exception:
        return False


def run_postgres(work: Path, articles: int, search_count: int, results: dict) -> list[str]:
    import psycopg

    site = f"fanportal_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{site}"')
    search_url, search_db = search_postgres(search_count)
    try:
        imported, figures = run_backend("PostgreSQL", f"{POSTGRES}/{site}", work, search_url,
                                        search_count, articles)
        results["postgres_import"], results["postgres"] = imported, figures
        lines = [f"\nPostgreSQL import: {imported['create_per_s']}/s new, "
                 f"{imported['unchanged_per_s']}/s unchanged, peak {imported['peak_mb']} MB"]
        return lines + report_backend("PostgreSQL", figures)
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            for name in (site, search_db):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
