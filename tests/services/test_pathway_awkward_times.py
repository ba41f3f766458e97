"""Issue 13's waiting list, board and printed documents at awkward times and with hostile
text: a remand at 23:59 on the Saturday before the clocks go back, bail on Christmas Eve, a
laboratory negative after the failure was reported, a transfer with no address, an RoB
without appointments, values at the edges of the wire contract (1900, 2099), and text no
form would expect (very long, right-to-left, control characters)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from app.forms.registry import FORMS
from app.services import board, printed_records
from tests.services.conftest import save
from tests.services.helpers import PERSON, POSITIVE, RA1, at, episode, issue, pdf_text

UK_SAT_BEFORE_CLOCKS_GO_BACK = datetime(2026, 10, 24, 22, 59, tzinfo=UTC)  # 23:59 BST


def _items(ws, kind):
    return [w.text for w in board.waiting(ws) if w.kind == kind]


def test_a_remand_at_23_59_before_the_clocks_go_back_is_due_24_real_hours_later(workspace):
    workspace.clock = lambda: datetime(2026, 10, 25, 12, tzinfo=UTC)
    episode_id = episode(workspace)
    save(workspace, episode_id, "remand", remanded_at=UK_SAT_BEFORE_CLOCKS_GO_BACK,
         court="Nottingham MC", prison="HMP Nottingham")  # fmt: skip
    # 24 real hours after 23:59 BST on Saturday is 22:59 GMT on Sunday.
    assert _items(workspace, "prison_referral") == [
        "Prison referral to HMP Nottingham due by Sun 25/10 22:59"
    ]


def test_bail_on_christmas_eve_is_due_on_the_last_working_day_of_december(workspace):
    workspace.clock = lambda: datetime(2026, 12, 24, 17, tzinfo=UTC)
    episode_id = episode(workspace)
    save(workspace, episode_id, "rob", bail_decided_at=datetime(2026, 12, 24, 16, tzinfo=UTC),
         court="Nottingham MC")  # fmt: skip
    assert _items(workspace, "rob_assessment") == [
        "RoB assessment due by Thursday 31 December 2026"
    ]
    rows = {r.id: r for r in board.shift_board(workspace, day=datetime(2026, 12, 24).date())}
    assert "RoB" in rows[episode_id].steps["after"]


def test_edge_of_the_contract_times_keep_the_board_and_waiting_list(workspace):
    workspace.clock = lambda: datetime(2099, 12, 31, 12, tzinfo=UTC)
    episode_id = episode(workspace)
    last = datetime(2099, 12, 31, 23, 59, tzinfo=UTC)
    save(workspace, episode_id, "remand", remanded_at=last, court="C", prison="P")
    save(workspace, episode_id, "rob", bail_decided_at=last, court="C",
         next_appointment_at=last)  # fmt: skip
    save(workspace, episode_id, "annex_e_fu", first_outcome="did_not_attend")
    texts = [w.text for w in board.waiting(workspace) if w.episode_id == episode_id]
    assert "Prison referral to P due by Fri 01/01 23:59" in texts
    assert any(t.startswith("RoB assessment due by") and "2100" in t for t in texts)
    assert board.shift_board(workspace, day=last.date())


def test_a_laboratory_negative_after_the_failure_was_reported(workspace):
    episode_id = episode(workspace, dt1={**POSITIVE, "disputed": True})
    save(workspace, episode_id, "ra3", appointment_at=at(25, 10), outcome="failed_to_attend",
         recorded_at=at(25, 11), recorded_by="Ann", reported_to_police_at=at(25, 12))  # fmt: skip
    save(workspace, episode_id, "lab_result", confirmed={"opiates": "negative"},
         received_at=at(26, 9))  # fmt: skip
    assert [w for w in board.waiting(workspace) if w.episode_id == episode_id] == []
    rows = {r.id: r for r in board.shift_board(workspace, day=at(26, 9).date())}
    assert "Lab negative" in rows[episode_id].steps["after"]


def _hostile(length: int, seed: str) -> str:
    """Text no form expects, up to the field's own limit: right-to-left marks and Arabic,
    control characters, a zero-width space and one unbroken word filling the rest."""
    head = f"{seed} \u202eعربي\u202c \x07\x1b[31m\u200b "
    return (head + "W" * length)[:length]


def _fill(form_key: str, **answers):
    out = dict(answers)
    for field in FORMS[form_key].fields:
        if field.type in ("text", "multiline") and field.key not in out:
            out[field.key] = _hostile(field.max_length or 200, field.key)
    return out


HOSTILE_PERSON = {**PERSON, "family_name": _hostile(80, "fam"),
                  "given_names": _hostile(120, "given"), "address": _hostile(300, "addr")}  # fmt: skip


def _printed(ws, episode_id, form_key, **answers):
    save(ws, episode_id, form_key, **_fill(form_key, **answers))
    printed = printed_records.print_record(ws, episode_id, form_key)
    return printed.pdf, pdf_text(printed.pdf)


def test_the_new_documents_print_hostile_text_without_failing(workspace, tmp_path):
    workspace.clock = lambda: at(25, 12)
    episode_id = episode(workspace, person=HOSTILE_PERSON)
    save(workspace, episode_id, "target_testing", subject_to_drr=True)
    ra1 = issue(workspace, episode_id, "ra1", **RA1)
    save(workspace, episode_id, "ra3", appointment_at=at(24, 15), outcome="failed_to_attend",
         recorded_by="A Worker", recorded_at=at(24, 15, 45))  # fmt: skip
    printed = {
        "remand": _printed(workspace, episode_id, "remand", remanded_at=at(24, 10),
                           sent_at=None),
        "transfer": _printed(workspace, episode_id, "transfer",
                             receiving_cjit="mansfield_ashfield", reason="resident_elsewhere",
                             appointment_at=at(26, 10)),
        "drr_report": _printed(workspace, episode_id, "drr_report", reported_at=at(25, 9)),
        "fta_report": _printed(workspace, episode_id, "fta_report", assessment="initial",
                               required_at=at(24, 15), notice_served_at=at(24, 11),
                               notice_reference=ra1.reference,
                               outcome="failed_to_attend", statement_at=at(24, 16)),
    }  # fmt: skip
    for key, (pdf, text) in printed.items():
        assert "fam" in text and "WWWW" in text and "[31m" in text, key
        assert not set("\x00\x07\x1b") & set(text), key  # no empty boxes for controls
        for page in PdfReader(io.BytesIO(pdf)).pages:  # nothing drawn off the page
            assert float(page.mediabox.width) < 600
        (tmp_path / f"{key}.pdf").write_bytes(pdf)


def test_the_annex_e_letter_and_a_transfer_without_an_address_print(workspace):
    negative = {**POSITIVE, "results": {"opiates": "negative", "cocaine": "negative"}}
    bare = {k: v for k, v in HOSTILE_PERSON.items() if k not in ("address", "postcode", "phone")}
    episode_id = episode(workspace, person=bare, dt1=negative)
    save(workspace, episode_id, "annex_e", volunteered=True, appointment_at=at(25, 10),
         assessing_cjit="nottingham", place=_hostile(300, "place"))  # fmt: skip
    workspace.clock = lambda: at(25, 12)
    pdf, text = _printed(workspace, episode_id, "annex_e_fu", first_outcome="did_not_attend",
                         reported_to_partnership_at=at(25, 11),
                         second_appointment_at=at(2, 10, month=12))  # fmt: skip
    assert "Wednesday 2 December 2026 at 10:00" in text and "second_place" in text
    other = episode(workspace, person=bare)
    pdf, text = _printed(workspace, other, "transfer", receiving_cjit="mansfield_ashfield",
                         reason="resident_elsewhere")  # fmt: skip
    assert "fam" in text
