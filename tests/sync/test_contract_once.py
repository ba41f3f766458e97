"""The wire contract is one declaration: the client's records, the local columns and the
rebase all follow it (app/sync/wire.py, app/sync/records.py, app/sync/rebase.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import String

from app.sync.rebase import rebased
from app.sync.records import SPECS
from app.sync.wire import FIELDS


def test_every_record_type_travels_exactly_the_contracts_fields():
    assert tuple(SPECS) == tuple(FIELDS)
    for record_type, spec in SPECS.items():
        columns = spec.model.__table__.c
        assert set(spec.fields) <= set(columns.keys()), record_type


def test_no_text_the_contract_allows_can_overflow_a_column_on_this_workstation():
    for record_type, kinds in FIELDS.items():
        columns = SPECS[record_type].model.__table__.c
        for name, kind in kinds.items():
            column = columns[name].type
            if kind.max_length is not None and isinstance(column, String) and column.length:
                assert kind.max_length <= column.length, f"{record_type}.{name}"


def test_no_choice_the_contract_allows_can_overflow_a_column_on_this_workstation():
    # e.g. every printable form's key is a notice kind (issue 13 added five): notice.kind
    for record_type, kinds in FIELDS.items():
        columns = SPECS[record_type].model.__table__.c
        for name, kind in kinds.items():
            column = columns[name].type
            if kind.choices and isinstance(column, String) and column.length:
                longest = max(kind.choices, key=len)
                assert len(longest) <= column.length, f"{record_type}.{name}: {longest}"


def test_a_required_field_is_never_a_nullable_column_here():
    for record_type, kinds in FIELDS.items():
        columns = SPECS[record_type].model.__table__.c
        for name, kind in kinds.items():
            if kind.required:
                assert not columns[name].nullable, f"{record_type}.{name}"


answers = st.dictionaries(st.sampled_from("abcde"), st.integers(0, 3), max_size=5)
fields = st.fixed_dictionaries({"status": st.sampled_from(["open", "closed"]), "answers": answers})


@given(sent=fields, stored=fields)
def test_a_row_not_edited_since_it_was_sent_takes_the_stored_version(sent, stored):
    assert rebased(sent, sent, stored, split_answers=True) == {
        **stored,
        "answers": dict(sorted(stored["answers"].items())),
    }


@given(sent=fields, current=fields)
def test_when_the_server_stored_what_was_sent_the_workers_later_edits_stand(sent, current):
    result = rebased(sent, current, sent, split_answers=True)
    assert result == {**current, "answers": dict(sorted(current["answers"].items()))}


def test_the_workers_later_change_goes_on_top_of_a_colleagues_merged_answer():
    sent = {"status": "open", "answers": {"a": 1}}
    stored = {"status": "open", "answers": {"a": 1, "b": 2}}  # a colleague's answer merged in
    current = {"status": "open", "answers": {"a": 5}}  # the worker changed a again since
    assert rebased(sent, current, stored, split_answers=True) == {
        "status": "open",
        "answers": {"a": 5, "b": 2},
    }
    removed = {"status": "open", "answers": {}}  # and a removal since sending is kept too
    assert rebased(sent, removed, stored, split_answers=True)["answers"] == {"b": 2}
