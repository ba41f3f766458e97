"""Issue 15.6: pushing another suite's record id answered 409, which revealed that the id
exists. Now an id used anywhere else is refused with the one answer that is also given for an
id this suite's own records use (another type): a per-record refusal in a 200, never a 409, and
nothing in it — code, field, message, stored version — says which suite, which type, or what
the record holds. A reference to another suite's record is answered exactly as one to an id
that exists nowhere."""

from __future__ import annotations

from tests.central.helpers import audit_event, episode, new_id, notice, person


def _refusal(answer: dict) -> dict:
    [refused] = answer["refused"]
    assert answer["results"] == []
    return {k: v for k, v in refused.items() if k not in ("id", "index", "type")}


def test_another_suites_id_is_answered_as_one_of_this_suite_used_by_another_type(enrol):
    bridewell, mansfield = enrol("bridewell"), enrol("mansfield")
    theirs = person(family_name="Theirs")
    mansfield.push(theirs)
    mine = person(family_name="Mine")
    bridewell.push(mine)

    answers = [
        # another suite's id, as a new record, as an edit, as a tombstone, as another type
        bridewell.push_response(person(id=theirs["id"])),
        bridewell.push_response({**person(id=theirs["id"]), "base_rev": 1}),
        bridewell.push_response({**person(id=theirs["id"]), "deleted": True, "base_rev": 1}),
        bridewell.push_response(audit_event(id=theirs["id"])),
        # this suite's own id, under another type
        bridewell.push_response(audit_event(id=mine["id"])),
    ]
    assert {r.status_code for r in answers} == {200}
    seen = [_refusal(r.json()) for r in answers]
    assert all(each == seen[-1] for each in seen), seen
    said = " ".join(str(r.json()) for r in answers)
    assert "mansfield" not in said and "Theirs" not in said and "stored" not in said


def test_naming_another_suites_record_is_answered_as_naming_one_that_does_not_exist(enrol):
    bridewell, mansfield = enrol("bridewell"), enrol("mansfield")
    theirs = person()
    mansfield.push(theirs)
    elsewhere = bridewell.push_answer(episode(theirs["id"]))
    nowhere = bridewell.push_answer(episode(new_id()))
    assert _refusal(elsewhere) == _refusal(nowhere)
    theirs_episode = episode(theirs["id"])
    mansfield.push(theirs_episode)
    assert _refusal(bridewell.push_answer(notice(theirs_episode["id"]))) == _refusal(
        bridewell.push_answer(notice(new_id()))
    )
