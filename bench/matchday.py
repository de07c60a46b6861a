"""Match day: wrk over several pages while an API client publishes a story every 2 seconds.

wrk (-t2 -c64) rotates through the pages with a Lua script that also counts every status it
gets. Beside it, in this process, a publisher POSTs a story to /api/articles every
PUBLISH_EVERY seconds and a poller fetches the home page every POLL_EVERY seconds, as an
anonymous reader with no cookies; for each story, the delay from its API response to the first
home page that shows its title is the figure.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

PUBLISH_EVERY = 2.0
POLL_EVERY = 0.1
# After the load, stories not seen yet are looked for this much longer before they count as lost.
GRACE = 5.0

LUA = r"""
-- Written by bench/matchday.py: rotate through the paths, count statuses, report as JSON.
local paths = %(paths)s
local counter = 0
local threads = {}
statuses = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[tostring(status)] = (counts[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%%s": %%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d, "mean_us": %%.1f, "socket_errors": %%d, "statuses": {%%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean,
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
"""


def wrk(base: str, paths: list[str], seconds: int, connections: int, work: Path) -> dict:
    """wrk -t2 over the paths in turn; requests per second, latency in ms, status counts."""
    script = work / f"wrk-{uuid.uuid4().hex[:6]}.lua"
    lua_paths = "{" + ", ".join(json.dumps(path) for path in paths) + "}"
    script.write_text(LUA % {"paths": lua_paths})
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    raw = json.loads(lines[-1].removeprefix("RESULT "))
    statuses = {int(status): n for status, n in raw["statuses"].items()}
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "requests": raw["requests"],
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "statuses": statuses,
        "non_2xx": sum(n for status, n in statuses.items() if not 200 <= status < 300),
        "socket_errors": raw["socket_errors"],
    }


@dataclass
class Story:
    token: str
    published: float  # monotonic time of the API's response
    seen: float | None = None


@dataclass
class Newsroom:
    """The publisher and the poller, each in a thread, both bounded in time."""

    port: int
    api_token: str
    stories: list[Story] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    polls: int = 0
    poll_errors: int = 0
    publishing: threading.Event = field(default_factory=threading.Event)
    polling: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        self.publishing.set()
        self.polling.set()
        self.threads = [
            threading.Thread(target=self.publish, daemon=True),
            threading.Thread(target=self.poll, daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        """Stop publishing; poll until every story has been seen, or GRACE seconds."""
        self.publishing.clear()
        self.threads[0].join(timeout=30)
        deadline = time.monotonic() + GRACE
        while time.monotonic() < deadline and any(story.seen is None for story in self.stories):
            time.sleep(POLL_EVERY)
        self.polling.clear()
        self.threads[1].join(timeout=30)

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def publish(self) -> None:
        number = 0
        run = uuid.uuid4().hex[:6]
        next_at = time.monotonic()
        while self.publishing.is_set():
            number += 1
            token = f"md{run}x{number}"
            body = json.dumps(
                {
                    "title": f"Matchday {token}: Van Dijk header settles it late on",
                    "body": (
                        f"Story {token}. Virgil van Dijk rose highest in the 89th minute and the "
                        "Kop roared.\n\nThe Carabao Cup holders go top for the night."
                    ),
                    "status": "published",
                }
            )
            connection = self.connection()
            try:
                connection.request(
                    "POST",
                    "/api/articles",
                    body=body,
                    headers={
                        "Authorization": f"Bearer {self.api_token}",
                        "Content-Type": "application/json",
                    },
                )
                response = connection.getresponse()
                answer = response.read()
                published = time.monotonic()
                if response.status == 201:
                    with self.lock:
                        self.stories.append(Story(token, published))
                else:
                    self.failures.append(f"POST /api/articles: {response.status} {answer[:200]!r}")
            except OSError as error:
                self.failures.append(f"POST /api/articles: {error}")
            finally:
                connection.close()
            next_at += PUBLISH_EVERY
            while self.publishing.is_set() and time.monotonic() < next_at:
                time.sleep(0.02)

    def poll(self) -> None:
        while self.polling.is_set():
            started = time.monotonic()
            connection = self.connection()
            try:
                connection.request("GET", "/", headers={"Accept": "text/html"})
                response = connection.getresponse()
                page = response.read().decode("utf-8", "replace")
                arrived = time.monotonic()
                self.polls += 1
                if response.status != 200:
                    self.poll_errors += 1
                with self.lock:
                    for story in self.stories:
                        if story.seen is None and story.token in page:
                            story.seen = arrived
            except OSError:
                self.poll_errors += 1
            finally:
                connection.close()
            time.sleep(max(0.0, POLL_EVERY - (time.monotonic() - started)))

    def figures(self) -> dict:
        delays = [
            max(0.0, story.seen - story.published)
            for story in self.stories
            if story.seen is not None
        ]
        return {
            "published": len(self.stories),
            "seen": len(delays),
            "lost": len(self.stories) - len(delays),
            "max_delay_s": round(max(delays), 2) if delays else None,
            "median_delay_s": round(sorted(delays)[len(delays) // 2], 2) if delays else None,
            "publish_failures": len(self.failures),
            "failure_examples": self.failures[:3],
            "polls": self.polls,
            "poll_errors": self.poll_errors,
        }


def match_day(
    base: str,
    port: int,
    api_token: str,
    paths: list[str],
    seconds: int,
    connections: int,
    work: Path,
) -> dict:
    newsroom = Newsroom(port, api_token)
    newsroom.start()
    try:
        load = wrk(base, paths, seconds, connections, work)
    finally:
        newsroom.stop()
    return {"load": load, "stories": newsroom.figures()}
