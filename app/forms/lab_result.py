"""Disputed results: the laboratory's confirmatory result, per drug (000 §2.3; BRIEF: Drugs
Act 2005 s.16 — the requirement stands while the sample is analysed).

What follows is one fact (`app.forms.facts.confirmation_state`): every positive drug confirmed
negative ends the requirement (the booked assessments are cancelled and the person told);
any drug confirmed positive keeps it.
"""

from __future__ import annotations

from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.facts import confirmation_state, is_disputed, positive_substances
from app.forms.fields import Answers, Decision, Field, Problem, Section, error
from app.forms.validation import not_before, not_in_future

OUTCOME_WORDS = {
    "not_disputed": "The DT1 does not record a disputed positive result.",
    "awaited": "The confirmatory result is awaited for at least one drug: the requirement stands.",
    "confirmed_positive": "Confirmed positive: the requirement to attend stands.",
    "negative": "Confirmed negative for every disputed drug: the requirement has ended. "
    "Tell the person their appointment is cancelled.",
}


def decide(answers: Answers, ctx: FormContext) -> Decision:
    state = confirmation_state(ctx.form("dt1"), answers)
    return Decision(state, [OUTCOME_WORDS[state]])


def check_lab(answers: Answers, ctx: FormContext) -> list[Problem]:
    dt1 = ctx.form("dt1")
    problems = not_in_future(answers, "received_at", "The time the result arrived", ctx)
    problems += not_before(
        answers, "received_at", "The time the result arrived", answers.get("sent_at"),
        "the sample was sent",
    )  # fmt: skip
    if not is_disputed(dt1):
        problems.append(
            error(
                "confirmed",
                "The DT1 records no disputed positive result: a confirmatory result only "
                "follows a dispute (000 §2.3).",
                "lab.not_disputed",
            )
        )
        return problems
    drugs = set(positive_substances(dt1))
    other = [d for d in (answers.get("confirmed") or {}) if d not in drugs]
    other = [d for d in other if (answers.get("confirmed") or {}).get(d) != "not_tested"]
    if other:
        problems.append(
            error(
                "confirmed",
                f"The test on arrest was not positive for {', '.join(sorted(other))}: only a "
                "disputed positive result is confirmed. Mark it not tested.",
                "lab.not_positive_on_arrest",
            )
        )
    return problems


FORM = FormDefinition(
    key="lab_result",
    title="Disputed result: laboratory confirmation",
    short_title="Lab result",
    version=1,
    description="The confirmatory analysis of a disputed sample, per drug (000 §2.3).",
    sections=(
        Section(
            "sample",
            "Sample",
            (
                Field("sent_at", "datetime", "Sample sent for confirmation at"),
                Field("laboratory", "text", "Laboratory", max_length=120),
            ),
        ),
        Section(
            "result",
            "Confirmatory result",
            (
                Field(
                    "confirmed", "substance_results", "Confirmatory result for each drug",
                    required=True,
                    help="Negative for every disputed drug ends the requirement; a confirmed "
                    "positive keeps it.",
                ),
                Field("received_at", "datetime", "Result received at", required=True),
                Field("notes", "multiline", "Notes", max_length=1000, printed=False),
            ),
        ),
    ),
    checks=(check_lab,),
    decider=decide,
)  # fmt: skip
