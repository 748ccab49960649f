"""A complete, realistic template context per mail kind (Danish text with æ, ø and å)."""

from __future__ import annotations

from datetime import date, datetime, timezone

URL = "http://127.0.0.1:4200/runs/flow-run/6f1c2d3e"
MEETING = {"id": "styregruppen-2027-03-11", "body": "steering_group", "title": "DMPG-styregruppens møde",
           "date": date(2027, 3, 11)}
KICKOFF = {"start": date(2027, 2, 1), "time": "13:00", "end_time": "16:00", "place": "Regionshuset Viborg, lokale Ø1",
           "online_url": "", "method": "REQUEST", "sequence": 0}
MEETING_DECISIONS = [{"proposal": "DMPG-2026-001", "title": "Angst og OCD – børn og unge", "gate": "steering",
                      "outcome": "approve", "rationale": "Stort behov; Søren Ærø tilslutter sig."},
                     {"proposal": "DMPG-2026-002", "title": "PTSD", "gate": "steering", "outcome": "defer",
                      "rationale": "Afventer RKKP."}]

CONTEXTS: dict[str, dict] = {
    "receipt": {"findings": [{"code": "database.status", "severity": "info",
                              "message": "Databasen er planlagt; koordinér med RKKP.", "items": []}],
                "submittable": True, "url": URL},
    "revision_request": {"findings": [{"code": "target.primary_sector", "severity": "block",
                                       "message": "Målgruppen omfatter ikke primærsektoren.", "items": []}],
                         "url": URL, "deadline": date(2026, 12, 1)},
    "hearing": {"url": URL, "deadline": date(2026, 12, 15)},
    "database_request": {"url": URL, "deadline": date(2026, 12, 15)},
    "steering_memo": {"url": URL, "advice": "support_with_changes"},
    "director_memo": {"url": URL},
    "decision": {"gate": "steering", "outcome": "approve", "decided_on": date(2026, 12, 3),
                 "rationale": "Stort behov på tværs af sektorer; børneområdet prioriteres.", "url": URL},
    "appointment_request": {"organisations": [{"code": "DPS", "name": "Dansk Psykiatrisk Selskab", "seats": 2}],
                            "deadline": date(2027, 1, 15), "url": URL},
    "kickoff": {"kickoff": KICKOFF, "chairs": ["Anne Holm", "Bo Ølund"], "director": "Dorte Direktør", "url": URL},
    "established": {"kickoff": KICKOFF, "chairs": ["Anne Holm", "Bo Ølund"], "director": "Dorte Direktør",
                    "members": [{"name": "Anne Holm"}, {"name": "Bo Ølund"}], "url": URL},
    "appointments_record": {"organisations": [{"name": "Dansk Psykiatrisk Selskab", "seats": 2},
                                              {"name": "Bedre Psykiatri", "seats": 1}],
                            "answers_by": date(2027, 1, 15), "url": URL},
    "meeting_invitation": {"meeting": MEETING | {"gate": "styregruppens beslutning"}, "pack_days": 7, "url": URL,
                           "agenda": [{"proposal": "DMPG-2026-001", "title": "Angst og OCD – børn og unge", "round": 1}],
                           "invitation": {"method": "REQUEST", "sequence": 0, "time": "10:00", "end_time": "12:00",
                                          "place": "RKKP, Olof Palmes Allé 15, 8200 Aarhus N",
                                          "online_url": "https://teams.example.dk/møde"}},
    "reminder": {"gate": "advice", "waiting_since": datetime(2026, 11, 2, tzinfo=timezone.utc),
                 "days_waiting": 16, "url": URL},
    "digest": {"gates": [{"proposal": "DMPG-2026-001", "title": "Angst og OCD", "gate": "steering", "round": 1,
                          "waiting_since": datetime(2026, 11, 2, tzinfo=timezone.utc), "days": 16, "url": URL}],
               "undelivered": 0, "week": "2026-W47"},
    "escalation": {"gate": "advice", "waiting_since": datetime(2026, 11, 2, tzinfo=timezone.utc),
                   "due_date": date(2026, 11, 23), "rule": "reply", "days_overdue": 14, "chair": True, "url": URL},
    "meeting_pack": {"meeting": MEETING, "url": URL,
                     "agenda": [{"proposal": "DMPG-2026-001", "title": "Angst og OCD – børn og unge", "round": 1}]},
    "meeting_minutes": {"meeting": MEETING, "url": URL, "decisions": MEETING_DECISIONS},
    "minutes_approval": {"meeting": MEETING, "url": URL, "decisions": MEETING_DECISIONS},
    "recovery": {"problem": "stuck", "action": "rescheduled", "since": datetime(2026, 11, 30, 9, 15, tzinfo=timezone.utc),
                 "detail": "Running, no heartbeat for 64 s", "url": URL},
}

# What the subject must say for each kind: the action asked or the news.
SUBJECT_ASKS = {
    "receipt": "indstillingen er modtaget",
    "revision_request": "revision af indstillingen ønskes",
    "hearing": "følgegruppens rådgivning ønskes",
    "database_request": "RKKP's udtalelse om databasegrundlaget ønskes",
    "steering_memo": "styregruppens beslutning ønskes",
    "director_memo": "psykiatridirektørkredsens godkendelse ønskes",
    "decision": "DMPG-styregruppen har godkendt indstillingen",
    "appointment_request": "anmodning om udpegning af medlemmer",
    "kickoff": "kickoff-møde 1. februar 2027 kl. 13:00",
    "established": "den nye DMPG er etableret",
    "appointments_record": "registrér udpegningen af medlemmer og formandskab",
    "meeting_invitation": "Invitation: DMPG-styregruppens møde torsdag den 11. marts 2027",
    "reminder": "Påmindelse",
    "digest": "1 sag afventer",
    "meeting_pack": "Mødemateriale: DMPG-styregruppens møde torsdag den 11. marts 2027",
    "meeting_minutes": "Beslutningsreferat: DMPG-styregruppens møde 11. marts 2027",
    "minutes_approval": "Godkendelse af referat",
    "recovery": "sagens kørsel gik i stå og genoptages automatisk",
    "escalation": "Frist overskredet",
}
