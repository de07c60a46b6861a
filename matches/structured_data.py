"""schema.org data for matches, as JSON-LD dicts: a match is a `SportsEvent` between two
`SportsTeam`s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse

from matches.models import Match, Team

# Makes a location absolute: request.build_absolute_uri.
Absolute = Callable[[str], str]
SCHEMA = "https://schema.org/"
# A football match, booked for this long when a page or a calendar names its end.
DURATION = dt.timedelta(hours=2)

# schema.org's EventStatusType. A match being played, or played, is still "scheduled": the
# type has no "happened" member, and EventScheduled says the event takes (or took) place at
# its startDate. An abandoned match did not take place as planned and will not go on: the
# nearest member is EventCancelled. EventRescheduled would need the previous start date,
# which is not stored; a moved match is simply scheduled at its new time.
EVENT_STATUS = {
    Match.Status.SCHEDULED: "EventScheduled",
    Match.Status.LIVE: "EventScheduled",
    Match.Status.FINISHED: "EventScheduled",
    Match.Status.AWARDED: "EventScheduled",
    Match.Status.POSTPONED: "EventPostponed",
    Match.Status.CANCELLED: "EventCancelled",
    Match.Status.ABANDONED: "EventCancelled",
}


def sports_team(team: Team, absolute: Absolute) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": "SportsTeam",
        "name": team.name,
        "alternateName": team.short_name,
        "sport": "Association football",
    }
    if team.is_club:
        data["name"] = settings.FANPORTAL_CLUB_NAME
        data["url"] = absolute(reverse("home"))
    if team.crest_renditions.get("src"):
        data["logo"] = absolute(team.crest_renditions["src"])
    return data


def sports_event(match: Match, absolute: Absolute) -> dict[str, Any]:
    """The match as a SportsEvent (the caller adds "@context").

    schema.org has no property for a score: `SportsEvent` names its teams (`homeTeam`,
    `awayTeam`, and `competitor` for consumers that read only that) but not what they
    scored, and the score-like properties elsewhere (`Rating`, `QuantitativeValue`) would
    say something false about a team. So the result is said in words, in the event's `name`
    ("Chelsea 0–1 Liverpool") and `description`, which every consumer shows, and the data
    stays valid against the vocabulary.
    """
    home, away = sports_team(match.home, absolute), sports_team(match.away, absolute)
    competition = match.season.competition.name
    about = f"{competition}{f', {match.round}' if match.round else ''}, {match.season.name}"
    status = match.get_status_display() if match.is_off or match.has_score else "Kick-off"
    data: dict[str, Any] = {
        "@type": "SportsEvent",
        "name": match.scoreline("long"),
        "description": f"{about}. {status}: {match.scoreline('long')}.",
        "url": absolute(match.get_absolute_url()),
        "sport": "Association football",
        "startDate": match.local_kickoff.isoformat(),
        "endDate": (match.local_kickoff + DURATION).isoformat(),
        "eventStatus": SCHEMA + EVENT_STATUS[Match.Status(match.status)],
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "homeTeam": home,
        "awayTeam": away,
        "competitor": [home, away],
        "superEvent": {"@type": "SportsEvent", "name": f"{competition} {match.season.name}"},
    }
    if match.ground:
        data["location"] = {"@type": "Place", "name": match.ground}
    return data
