"""Generate story files for the import benchmark: realistic length, names the squad and cups."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

NAMES = [
    "Virgil van Dijk",
    "Mohamed Salah",
    "Trent-Alexander Arnold",
    "Caoimhin Kelleher",
    "Luis Diaz",
    "Darwin Nunez",
    "Alexis Mac Allister",
    "Dominik Szoboszlai",
    "Klopp",
    "Andy Robertson",
    "Harvey Elliott",
    "Cody Gakpo",
    "Joe Gomez",
    "Wataru Endo",
]
CUPS = ["Carabao Cup", "FA Cup", "Premier League", "Champions League", "Europa League"]
WORDS = (  # noqa: SIM905 (a sentence reads better than a list of its words)
    "the match was played at a high tempo with chances at both ends and the crowd sang "
    "throughout while the manager urged his side forward in search of a winner before the "
    "final whistle brought relief to everyone inside the stadium"
).split()


def paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(35, 70))]
    words.insert(rng.randrange(len(words)), rng.choice(NAMES))
    words.insert(rng.randrange(len(words)), "the " + rng.choice(CUPS))
    return " ".join(words).capitalize() + "."


def story(number: int, rng: random.Random) -> str:
    day = dt.date(2015, 1, 1) + dt.timedelta(days=number % 3650)
    headline = f"{rng.choice(NAMES)} shines as Liverpool win match {number}"
    body = "\n\n".join(paragraph(rng) for _ in range(rng.randint(6, 10)))
    return f"date {day.isoformat()} {headline}\n\nA standfirst for story {number}\n\n{body}\n"


def write_stories(folder: Path, count: int, seed: int = 2024) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for number in range(count):
        path = folder / f"story_{number:05d}.txt"
        path.write_text(story(number, rng), encoding="utf-8")
        paths.append(path)
    return paths


# Search: a fixed mix of rare, common, absent and misspelt words over SEARCH_ARTICLES bodies.
SEARCH_QUERIES = {
    "rare": ["zanzibar", "quasar", "obelisk", "marmalade"],
    "common": ["match", "stadium crowd", "final whistle", "manager"],
    "absent": ["xylophonist", "qwertyuiop", "zzzz"],
    "misspelt": ["stadim", "managr", "whistel", "sallah"],
}


def search_articles(count: int, seed: int = 100_000):
    """Fields of `count` articles: bodies of common words, each with a few words from a long
    tail of made-up ones, one in 9,973 with a rare word of the search mix."""
    rng = random.Random(seed)
    rare = SEARCH_QUERIES["rare"]
    tail = [f"tail{n}" for n in range(5000)]
    start = dt.datetime(2010, 1, 1, 12, tzinfo=dt.UTC)
    for n in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(150, 300))]
        words += [rng.choice(tail) for _ in range(3)] + [rng.choice(NAMES)]
        if n % 9973 == 0:
            words.append(rare[(n // 9973) % len(rare)])
        rng.shuffle(words)
        stamp = start + dt.timedelta(hours=n * 131 % (15 * 365 * 24))
        yield {
            "title": f"Story {n}: {rng.choice(NAMES)} and the {rng.choice(WORDS)}",
            "slug": f"story-{n}",
            "body": " ".join(words),
            "published_at": stamp,
        }
