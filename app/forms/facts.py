"""The facts of an episode, each defined once (CONVENTIONS: "Facts are defined once").

Validation, the shift board, prior history, printing and the central store's history and
reports all ask here. Every function takes plain answers and works on typed answers (from
`FormDefinition.decode`) and on raw stored JSON alike, and never raises on an odd value: a
number where a mapping was expected is simply "not a positive test". The central store calls
these on whatever a workstation once sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from app.forms.fields import Problem, error

# The RA3 attendance record of each assessment (004 §4.1.2: a failure at either is reported).
ATTENDANCE_FORMS: dict[str, str] = {"ra3": "initial", "ra3_follow_up": "follow_up"}
FAILURES = ("failed_to_attend", "failed_to_remain")

# What a notice or a printed record names the person by (004 IE1 (vii): personal details).
IDENTITY_FIELDS: tuple[tuple[str, str], ...] = (
    ("family_name", "family name"),
    ("given_names", "given name(s)"),
    ("date_of_birth", "date of birth"),
)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


# -- the drug test --------------------------------------------------------------------------


def positive_substances(dt1: Any) -> list[str]:
    """The tested substances with a positive result, in the order recorded; [] unless the
    test was completed (a refusal with a stale result is not a positive test)."""
    answers = _mapping(dt1)
    if answers.get("test_outcome") != "completed":
        return []
    results = _mapping(answers.get("results"))
    return [str(k) for k, v in results.items() if v == "positive"]


def is_positive_test(dt1: Any) -> bool:
    """A completed test with a positive result for any tested substance. A disputed result
    still counts: the requirement stands (Drugs Act 2005 s.16; 004 IE1)."""
    return bool(positive_substances(dt1))


def results_complete(dt1: Any, tested: Iterable[str]) -> bool:
    """Every tested substance has a result (positive, negative or not tested)."""
    results = _mapping(_mapping(dt1).get("results"))
    return all(results.get(s) in ("positive", "negative", "not_tested") for s in tested)


def test_state(dt1: Any, tested: Iterable[str]) -> str:
    """ "none" (no DT1), "incomplete", "positive", "negative", "refused" or "not_possible".
    Negative only once every tested substance has a result: no "Negative" before results."""
    answers = _mapping(dt1)
    if not answers:
        return "none"
    outcome = answers.get("test_outcome")
    if outcome in ("refused", "not_possible"):
        return str(outcome)
    if outcome != "completed":
        return "incomplete"
    if is_positive_test(answers):
        return "positive"
    return "negative" if results_complete(answers, tested) else "incomplete"


def is_disputed(dt1: Any) -> bool:
    return is_positive_test(dt1) and _mapping(dt1).get("disputed") is True


# -- the person -----------------------------------------------------------------------------


def identity_missing(episode: Any) -> list[str]:
    """The keys of the identity answers not yet recorded on the custody episode."""
    answers = _mapping(episode)
    missing = []
    for key, _ in IDENTITY_FIELDS:
        value = answers.get(key)
        if key == "date_of_birth":
            ok = isinstance(value, date | str) and bool(value)
        else:
            ok = isinstance(value, str) and bool(value.strip())
        if not ok:
            missing.append(key)
    return missing


def identity_complete(episode: Any) -> bool:
    """Family name, given name(s) and date of birth are recorded: enough to name the person
    on a notice and to find their earlier records."""
    return not identity_missing(episode)


def identity_problems(episode: Any, document: str) -> list[Problem]:
    """Errors on "custody_episode.<key>" for each identity answer a `document` cannot be
    issued without (004 IE1 (v)-(vii): the notice names the person it is given to)."""
    labels = dict(IDENTITY_FIELDS)
    return [
        error(
            f"custody_episode.{key}",
            f"The person's {labels[key]} is not recorded, so the {document} would not name "
            "them: fill it in on the Episode page (Person).",
            "identity.missing",
        )
        for key in identity_missing(episode)
    ]


# -- attendance -----------------------------------------------------------------------------


def attendance_assessment(form_key: str, answers: Any) -> str | None:
    """Which assessment an RA3 record is about: "initial" or "follow_up" (None when the form
    is not an RA3). A version-1 RA3 said so in its own `assessment` answer."""
    if form_key not in ATTENDANCE_FORMS:
        return None
    legacy = _mapping(answers).get("assessment")
    if form_key == "ra3" and legacy in ("initial", "follow_up"):
        return str(legacy)
    return ATTENDANCE_FORMS[form_key]


def attendance_outcome(answers: Any) -> str | None:
    outcome = _mapping(answers).get("outcome")
    return outcome if outcome in ("attended_and_remained", *FAILURES) else None


def is_failure(answers: Any) -> bool:
    return attendance_outcome(answers) in FAILURES


def failure_reported(answers: Any) -> bool:
    return isinstance(_mapping(answers).get("reported_to_police_at"), datetime | str)


# -- disputed results (000 §2.3; BRIEF: Drugs Act 2005 s.16) ---------------------------------


def confirmation_state(dt1: Any, lab: Any) -> str:
    """What the laboratory's confirmatory analysis says of a disputed positive test:
    "not_disputed", "awaited" (no result for some positive drug yet), "confirmed_positive"
    (at least one positive drug confirmed: the requirement stands) or "negative" (every
    positive drug confirmed negative: the requirement ends)."""
    if not is_disputed(dt1):
        return "not_disputed"
    confirmed = _mapping(_mapping(lab).get("confirmed"))
    drugs = positive_substances(dt1)
    if any(confirmed.get(d) == "positive" for d in drugs):
        return "confirmed_positive"
    if drugs and all(confirmed.get(d) == "negative" for d in drugs):
        return "negative"
    return "awaited"


def confirmed_positive_substances(dt1: Any, lab: Any) -> list[str]:
    """The drugs that count as positive after any confirmatory analysis: the test on arrest's
    positives, less those the laboratory confirmed negative."""
    confirmed = _mapping(_mapping(lab).get("confirmed")) if is_disputed(dt1) else {}
    return [d for d in positive_substances(dt1) if confirmed.get(d) != "negative"]


def requirement_ended_by_laboratory(dt1: Any, lab: Any) -> bool:
    """A negative confirmation ends the required assessment; a confirmed positive keeps it."""
    return confirmation_state(dt1, lab) == "negative"


def positive_pattern(substances: Iterable[str]) -> str | None:
    """How the monthly figures group a positive test (000 Figures 1-5): "opiates_only",
    "cocaine_only", "both" or None (no opiate or cocaine positive)."""
    found = set(substances)
    opiates, cocaine = "opiates" in found, "cocaine" in found
    if opiates and cocaine:
        return "both"
    if opiates:
        return "opiates_only"
    if cocaine:
        return "cocaine_only"
    return None


# -- the Drug Rehabilitation Requirement ----------------------------------------------------


def on_drr(target_testing: Any, ra5: Any) -> bool:
    """The person is subject to a DRR: said on the target-testing profile or as the RA5's
    reason; the outcome is then reported to Probation."""
    return (
        _mapping(target_testing).get("subject_to_drr") is True
        or _mapping(ra5).get("reason") == "on_drr"
    )


def answered_moment(answers: Any, key: str) -> bool:
    """An answer holding a time (typed or as stored JSON text)."""
    value = _mapping(answers).get(key)
    return isinstance(value, datetime) or (isinstance(value, str) and bool(value))
