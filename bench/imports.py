"""Import benchmark: 10,000 generated story files into a fresh SQLite database.

Prints a table (figure, target, ok/short) and merges the figures into bench/results.json.
Run with `make bench`, or `python -m bench.imports [--stories N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import site
from bench.stories import write_stories

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
TARGETS = {"create_per_s": 300, "unchanged_per_s": 2000, "peak_mb": 300}


def manage(env: dict[str, str], *args: str) -> tuple[float, float]:
    """Run manage.py; return wall seconds and the peak resident MB of that process alone."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(site() / "manage.py"), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        cwd=site(),
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, args)
    return seconds, usage.ru_maxrss / 1024


def import_figures(folder: Path, env: dict[str, str], count: int) -> dict[str, float]:
    """Migrate, load the demo club, import folder twice; the rates and the peak memory."""
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo_club")
    create_s, create_mb = manage(env, "import_stories", str(folder))
    again_s, again_mb = manage(env, "import_stories", str(folder))
    return {
        "stories": count,
        "create_s": round(create_s, 2),
        "create_per_s": round(count / create_s),
        "unchanged_s": round(again_s, 2),
        "unchanged_per_s": round(count / again_s),
        "peak_mb": round(max(create_mb, again_mb)),
    }


def run(count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="fanportal-bench-") as tmp:
        folder = Path(tmp) / "stories"
        write_stories(folder, count)
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "benchmark-only",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
        }
        return import_figures(folder, env, count)


def report(figures: dict[str, float]) -> str:
    rows = [
        (
            "import, new stories",
            f"{figures['create_per_s']}/s",
            f"≥ {TARGETS['create_per_s']}/s",
            figures["create_per_s"] >= TARGETS["create_per_s"],
        ),
        (
            "import, unchanged",
            f"{figures['unchanged_per_s']}/s",
            f"≥ {TARGETS['unchanged_per_s']}/s",
            figures["unchanged_per_s"] >= TARGETS["unchanged_per_s"],
        ),
        (
            "import, peak memory",
            f"{figures['peak_mb']} MB",
            f"< {TARGETS['peak_mb']} MB",
            figures["peak_mb"] < TARGETS["peak_mb"],
        ),
    ]
    lines = [
        f"Importing {figures['stories']:,} story files (SQLite, whole command incl. start-up)",
        f"{'measure':<22}{'figure':>12}{'target':>14}  result",
    ]
    lines += [
        f"{name:<22}{figure:>12}{target:>14}  {'ok' if good else 'short'}"
        for name, figure, target, good in rows
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=10_000)
    figures = run(parser.parse_args().stories)
    print(report(figures))
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["import"] = figures
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
