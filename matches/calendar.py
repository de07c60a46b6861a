"""The club's fixtures and results as an iCalendar feed (RFC 5545), for a phone's calendar
subscription.

What keeps a subscribed calendar right: every match keeps its UID (`match-<pk>@<domain>`)
for life; its SEQUENCE is `Match.sequence`, which `matches.services.match_save` raises
when the kickoff moves or the status changes, so clients take the new version over the one
they hold; times are in UTC, so no client has to know the club's time zone; and a
postponed match is TENTATIVE and a cancelled one CANCELLED (SportsPress says CONFIRMED for
both), besides saying so in its summary, which every client shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from icalendar import Calendar, Event, vDuration

from matches.models import Match
from matches.structured_data import DURATION

Absolute = Callable[[str], str]
# How often subscribers are asked to fetch the feed again (RFC 7986's REFRESH-INTERVAL, and
# X-PUBLISHED-TTL, which Outlook and older Apple clients read instead).
REFRESH = dt.timedelta(hours=6)

STATUS = {
    Match.Status.POSTPONED: "TENTATIVE",
    Match.Status.CANCELLED: "CANCELLED",
    Match.Status.ABANDONED: "CANCELLED",
}
# Said in the summary too: not every client shows STATUS.
SUMMARY_NOTE = {
    Match.Status.POSTPONED: " (postponed)",
    Match.Status.CANCELLED: " (cancelled)",
    Match.Status.ABANDONED: " (abandoned)",
}


def uid(match: Match, domain: str) -> str:
    return f"match-{match.pk}@{domain}"


def summary(match: Match) -> str:
    """ "Liverpool v Chelsea", and once played "Chelsea 0–1 Liverpool"."""
    # A live score is not a calendar's business: the summary changes once, at the result.
    if match.is_decided:
        line = match.scoreline("short")
    else:
        line = f"{match.home.short_name} v {match.away.short_name}"
    return line + SUMMARY_NOTE.get(Match.Status(match.status), "")


def description(match: Match, url: str) -> str:
    competition = match.season.competition.name
    lines = [f"{competition}{f', {match.round}' if match.round else ''} ({match.season.name})"]
    if match.is_off:
        lines.append(f"{match.get_status_display()}.")
    elif match.has_score and match.is_decided:
        lines.append(f"{match.get_status_display()}: {match.scoreline('long')}.")
    lines.append(url)
    return "\n".join(lines)


def event(match: Match, *, domain: str, absolute: Absolute) -> Event:
    url = absolute(match.get_absolute_url())
    start = match.kickoff.astimezone(dt.UTC)
    item = Event()
    item.add("uid", uid(match, domain))
    item.add("dtstamp", match.updated_at.astimezone(dt.UTC))
    item.add("last-modified", match.updated_at.astimezone(dt.UTC))
    item.add("sequence", match.sequence)
    item.add("dtstart", start)
    item.add("dtend", start + DURATION)
    item.add("summary", summary(match))
    item.add("description", description(match, url))
    if match.ground:
        item.add("location", match.ground)
    item.add("url", url)
    item.add("status", STATUS.get(Match.Status(match.status), "CONFIRMED"))
    item.add("categories", [match.season.competition.name])
    # A match on the calendar should not make its owner look busy.
    item.add("transp", "TRANSPARENT")
    return item


def club_calendar(matches: Iterable[Match], *, name: str, domain: str, absolute: Absolute) -> bytes:
    """The feed of `matches` (with their teams and competitions selected)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{domain}//Matches//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", f"{name}: fixtures and results, kick-off times in UTC.")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for match in matches:
        calendar.add_component(event(match, domain=domain, absolute=absolute))
    return calendar.to_ical()
