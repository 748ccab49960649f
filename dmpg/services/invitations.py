"""Meetings as calendar invitations (iCalendar, RFC 5545 and its scheduling rules, RFC 5546), as Outlook
and Google Calendar take them from a mail: the kickoff of a new group (to its chairs, director and
members) and every meeting planned with ``dmpg meeting plan`` (to the body's members).

One meeting has one ``UID`` for its whole life (:func:`uid`: the kickoff's proposal, or the meeting's
id, at the sender's mail domain), so a calendar replaces its entry when the meeting changes instead of
adding a second one. Each change raises ``SEQUENCE``; an invitation is ``METHOD:REQUEST`` and a
cancellation ``METHOD:CANCEL`` (``STATUS:CANCELLED``, the same UID, the next SEQUENCE). Times are
Copenhagen local time (``TZID=Europe/Copenhagen`` with its ``VTIMEZONE``: the summer-time rules as
yearly rules, which is how Outlook writes them); the organiser is the secretariat and every invitee an
``ATTENDEE`` asked to answer (``RSVP=TRUE``).

The invitation travels as an attachment of the mail (``text/calendar``, an ``.ics`` file with an ASCII
name, as apprise needs), written once per (meeting, sequence) beside the meeting's documents.
Plain Python: ``icalendar`` builds the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

from core import clock
from core.settings import get_settings
from core.text import ascii_name
from dmpg.documents.render import write_atomically
from dmpg.mail.recipients import appointed

TIMEZONE = "Europe/Copenhagen"
PRODID = "-//DMPG-sekretariatet//DMPG sagsbehandling//DA"


@dataclass(frozen=True)
class Meeting:
    """One meeting as a calendar has it. ``time`` is ``HH:MM`` Copenhagen time; ``sequence`` counts
    the changes sent before (0 for the first invitation); ``cancelled`` makes the cancellation."""

    uid: str
    title: str
    day: date
    time: str
    minutes: int
    place: str
    online_url: str | None = None
    description: str = ""
    sequence: int = 0
    cancelled: bool = False

    @property
    def start(self) -> datetime:
        hour, minute = (int(part) for part in self.time.split(":"))
        return datetime.combine(self.day, time(hour, minute), tzinfo=clock.COPENHAGEN)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    @property
    def method(self) -> str:
        return "CANCEL" if self.cancelled else "REQUEST"

    def as_context(self) -> dict[str, Any]:
        """What a mail or a letter says about the meeting: ``start`` (its day), ``time``, ``end_time``,
        ``place``, ``online_url``, ``method`` and ``sequence``."""
        return {"start": self.day, "time": self.time, "end_time": f"{self.end:%H:%M}", "place": self.place,
                "online_url": self.online_url or "", "method": self.method, "sequence": self.sequence,
                "uid": self.uid}


def uid(owner: str) -> str:
    """The stable UID of a meeting: ``kickoff-dmpg-2026-001@example.dk``, ``styregruppen-2027-03-11@…``
    (the domain of ``DMPG_MAIL_FROM``)."""
    domain = get_settings().mail_from.rsplit("@", 1)[-1].strip() or "localhost"
    return f"{ascii_name(owner, 'dmpg').lower()}@{domain}"


def _timezone():  # noqa: ANN202 - an icalendar Timezone
    """Europe/Copenhagen as yearly rules (CET/CEST, the last Sunday of March and of October)."""
    tz = Timezone()
    tz.add("tzid", TIMEZONE)
    tz.add("x-lic-location", TIMEZONE)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def _address(name: str, email: str, **params: str):  # noqa: ANN202 - an icalendar vCalAddress
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name or email)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = value
    return address


def ics(meeting: Meeting, organiser: tuple[str, str], attendees: Iterable[tuple[str, str]],
        stamp: datetime | None = None) -> bytes:
    """The iCalendar text of ``meeting`` (see the module docstring): ``organiser`` and each of
    ``attendees`` as ``(name, email)``; ``stamp`` is ``DTSTAMP`` (default: the engine's now)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", meeting.method)
    cal.add_component(_timezone())
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (stamp or clock.now()).replace(microsecond=0))
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.end)
    event.add("summary", meeting.title)
    event.add("location", meeting.place)
    description = meeting.description
    if meeting.online_url:
        description = f"{description}\n\nDeltag online: {meeting.online_url}".strip()
        event.add("url", meeting.online_url)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(*organiser))
    seen: set[str] = set()
    for name, email in attendees:
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        event.add("attendee", _address(name, email, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION",
                                       rsvp="TRUE", cutype="INDIVIDUAL"))
    cal.add_component(event)
    return cal.to_ical()


def write(meeting: Meeting, directory: Path, owner: str, organiser: tuple[str, str],
          attendees: Iterable[tuple[str, str]]) -> Path:
    """The invitation's ``.ics`` file in ``directory``, written once per (meeting, sequence, method):
    ``<owner>_kalenderinvitation_v<sequence+1>.ics`` (``_aflysning_`` for a cancellation). A file that
    exists already is what went out, and is kept."""
    what = "aflysning" if meeting.cancelled else "kalenderinvitation"
    path = Path(directory) / ascii_name(f"{owner}_{what}_v{meeting.sequence + 1}.ics", "invitation.ics")
    if not path.is_file():
        write_atomically(ics(meeting, organiser, attendees), path)
    return path


# --- the kickoff -----------------------------------------------------------------------------------


def kickoff_of(proposal_id: str, title: str, appointments: dict[str, Any]) -> Meeting:
    """The kickoff of the group ``proposal_id`` proposed: its date, time, place and online link from
    the appointments (blank ones from the settings: ``DMPG_KICKOFF_TIME``, ``_PLACE``, ``_ONLINE_URL``)."""
    settings = get_settings()
    return Meeting(
        uid=uid(f"kickoff-{proposal_id}"), title=f"Kickoff-møde: DMPG {title}",
        day=date.fromisoformat(str(appointments["kickoff_date"])),
        time=appointments.get("kickoff_time") or settings.kickoff_time, minutes=settings.kickoff_minutes,
        place=appointments.get("kickoff_place") or settings.kickoff_place,
        online_url=appointments.get("kickoff_online_url") or settings.kickoff_online_url,
        description=f"Første møde i den nye DMPG {title} ({proposal_id}): velkomst, kommissorium, de første "
                    "retningslinjer og mødeplan. Kommissoriet og dagsordenen er vedhæftet mailen.",
    )


def invitees(appointments: dict[str, Any]) -> list[tuple[str, str]]:
    """``(name, email)`` of everyone invited to the kickoff: the chairs, the director and the members."""
    return [(r.name, r.email) for r in appointed(appointments)]
