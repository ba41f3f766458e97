"""The three-way merge as a pure function (no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from central.merge import MISSING, Version, merge

values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text(alphabet="xyz", max_size=3)
)
docs = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), values, max_size=4)


def test_no_base_and_equal_sides_merge_without_conflict():
    same = Version(False, {"a": 1})
    assert merge(None, same, same, split_answers=False).conflicts == []


def test_a_key_removed_on_one_side_only_is_removed():
    base = Version(False, {"a": 1, "b": 2})
    result = merge(base, base, Version(False, {"a": 1}), split_answers=False)
    assert result.version.fields == {"a": 1} and not result.conflicts


def test_a_removal_against_a_change_is_a_conflict_with_yours_absent():
    base = Version(False, {"a": 1})
    result = merge(base, Version(False, {"a": 2}), Version(False, {}), split_answers=False)
    [conflict] = result.conflicts
    assert conflict.yours is MISSING and conflict.theirs == 2 and result.version.fields == {"a": 2}


def test_true_and_1_are_different_values():
    base = Version(False, {"a": True})
    result = merge(base, base, Version(False, {"a": 1}), split_answers=False)
    assert result.version.fields == {"a": 1}


@given(docs, docs)
def test_when_nothing_changed_on_the_server_yours_is_taken_whole(base, yours):
    b = Version(False, base)
    result = merge(b, b, Version(False, yours), split_answers=False)
    assert result.version.fields == yours and not result.conflicts


@given(docs, docs)
def test_when_you_changed_nothing_the_server_version_stands(base, theirs):
    b = Version(False, base)
    result = merge(b, Version(False, theirs), b, split_answers=False)
    assert result.version.fields == theirs and not result.conflicts


@given(docs, docs, docs)
def test_every_field_ends_as_one_of_the_three_and_the_server_wins_each_conflict(
    base, theirs, yours
):
    result = merge(Version(False, base), Version(False, theirs), Version(False, yours), False)
    for conflict in result.conflicts:
        assert result.version.fields.get(conflict.field, MISSING) == conflict.theirs
    for key, value in result.version.fields.items():
        assert value in (base.get(key), theirs.get(key), yours.get(key))


@given(docs, docs, docs)
def test_form_answers_merge_key_by_key_like_top_level_fields(base, theirs, yours):
    flat = merge(Version(False, base), Version(False, theirs), Version(False, yours), False)
    nested = merge(
        *(Version(False, {"form_key": "dt1", "answers": d}) for d in (base, theirs, yours)),
        split_answers=True,
    )
    assert nested.version.fields["answers"] == flat.version.fields
    assert [c.field for c in nested.conflicts] == [f"answers.{c.field}" for c in flat.conflicts]
