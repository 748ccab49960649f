"""The meeting pack flow (deployment ``dmpg-meeting-pack``): one flow run per meeting, named after it
and scheduled by ``dmpg meeting plan`` for the moment the pack goes out, so the secretariat sees every
planned meeting in the Prefect UI. The run renders the pack and the minutes form once, mails them once
(``dmpg.services.meetings.send_pack``), and updates each proposal's story in the UI. Imports stay lean: the
runner starts a fresh process per run.
"""

from __future__ import annotations

from typing import Any

from prefect import flow

from tasks.meetings import send_pack, update_stories

FLOW_NAME = "dmpg-meeting-pack"


@flow(name=FLOW_NAME, log_prints=True)
def send_meeting_pack(meeting_id: str) -> dict[str, Any]:
    """Send the pack of ``meeting_id`` to the body's members (nothing when it is out already)."""
    sent = send_pack(meeting_id)
    if sent["sent"]:
        update_stories(meeting_id)
    print(f"{FLOW_NAME}: {sent}")
    return sent
