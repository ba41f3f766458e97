"""The target-testing profile (Nottingham since 1 April 2013, 000 §2.2.2): should the police test?

Prison production or a DRR means no test whatever else is true ("If yes does not require a
test"). Any of the other seven criteria answered yes is a ground for a test; the sources do
not say the seven weigh differently, and the profile's aim of not retesting known users is met
by the two exclusions (people already in prison or on a DRR), so one yes is enough. A test needs
a trigger offence, otherwise an inspector's authority (PACE s.63B).
"""

from __future__ import annotations

from collections.abc import Mapping

from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.fields import Answers, Decision, Field, Problem, Section, answered, error
from app.forms.validation import arrest_is_trigger_offence, detainee_age, not_before, not_in_future

EXCLUSIONS: tuple[tuple[str, str, str], ...] = (
    (
        "prison_production",
        "Is the detainee on a prison production? If yes does not require a test.",
        "the detainee is on a prison production",
    ),
    (
        "subject_to_drr",
        "Is the detainee subject of a DRR? If yes does not require a test.",
        "the detainee is subject to a DRR",
    ),
)
GROUNDS: tuple[tuple[str, str, str], ...] = (
    (
        "arrest_relates_to_class_a",
        "Is the arrest in relation to heroin, cocaine or crack?",
        "the arrest relates to heroin, cocaine or crack",
    ),
    (
        "positive_test_last_12_months",
        "Has this detainee tested positive for heroin, cocaine or crack in the last 12 months?",
        "the detainee tested positive for heroin, cocaine or crack in the last 12 months",
    ),
    (
        "disclosed_class_a_use",
        "Has this detainee disclosed in custody to using heroin, cocaine or crack?",
        "the detainee disclosed in custody using heroin, cocaine or crack",
    ),
    (
        "pnc_marker_or_possession_conviction",
        "Is there a PNC warning marker or a conviction for possession of heroin, cocaine or crack in the last 12 months?",
        "there is a PNC warning marker or a possession conviction in the last 12 months",
    ),
    (
        "withdrawal_medication_or_request",
        "Has the person requested medical attention for heroin, cocaine or crack withdrawal or is on prescribed medication for withdrawal?",
        "the person asked for medical attention for withdrawal or is on withdrawal medication",
    ),
    (
        "first_adult_trigger_offence_arrest",
        "Is this the detainee's first arrest for a trigger offence as an adult aged 18 or over?",
        "this is the detainee's first arrest for a trigger offence as an adult",
    ),
    (
        "cjit_requests_test",
        "Does the CJIT drugs worker request a test or seek an inspector's authority if not a trigger offence?",
        "the CJIT drugs worker requests a test",
    ),
)
CRITERIA = EXCLUSIONS + GROUNDS
CRITERION_KEYS = tuple(key for key, _, _ in CRITERIA)
LABELS = {key: label for key, label, _ in CRITERIA}
_PHRASES = {key: phrase for key, _, phrase in CRITERIA}


def target_testing_decision(answers: Mapping[str, object]) -> Decision:
    """Test or not, from `age`, `trigger_offence` and the nine criteria (missing = unanswered)."""
    excluded = [k for k, _, _ in EXCLUSIONS if answers.get(k) is True]
    if excluded:
        return Decision(
            "no_test",
            [
                _sentence(
                    f"No test: {_join(excluded)} (this rules out a test whatever else is true)."
                )
            ],
        )
    age = answers.get("age")
    if age is None:
        return Decision("incomplete", ["The detainee's age (date of birth) is needed."])
    if int(age) < 18:  # type: ignore[call-overload]
        return Decision(
            "not_eligible",
            [f"The detainee is {age}: the profile applies to adults aged 18 or over."],
        )
    unanswered = [k for k, _, _ in EXCLUSIONS if answers.get(k) is None]
    if unanswered:
        return Decision("incomplete", [f"Answer first: {LABELS[k]}" for k in unanswered])
    return _grounds_decision(answers)


def _grounds_decision(answers: Mapping[str, object]) -> Decision:
    grounds = [k for k, _, _ in GROUNDS if answers.get(k) is True]
    if not grounds:
        unanswered = [k for k, _, _ in GROUNDS if answers.get(k) is None]
        if unanswered:
            return Decision("incomplete", [f"Answer first: {LABELS[k]}" for k in unanswered])
        return Decision("no_test", ["No test: none of the profile's criteria applies."])
    reasons = [_sentence(f"Grounds for a test: {_join(grounds)}.")]
    trigger = answers.get("trigger_offence")
    if trigger is None:
        return Decision(
            "incomplete", [*reasons, "Record the arrest offence: is it a trigger offence?"]
        )
    if trigger:
        return Decision(
            "test", [*reasons, "The arrest is for a trigger offence, so the police may test."]
        )
    return Decision(
        "test_with_inspector_authority",
        [
            *reasons,
            "The arrest is not for a trigger offence: a test needs an inspector's authority "
            "(name, rank and time of the authority, and the grounds, in the custody record).",
        ],
    )


def _join(keys: list[str]) -> str:
    phrases = [_PHRASES[k] for k in keys]
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


# -- the form -------------------------------------------------------------------------------

RANKS = (
    ("inspector", "Inspector"),
    ("chief_inspector", "Chief Inspector"),
    ("superintendent", "Superintendent"),
    ("chief_superintendent", "Chief Superintendent"),
    ("higher", "Higher rank"),
)

_PREFILL = {
    "positive_test_last_12_months": "history:positive_test_last_12_months",
    "subject_to_drr": "history:subject_to_drr",
    "first_adult_trigger_offence_arrest": "history:first_adult_trigger_offence_arrest",
    "pnc_marker_or_possession_conviction": "history:pnc_marker_or_possession_conviction",
}


def _not_excluded(answers: Answers) -> bool:
    # Prison production or a DRR settles it: the other criteria need no answer then.
    return not any(answers.get(k) is True for k, _, _ in EXCLUSIONS)


def criterion_fields() -> tuple[Field, ...]:
    return tuple(
        Field(
            key,
            "bool",
            label,
            required=_not_excluded,
            prefill=_PREFILL.get(key),
            help="Pre-filled from earlier records when known: check it." if key in _PREFILL else "",
        )
        for key, label, _ in CRITERIA
    )


def inspector_fields(prefix: str = "inspector_") -> tuple[Field, ...]:
    return (
        Field(f"{prefix}name", "text", "Authorising inspector's name", max_length=80),
        Field(f"{prefix}rank", "choice", "Rank (Inspector or above)", choices=RANKS),
        Field(
            f"{prefix}authorised_at",
            "datetime",
            "Date and time of the authority",
            help="Oral authority must be confirmed in writing (PACE s.63B).",
        ),
        Field(
            f"{prefix}grounds",
            "multiline",
            "Grounds for the authority",
            help="Reasonable grounds to suspect that misuse of a specified Class A drug caused or contributed to the offence.",
        ),
    )


def decision_inputs(answers: Answers, ctx: FormContext) -> dict[str, object]:
    """The rule's inputs: the nine answers plus age and trigger offence from the episode."""
    return {
        **{k: answers.get(k) for k in CRITERION_KEYS},
        "age": detainee_age(ctx),
        "trigger_offence": arrest_is_trigger_offence(ctx),
    }


def decide(answers: Answers, ctx: FormContext) -> Decision:
    return target_testing_decision(decision_inputs(answers, ctx))


def check_inspector_authority(answers: Answers, ctx: FormContext) -> list[Problem]:
    if decide(answers, ctx).outcome != "test_with_inspector_authority":
        return []
    problems = [
        error(
            f.key,
            f"Not a trigger offence, so the inspector's authority is needed: {f.label}.",
            "inspector.missing",
        )
        for f in inspector_fields()
        if not answered(answers, f.key)
    ]
    problems += not_in_future(answers, "inspector_authorised_at", "The authority", ctx)
    arrived = ctx.form("custody_episode").get("arrived_at")
    problems += not_before(
        answers, "inspector_authorised_at", "The authority", arrived, "arrival in custody"
    )
    return problems


SECTIONS = (
    Section(
        "profile",
        "Adult detainee drug testing profile",
        criterion_fields(),
        help="The nine criteria of the target-testing profile (000 §2.2.2).",
    ),
    Section("inspector", "Inspector's authority (not a trigger offence)", inspector_fields()),
)

FORM = FormDefinition(
    key="target_testing",
    title="Target-testing profile",
    short_title="Profile",
    version=1,
    sections=SECTIONS,
    description="Decides whether the police should test, with reasons (000 §2.2.2).",
    checks=(check_inspector_authority,),
    decider=decide,
)
