"""One identity at every door: addresses compare after NFKC and case folding, and a decision is recorded
under the roster's spelling."""

from core.identity import fold_address, same_address
from forms.gates import gate, judge
from forms.roster import Roster

ROSTER = Roster.model_validate({
    "secretariat": [{"name": "Sekretariatet", "email": "sekretariat@example.dk"}],
    "reference_group": [{"name": "Sundhedsstyrelsen", "email": "foelgegruppe.sst@example.dk"}],
})
ADVICE = {"recommendation": "support", "summary": "Vi støtter.", "meeting_date": "2026-11-02"}


def test_capitals_and_look_alikes_are_the_same_address():
    assert fold_address(" FOELGEGRUPPE.SST@EXAMPLE.DK ") == "foelgegruppe.sst@example.dk"
    assert same_address("\u212aontakt@example.dk", "kontakt@example.dk")  # KELVIN SIGN is k after NFKC
    assert not same_address("", "")


def test_a_decision_is_recorded_under_the_rosters_spelling():
    for typed in ("FOELGEGRUPPE.SST@EXAMPLE.DK", "foelgegruppe.sst@example.d\u212a"):
        verdict = judge(gate("advice"), {**ADVICE, "recorded_by": typed}, roster=ROSTER)
        assert verdict.accepted, verdict.reason
        assert verdict.by == verdict.data["recorded_by"] == "foelgegruppe.sst@example.dk"


def test_an_address_on_no_roster_entry_is_refused():
    verdict = judge(gate("advice"), {**ADVICE, "recorded_by": "someone@example.dk"}, roster=ROSTER)
    assert not verdict.accepted and verdict.refusal == "not_allowed"
