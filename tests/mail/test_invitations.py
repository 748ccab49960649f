"""Meetings as calendar invitations that Outlook and Google Calendar take from a mail (RFC 5545/5546):
one UID per meeting, SEQUENCE raised on a change, METHOD:CANCEL to cancel, Copenhagen time with its
time zone, the secretariat as organiser and every invitee asked to answer."""

from __future__ import annotations

from datetime import date, datetime, timezone

from icalendar import Calendar

from dmpg.services.invitations import Meeting, ics, kickoff_of, uid, write

ORGANISER = ("DMPG-sekretariatet", "sekretariat@example.dk")
INVITEES = [("Anne Holm", "anne@example.dk"), ("Bo Ølund", "bo@example.dk"), ("Anne Holm", "ANNE@example.dk")]
STAMP = datetime(2027, 4, 26, 7, 0, tzinfo=timezone.utc)


def _meeting(**changes) -> Meeting:
    base = dict(uid=uid("kickoff-DMPG-2026-001"), title="Kickoff-møde: DMPG Personlighedsforstyrrelser",
                day=date(2027, 5, 31), time="13:00", minutes=180, place="Regionshuset Viborg, lokale 1",
                online_url="https://teams.example.dk/kickoff", description="Første møde.")
    return Meeting(**{**base, **changes})


def _event(data: bytes):
    cal = Calendar.from_ical(data)
    return cal, next(iter(cal.walk("VEVENT")))


def test_an_invitation_is_a_request_in_copenhagen_time_with_everyone_asked_to_answer():
    cal, event = _event(ics(_meeting(), ORGANISER, INVITEES, STAMP))
    assert str(cal["METHOD"]) == "REQUEST" and str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    assert str(event["UID"]) == "kickoff-dmpg-2026-001@example.dk" and int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].to_ical().decode() == "20270531T130000" and event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert event["DTEND"].to_ical().decode() == "20270531T160000"
    assert event.decoded("DTSTART").utcoffset().total_seconds() == 7200  # summer time
    [tz] = [c for c in cal.walk() if c.name == "VTIMEZONE"]
    assert str(tz["TZID"]) == "Europe/Copenhagen" and {c.name for c in tz.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert str(event["LOCATION"]) == "Regionshuset Viborg, lokale 1" and str(event["STATUS"]) == "CONFIRMED"
    assert "https://teams.example.dk/kickoff" in str(event["DESCRIPTION"]) and str(event["URL"]).startswith("https://")
    assert str(event["ORGANIZER"]) == "mailto:sekretariat@example.dk" and event["ORGANIZER"].params["CN"] == "DMPG-sekretariatet"
    attendees = event.get("ATTENDEE")
    assert [str(a) for a in attendees] == ["mailto:anne@example.dk", "mailto:bo@example.dk"]  # one per address
    assert all(a.params["RSVP"] == "TRUE" and a.params["PARTSTAT"] == "NEEDS-ACTION" for a in attendees)
    assert attendees[1].params["CN"] == "Bo Ølund"


def test_a_change_raises_the_sequence_and_a_cancellation_keeps_the_uid():
    _, changed = _event(ics(_meeting(time="14:00", sequence=1), ORGANISER, INVITEES, STAMP))
    cal, cancelled = _event(ics(_meeting(time="14:00", sequence=2, cancelled=True), ORGANISER, INVITEES, STAMP))
    assert int(changed["SEQUENCE"]) == 1 and changed["DTSTART"].to_ical().decode() == "20270531T140000"
    assert str(cal["METHOD"]) == "CANCEL" and str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 2
    assert str(changed["UID"]) == str(cancelled["UID"]) == "kickoff-dmpg-2026-001@example.dk"


def test_winter_time_and_the_kickoffs_defaults(dmpg_home):
    _, event = _event(ics(_meeting(day=date(2027, 1, 14)), ORGANISER, INVITEES, STAMP))
    assert event.decoded("DTSTART").utcoffset().total_seconds() == 3600
    kickoff = kickoff_of("DMPG-2026-001", "Angst og OCD", {"kickoff_date": "2027-02-04"})
    assert (kickoff.time, kickoff.minutes, kickoff.place) == ("10:00", 180, "RKKP, Olof Palmes Allé 15, 8200 Aarhus N")
    assert kickoff.as_context()["end_time"] == "13:00" and kickoff.uid == "kickoff-dmpg-2026-001@example.dk"


def test_the_file_is_written_once_per_sequence_with_an_ascii_name(tmp_path):
    first = write(_meeting(), tmp_path, "DMPG-2026-001_kickoff", ORGANISER, INVITEES)
    assert first.name == "DMPG-2026-001_kickoff_kalenderinvitation_v1.ics" and first.name.isascii()
    before = first.read_bytes()
    assert write(_meeting(description="Andet."), tmp_path, "DMPG-2026-001_kickoff", ORGANISER, INVITEES).read_bytes() == before
    cancelled = write(_meeting(sequence=1, cancelled=True), tmp_path, "styregruppen-2027-03-11", ORGANISER, INVITEES)
    assert cancelled.name == "styregruppen-2027-03-11_aflysning_v2.ics"
