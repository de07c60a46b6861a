"""`make bench`: the budgets of DESIGN.md measured on this machine, printed as a table.

1. Baselines: the bare project in bench/baseline/ (no apps, no middleware) under the same
   gunicorn (2 sync workers, gunicorn.conf.py): `plain` and `tpl`, with wrk -t2 -c64.
2. The site on SQLite: 10,000 generated stories imported (rate, re-import rate, peak memory),
   the demo club, every fifth story tagged, and the match seasons where the matches app exists.
3. Cold pages: page cache off, each public page N times through the site's WSGI stack in one
   process (best and median), and its queries (CaptureQueriesContext).
4. Match day: page cache on, wrk -t2 -c64 for BENCH_SECONDS over home, news, an article, a
   player (and fixtures and the table once they answer), while an API client publishes a
   story every 2 s and a poller watches the home page for it. Worker memory afterwards.
   Again with Redis as the cache.
5. Search over 100,000 articles: a fixed mix of rare, common, absent and misspelt words.
6. With PostgreSQL on 127.0.0.1:5432: 2 to 5 there (databases bench_*, dropped afterwards).

BENCH_QUICK=1 is a smoke run (1,000 stories, 5,000 search articles, 5 s of load).
BENCH_SECONDS, BENCH_ARTICLES, BENCH_SEARCH_ARTICLES, BENCH_REPEAT override; BENCH_POSTGRES=0
and BENCH_REDIS=0 skip those. Everything is written to bench/results.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench.common import (
    REDIS,
    ROOT,
    Gunicorn,
    environment,
    fetch,
    flush_redis,
    manage,
    postgres_available,
    postgres_database,
    python,
    redis_available,
    site,
    snapshot,
    vacuum_analyze,
)
from bench.imports import import_figures
from bench.matchday import match_day
from bench.matchday import wrk as wrk_run
from bench.stories import SEARCH_QUERIES, write_stories

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5" if QUICK else "30"))
QUIET_SECONDS = max(3, SECONDS // 3)
BASELINE_SECONDS = int(os.environ.get("BENCH_BASELINE_SECONDS", "3" if QUICK else "15"))
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "1000" if QUICK else "10000"))
SEARCH_ARTICLES = int(os.environ.get("BENCH_SEARCH_ARTICLES", "5000" if QUICK else "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "50" if QUICK else "200"))
CONNECTIONS = 64
RESULTS = ROOT / "bench" / "results.json"
# Real seasons (DESIGN.md, Matches): shared/data beside the project or in it.
DATA = next(
    (path for path in (ROOT / "shared" / "data", ROOT.parent / "shared" / "data") if path.is_dir()),
    ROOT / "shared" / "data",
)
EDITOR = "bench-editor"

# The numbers of DESIGN.md, "Budgets".
LOAD_VS_PLAIN = 0.7
P99_MS = 60
STORY_DELAY_S = 2.0
COLD_MS = 5.0
QUERIES = {"home": 7, "news": 4, "article": 6, "player": 6, "match": 6, "table": 3, "api list": 3}
IMPORT = {"create_per_s": 300, "unchanged_per_s": 2000, "peak_mb": 300}
SEARCH_MEDIAN_MS, SEARCH_MAX_MS = 10, 150
WORKER_MB = 120
MATCH_IMPORT_S = 1.0
TABLE_RECOMPUTE_MS = 50
LOAD_PAGES = ["home", "news", "article", "player", "fixtures", "table"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def attempt[T](results: dict, key: str, step: Callable[[], T]) -> T | None:
    """Run one step; a failure is recorded under results["errors"] and the run goes on."""
    try:
        value = step()
    except Exception as error:
        traceback.print_exc()
        results.setdefault("errors", {})[key] = f"{type(error).__name__}: {str(error)[-400:]}"
        log(f"{key}: failed ({type(error).__name__})")
        return None
    results[key] = value
    return value


def child(env: dict[str, str], spec: dict, work: Path, label: str, timeout: float = 1800) -> dict:
    """Run bench.inprocess in a child process set up for the site; its result."""
    stderr = work / f"{label}.log"
    with stderr.open("w") as errors:
        done = subprocess.run(
            [python(), "-m", "bench.inprocess"],
            input=json.dumps(spec),
            env=env,
            cwd=site(),
            capture_output=False,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            timeout=timeout,
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        tail = "\n".join(stderr.read_text(errors="replace").splitlines()[-8:])
        raise RuntimeError(f"bench.inprocess ({label}) exited {done.returncode}:\n{tail}")
    return json.loads(lines[-1].removeprefix("RESULT "))


# ---------------------------------------------------------------------------- baselines


def baselines(work: Path, names: tuple[str, ...] = ("plain", "tpl")) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.baseline.settings"}
    figures = {}
    with Gunicorn(env, app="bench.baseline.wsgi", log=work / "baseline-gunicorn.log") as server:
        for name in names:
            status, _ = fetch(f"{server.base}/{name}")
            if status != 200:
                raise RuntimeError(f"baseline /{name} answered {status}")
            figures[name] = wrk_run(server.base, [f"/{name}"], BASELINE_SECONDS, CONNECTIONS, work)
            log(
                f"baseline {name}: {figures[name]['rps']:.0f} req/s, "
                f"p99 {figures[name]['p99_ms']} ms"
            )
    return figures


# ---------------------------------------------------------------------------- the site


def third_season(work: Path) -> tuple[Path, str] | None:
    """The 2023–24 season moved to the one being played today (whole weeks, so weekdays keep),
    with no scores from today on: fixtures to come beside results. The file and its slug."""
    source = DATA / "openfootball-en.1-2023-24.json"
    today = dt.date.today()
    start_year = today.year if today.month >= 7 else today.year - 1
    if not source.exists() or start_year <= 2023:
        return None
    season = json.loads(source.read_text())
    shift = dt.timedelta(weeks=52 * (start_year - 2023))
    for match in season["matches"]:
        day = dt.date.fromisoformat(match["date"]) + shift
        match["date"] = day.isoformat()
        if day >= today:
            match.pop("score", None)
    slug = f"{start_year}-{str(start_year + 1)[2:]}"
    season["name"] = f"English Premier League {slug.replace('-', '/')}"
    path = work / f"openfootball-en.1-{slug}.json"
    path.write_text(json.dumps(season))
    return path, slug


def import_matches(env: dict[str, str], work: Path) -> dict:
    """Three Premier League seasons; the 380-match import time."""
    seasons = [
        (DATA / "football-data-season-2223.csv", "2022-23"),
        (DATA / "openfootball-en.1-2023-24.json", "2023-24"),
    ]
    if (extra := third_season(work)) is not None:
        seasons.append(extra)
    spans = [[slug, f"{slug[:4]}-07-01", f"{int(slug[:4]) + 1}-06-30"] for _, slug in seasons]
    child(env, {"seasons": spans}, work, "seasons")
    figures: dict = {"seasons": []}
    for path, slug in seasons:
        # The command, timed inside a process that has set Django up: the import's own time.
        # Starting Python and Django (1–1.5 s here) is the same for any command and is
        # shown apart, from the wall time of the whole process.
        start = time.perf_counter()
        timed = child(env, {"import_matches": [str(path), "premier-league", slug]}, work, slug)
        wall = time.perf_counter() - start
        figures["seasons"].append(
            {"file": path.name, "season": slug, "seconds": timed["seconds"], "wall": round(wall, 2)}
        )
        if path.name.startswith("openfootball-en.1-2023-24"):
            figures["season_import_s"] = timed["seconds"]
            figures["season_import_wall_s"] = round(wall, 2)
    return figures


def build_site(database_url: str, folder: Path, work: Path, results: dict) -> dict | None:
    """Import the stories into a new site; the figures and the slugs of its pages."""
    env = environment(database_url)
    log(f"importing {ARTICLES:,} stories into {database_url.split('://')[0]}")
    imported = import_figures(folder, env, ARTICLES)
    log(
        f"import: {imported['create_per_s']}/s new, {imported['unchanged_per_s']}/s unchanged, "
        f"peak {imported['peak_mb']} MB"
    )
    site: dict = {"import": imported}
    attempt(site, "matches", lambda: import_matches(env, work))
    if database_url.startswith("postgres"):
        vacuum_analyze(database_url)
    site["slugs"] = child(env, {"prepare": True, "editor": EDITOR}, work, "prepare")
    site["recompute"] = attempt(
        site, "recompute", lambda: child(env, {"recompute": 20}, work, "recompute")
    )
    token = manage(env, "create_api_token", EDITOR, "--name", "make bench", capture=True)
    site["api_token"] = token.strip().splitlines()[-1]
    if database_url.startswith("postgres"):
        vacuum_analyze(database_url)
    return site


# Not a page a person reads: the first 1,000 addresses of the articles' sitemap, for crawlers
# (about 0.1 ms an address in Django's sitemap framework). Shown, with no budget.
INFO_ONLY = {"sitemap section"}


def cold_urls(slugs: dict) -> dict[str, str | None]:
    match = slugs.get("match")
    return {
        "home": "/",
        "news": "/news/",
        "news page 2": "/news/?page=2",
        "tag": f"/news/tag/{slugs['tag']}/",
        "article": f"/news/{slugs['article']}/",
        "squad": "/squad/",
        "player": f"/squad/{slugs['player']}/",
        "cabinet": "/trophies/",
        "trophy": f"/trophies/{slugs['trophy']}/",
        "search": "/search/?q=van+dijk+header",
        "feed": "/feeds/news/",
        "player feed": f"/squad/{slugs['player']}/feed/",
        "sitemap index": "/sitemap.xml",
        "sitemap section": "/sitemap-articles.xml",
        "api list": "/api/articles",
        "api detail": f"/api/articles/{slugs['article']}",
        "fixtures": "/matches/",
        "match": f"/matches/{match}/" if match else None,
        "table": "/tables/premier-league/2023-24/",
        "match list api": "/api/matches",
        "table api": "/api/tables/premier-league/2023-24",
    }


def cold_pages(database_url: str, slugs: dict, work: Path, label: str) -> dict:
    # The API's throttles (per address, and per token or address) would answer 429 after a
    # minute's allowance; they still run, with room for the N requests.
    env = environment(
        database_url,
        FANPORTAL_PAGE_CACHE="0",
        FANPORTAL_API_ANON_RATE="1000000/s",
        FANPORTAL_API_TOKEN_RATE="1000000/s",
    )
    urls = {name: url for name, url in cold_urls(slugs).items() if url}
    log(f"cold pages ({label}): {len(urls)} pages, {REPEAT} requests each")
    return child(env, {"pages": urls, "repeat": REPEAT, "seconds": 10}, work, f"cold-{label}")


def load_paths(base: str, slugs: dict) -> tuple[list[str], dict[str, str]]:
    """The match-day pages; one that does not answer 200 is kept in the load (wrk counts its
    statuses) and named."""
    urls = cold_urls(slugs)
    paths: list[str] = []
    skipped: dict[str, str] = {}
    for name in LOAD_PAGES:
        url = urls.get(name)
        status, _ = fetch(base + url) if url else (404, b"")
        if not url:
            skipped[name] = "no such page in this site (no match imported)"
        elif status == 200:
            paths.append(url)
        else:
            paths.append(url)  # a page that should work but errors: counted by wrk's statuses
            skipped[name] = f"answered {status} (kept in the load)"
    return paths, skipped


def load(
    database_url: str, site: dict, work: Path, label: str, quiet: bool = False, **extra: str
) -> dict:
    """Match day on a new gunicorn (page cache on); with `quiet`, first a shorter run with
    nobody publishing, which shows what the cache serves when nothing changes."""
    env = environment(database_url, **extra)
    quiet_figures = None
    # `plain` again just before: whatever else the machine is doing then weighs on both.
    plain = baselines(work, ("plain",))["plain"]
    with Gunicorn(env, log=work / f"gunicorn-{label}.log") as server:
        paths, skipped = load_paths(server.base, site["slugs"])
        for path in paths:  # warm each worker's cache
            for _ in range(4):
                fetch(server.base + path)
        if quiet:
            quiet_figures = wrk_run(server.base, paths, QUIET_SECONDS, CONNECTIONS, work)
            log(
                f"nobody publishing ({label}): {quiet_figures['rps']:.0f} req/s, "
                f"p99 {quiet_figures['p99_ms']} ms"
            )
        log(
            f"match day ({label}): wrk -t2 -c{CONNECTIONS} -d{SECONDS}s over {len(paths)} pages, "
            f"a story every 2 s"
        )
        figures = match_day(
            server.base, server.port, site["api_token"], paths, SECONDS, CONNECTIONS, work
        )
        figures["worker_mb"] = server.worker_mb()
    figures["paths"] = paths
    figures["skipped"] = skipped
    figures["plain"] = plain
    if quiet_figures:
        figures["quiet"] = quiet_figures
    run, stories = figures["load"], figures["stories"]
    log(
        f"  {run['rps']:.0f} req/s, p99 {run['p99_ms']} ms, non-2xx {run['non_2xx']}, "
        f"stories {stories['seen']}/{stories['published']} seen, "
        f"max delay {stories['max_delay_s']} s, "
        f"worker {figures['worker_mb']} MB"
    )
    return figures


def search(database_url: str, work: Path, label: str) -> dict:
    env = environment(database_url, FANPORTAL_PAGE_CACHE="0")
    log(f"search ({label}): {SEARCH_ARTICLES:,} articles")
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo_club")
    child(env, {"fill": SEARCH_ARTICLES}, work, f"fill-{label}")
    if database_url.startswith("postgres"):
        vacuum_analyze(database_url)
    figures = child(env, {"search": SEARCH_QUERIES, "rounds": 3}, work, f"search-{label}")
    figures["articles"] = SEARCH_ARTICLES
    log(f"  median {figures.get('median_ms')} ms, slowest {figures.get('max_ms')} ms")
    return figures


def backend(label: str, database_url: str, folder: Path, work: Path, redis: bool) -> dict:
    results: dict = {}
    site = attempt(results, "site", lambda: build_site(database_url, folder, work, results))
    if site:
        attempt(results, "cold", lambda: cold_pages(database_url, site["slugs"], work, label))
        attempt(
            results,
            "matchday",
            lambda: load(database_url, site, work, label, quiet=label == "SQLite"),
        )
        if redis:
            flush_redis()
            try:
                attempt(
                    results,
                    "matchday_redis",
                    lambda: load(database_url, site, work, f"{label}+Redis", REDIS_URL=REDIS),
                )
            finally:
                flush_redis()
        site.pop("api_token", None)
    return results


# ---------------------------------------------------------------------------- report


def cell(figure: str, good: bool | None) -> str:
    return figure if good is None else f"{figure} {'ok' if good else 'short'}"


def table(results: dict) -> list[str]:
    sqlite, postgres = results.get("sqlite", {}), results.get("postgres", {})
    columns = [
        ("SQLite", sqlite, "matchday"),
        ("PostgreSQL", postgres, "matchday"),
        ("Redis", sqlite, "matchday_redis"),
    ]
    rows: list[tuple[str, str, list[str]]] = []

    def row(
        name: str, budget: str, figure: Callable[[dict, str], tuple[str, bool | None] | None]
    ) -> None:
        cells = []
        for _, data, load_key in columns:
            try:
                value = figure(data, load_key)
            except (KeyError, TypeError):
                value = None
            cells.append(cell(*value) if value else "-")
        rows.append((name, budget, cells))

    baseline = results.get("baselines", {})
    for name in ("plain", "tpl"):
        if name in baseline:
            run = baseline[name]
            rows.append((f"baseline {name}", "(bare Django)", [f"{run['rps']:.0f}/s", "", ""]))

    def matchday(data: dict, key: str) -> dict:
        return data[key]

    def versus_plain(d: dict, k: str, run: str) -> tuple[str, bool | None]:
        figures = matchday(d, k)
        base = figures["plain"]["rps"]
        rps = figures[run]["rps"]
        figure = f"{rps / base:.2f} ({rps:.0f}/{base:.0f})"
        return figure, (rps >= LOAD_VS_PLAIN * base) if run == "load" else None

    row(
        "match day: req/s vs plain (site/plain)",
        f"≥ {LOAD_VS_PLAIN} × plain",
        lambda d, k: versus_plain(d, k, "load"),
    )
    row("  nobody publishing (info)", "", lambda d, k: versus_plain(d, k, "quiet"))
    row(
        "match day: p99",
        f"≤ {P99_MS} ms",
        lambda d, k: (
            f"{matchday(d, k)['load']['p99_ms']:.1f} ms",
            matchday(d, k)["load"]["p99_ms"] <= P99_MS,
        ),
    )
    row(
        "match day: non-2xx, socket errors",
        "0",
        lambda d, k: (
            f"{matchday(d, k)['load']['non_2xx']}, {matchday(d, k)['load']['socket_errors']}",
            matchday(d, k)["load"]["non_2xx"] == 0 and matchday(d, k)["load"]["socket_errors"] == 0,
        ),
    )

    def delay(d: dict, k: str) -> tuple[str, bool]:
        stories = matchday(d, k)["stories"]
        worst = stories["max_delay_s"]
        figure = f"max {worst} s" if worst is not None else "none seen"
        figure += f" ({stories['seen']}/{stories['published']})"
        good = (
            worst is not None
            and worst <= STORY_DELAY_S
            and stories["lost"] == 0
            and stories["publish_failures"] == 0
            and stories["published"] > 0
        )
        return figure, good

    row("match day: new story on home", f"≤ {STORY_DELAY_S:g} s each", delay)
    row(
        "worker RSS after the load",
        f"< {WORKER_MB} MB",
        lambda d, k: (f"{matchday(d, k)['worker_mb']} MB", matchday(d, k)["worker_mb"] < WORKER_MB),
    )

    names = list(cold_urls({"tag": "", "article": "", "player": "", "trophy": "", "match": "x"}))
    for name in names:

        def cold(d: dict, k: str, name: str = name) -> tuple[str, bool | None] | None:
            if k != "matchday":
                return None
            page = d["cold"][name]
            if "error" in page:
                return page["error"][:28], False
            budget_applies = d is sqlite and name not in INFO_ONLY
            return f"{page['median_ms']:.2f}/{page['best_ms']:.2f}", (
                page["median_ms"] <= COLD_MS if budget_applies else None
            )

        cold_limit = "(info)" if name in INFO_ONLY else f"≤ {COLD_MS:g} ms (SQLite)"
        row(f"cold {name} (median/best ms)", cold_limit, cold)
    for name, limit in QUERIES.items():
        key = {"match": "match", "table": "table"}.get(name, name)

        def queries(
            d: dict, k: str, key: str = key, limit: int = limit
        ) -> tuple[str, bool | None] | None:
            if k != "matchday":
                return None
            page = d["cold"][key]
            if "queries" not in page:
                return "error", False
            return str(page["queries"]), page["queries"] <= limit

        row(f"queries: {name}", f"≤ {limit}", queries)

    def imported(field: str, unit: str, good: Callable[[float], bool]):
        def figure(d: dict, k: str) -> tuple[str, bool] | None:
            if k != "matchday":
                return None
            value = d["site"]["import"][field]
            return f"{value}{unit}", good(value)

        return figure

    row(
        f"import {ARTICLES:,} stories, new",
        f"≥ {IMPORT['create_per_s']}/s",
        imported("create_per_s", "/s", lambda v: v >= IMPORT["create_per_s"]),
    )
    row(
        "import, unchanged",
        f"≥ {IMPORT['unchanged_per_s']:,}/s",
        imported("unchanged_per_s", "/s", lambda v: v >= IMPORT["unchanged_per_s"]),
    )
    row(
        "import, peak memory",
        f"< {IMPORT['peak_mb']} MB",
        imported("peak_mb", " MB", lambda v: v < IMPORT["peak_mb"]),
    )

    def season(d: dict, k: str) -> tuple[str, bool | None] | None:
        if k != "matchday":
            return None
        if "matches" in d["site"].get("errors", {}):
            return "error", False
        matches = d["site"].get("matches") or {}
        seconds = matches.get("season_import_s")
        if seconds is None:
            return "error", False
        return f"{seconds} s ({matches['season_import_wall_s']} s)", seconds <= MATCH_IMPORT_S

    row("import a 380-match season (own; process)", f"≤ {MATCH_IMPORT_S:g} s", season)

    def recomputed(d: dict, k: str) -> tuple[str, bool | None] | None:
        if k != "matchday":
            return None
        if "recompute" in d["site"].get("errors", {}):
            return "error", False
        figures = d["site"].get("recompute") or {}
        if not figures.get("measured"):
            return "no league result", False
        return (
            f"{figures['median_ms']:.1f}/{figures['max_ms']:.1f}",
            figures["max_ms"] <= TABLE_RECOMPUTE_MS,
        )

    row(
        "a result saved, table recomputed (median/max ms)",
        f"≤ {TABLE_RECOMPUTE_MS} ms",
        recomputed,
    )

    def searched(field: str, limit: float):
        def figure(d: dict, k: str) -> tuple[str, bool] | None:
            if k != "matchday":
                return None
            value = d["search"][field]
            return f"{value:.2f} ms", value <= limit

        return figure

    count = f"{SEARCH_ARTICLES:,}"
    row(
        f"search {count}: median",
        f"≤ {SEARCH_MEDIAN_MS} ms",
        searched("median_ms", SEARCH_MEDIAN_MS),
    )
    row(f"search {count}: slowest", f"≤ {SEARCH_MAX_MS} ms", searched("max_ms", SEARCH_MAX_MS))

    width = max(len(name) for name, _, _ in rows) + 2
    widths = [max(16, *(len(cells[i]) + 2 for _, _, cells in rows)) for i in range(3)]
    lines = [
        f"{'budget':<{width}}{'limit':<20}"
        + "".join(f"{title:<{widths[i]}}" for i, (title, _, _) in enumerate(columns))
    ]
    lines.append("-" * (width + 20 + sum(widths)))
    for name, budget, cells in rows:
        lines.append(
            f"{name:<{width}}{budget:<20}"
            + "".join(f"{value:<{widths[i]}}" for i, value in enumerate(cells))
        )
    return lines


def details(results: dict) -> list[str]:
    lines: list[str] = []
    for label, key in (("SQLite", "sqlite"), ("PostgreSQL", "postgres")):
        data = results.get(key, {})
        for load_key, title in (("matchday", label), ("matchday_redis", f"{label} + Redis")):
            figures = data.get(load_key)
            if not figures:
                continue
            run, stories = figures["load"], figures["stories"]
            plain = figures["plain"]
            lines.append(
                f"\nMatch day, {title}: wrk -t2 -c{CONNECTIONS} -d{SECONDS}s over "
                + ", ".join(figures["paths"])
            )
            lines.append(
                f"  {run['requests']:,} requests, {run['rps']:.0f}/s, p50 {run['p50_ms']} ms, "
                f"p90 {run['p90_ms']} ms, p99 {run['p99_ms']} ms, max {run['max_ms']} ms, "
                f"statuses {run['statuses']}, socket errors {run['socket_errors']}"
            )
            lines.append(
                f"  stories: {stories['published']} published, {stories['seen']} seen on the "
                f"home page, median delay {stories['median_delay_s']} s, "
                f"max {stories['max_delay_s']} s, "
                f"{stories['polls']} polls ({stories['poll_errors']} failed), "
                f"{stories['publish_failures']} failed posts {stories['failure_examples'] or ''}"
            )
            lines.append(
                f"  baseline plain just before: {plain['rps']:.0f}/s, p99 {plain['p99_ms']} ms"
            )
            if quiet := figures.get("quiet"):
                lines.append(
                    f"  before it, {QUIET_SECONDS} s with nobody publishing: {quiet['rps']:.0f}/s, "
                    f"p50 {quiet['p50_ms']} ms, p99 {quiet['p99_ms']} ms, "
                    f"statuses {quiet['statuses']}"
                )
            for name, why in figures["skipped"].items():
                lines.append(f"  {name}: {why}")
        cold = data.get("cold")
        if cold:
            lines.append(
                f"\nCold pages, {label}, page cache off, in-process WSGI, "
                f"{REPEAT} requests each (ms)"
            )
            lines.append(
                f"  {'page':<16}{'url':<46}{'queries':>8}{'best':>8}{'median':>8}{'p90':>8}"
                f"  ≤ {COLD_MS:g} ms"
            )
            for name, page in cold.items():
                url = (page.get("url") or "")[:44]
                if "error" in page:
                    lines.append(f"  {name:<16}{url:<46}  ERROR {page['error']}")
                else:
                    verdict = (
                        ("ok" if page["median_ms"] <= COLD_MS else "short")
                        if key == "sqlite" and name not in INFO_ONLY
                        else ""
                    )
                    lines.append(
                        f"  {name:<16}{url:<46}{page['queries']:>8}{page['best_ms']:>8.2f}"
                        f"{page['median_ms']:>8.2f}{page['p90_ms']:>8.2f}  {verdict}"
                    )
        search_figures = data.get("search")
        if search_figures:
            lines.append(
                f"\nSearch, {label}, {search_figures['articles']:,} articles, "
                f"{search_figures['queries']} queries of {sum(map(len, SEARCH_QUERIES.values()))} "
                f"kinds {list(SEARCH_QUERIES)}: page median {search_figures['median_ms']} ms, "
                f"slowest {search_figures['max_ms']} ms ({search_figures['slowest_query']!r}); "
                f"engine alone median {search_figures['engine_median_ms']} ms, "
                f"slowest {search_figures['engine_max_ms']} ms"
            )
    for key in ("sqlite", "postgres"):
        for step, error in results.get(key, {}).get("errors", {}).items():
            lines.append(f"\nERROR {key} {step}: {error}")
    for step, error in results.get("errors", {}).items():
        lines.append(f"\nERROR {step}: {error}")
    return lines


# ---------------------------------------------------------------------------- main


def static_current(root: Path) -> bool:
    """Whether root/staticfiles already holds every file of the project's static folders
    (the apps' and static/), collected after its last change: then collectstatic, whose
    compression takes most of a minute, can be skipped."""
    manifest = root / "staticfiles" / "staticfiles.json"
    if not manifest.is_file():
        return False
    try:
        collected = json.loads(manifest.read_text())["paths"]
    except (ValueError, KeyError):
        return False
    made = manifest.stat().st_mtime
    for folder in [root / "static", *root.glob("*/static")]:
        for path in folder.rglob("*"):
            if path.is_file():
                name = path.relative_to(folder).as_posix()
                if name not in collected or path.stat().st_mtime > made:
                    return False
    return True


def code_version() -> str:
    """The commit, and whether the working tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return f"{commit}{' with uncommitted changes' if dirty else ''}"


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk: apt-get install wrk")
    began = time.monotonic()
    log(
        f"make bench{' (BENCH_QUICK)' if QUICK else ''}: {ARTICLES:,} stories, "
        f"{SEARCH_ARTICLES:,} for search, {SECONDS} s of load"
    )
    results: dict = {
        "settings": {
            "quick": QUICK,
            "seconds": SECONDS,
            "baseline_seconds": BASELINE_SECONDS,
            "articles": ARTICLES,
            "search_articles": SEARCH_ARTICLES,
            "repeat": REPEAT,
            "connections": CONNECTIONS,
        }
    }
    redis = redis_available()
    results["load_average_at_start"] = [round(value, 2) for value in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="fanportal-bench-") as tmp:
        work = Path(tmp)
        results["code"] = code_version()
        snapshot(work / "site")
        log(f"running from a copy of the project as it is now ({results['code']})")
        try:
            manage(environment("sqlite:///:memory:"), "check", timeout=300)
        except subprocess.CalledProcessError:
            sys.exit("make bench: the project does not start (manage.py check fails, above)")
        if not static_current(site()):
            log("collecting static files (the project's have changed since the last collectstatic)")
            manage(environment("sqlite:///:memory:"), "collectstatic", "--no-input", timeout=900)
        folder = work / "stories"
        write_stories(folder, ARTICLES)
        attempt(results, "baselines", lambda: baselines(work))

        sqlite = backend("SQLite", f"sqlite:///{work / 'site.sqlite3'}", folder, work, redis)
        attempt(
            sqlite, "search", lambda: search(f"sqlite:///{work / 'search.sqlite3'}", work, "SQLite")
        )
        results["sqlite"] = sqlite

        if postgres_available():
            with postgres_database("site") as url:
                postgres = backend("PostgreSQL", url, folder, work, redis=False)
            with postgres_database("search") as url:
                attempt(postgres, "search", lambda: search(url, work, "PostgreSQL"))
            results["postgres"] = postgres
        else:
            log("PostgreSQL: nothing answers on 127.0.0.1:5432 (or BENCH_POSTGRES=0); skipped")
        if not redis:
            log("Redis: nothing answers on 127.0.0.1:6379 (or BENCH_REDIS=0); skipped")
    results["seconds"] = round(time.monotonic() - began)
    lines = details(results)
    lines += [
        "",
        f"Budgets (DESIGN.md), code {results['code']}, {results['seconds']} s in all; "
        "Redis = the SQLite site with Redis as the cache",
    ]
    busy = results["load_average_at_start"][0]
    if busy > 0.5:
        lines.append(
            f"NOTE: the load average was {busy} before the run began: other work on this "
            "machine takes CPU from every figure below."
        )
    lines += table(results)
    print("\n".join(lines))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
