"""The custody episode: arrival, the person, the arrest offences and where they live."""

from __future__ import annotations

import re

from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.fields import Answers, Field, Problem, Section, answered, equals, error, warning
from app.forms.times import describe_date, local_date
from app.forms.validation import age_on, not_in_future, phone_ok, pnc_problem, postcode_ok

GENDERS = (
    ("male", "Male"),
    ("female", "Female"),
    ("other", "Other / self-described"),
    ("not_stated", "Not stated"),
)


def check_offences(answers: Answers, ctx: FormContext) -> list[Problem]:
    offences = answers.get("arrest_offences") or []
    if not offences and not answered(answers, "arrest_offence_other"):
        return [
            error(
                "arrest_offences",
                "Choose the arrest offence(s), or describe an offence that is not on the trigger list.",
                "episode.no_offence",
            )
        ]
    arrived = answers.get("arrived_at")
    day = local_date(arrived) if arrived else ctx.today
    problems = []
    for offence_id in offences:
        repealed = ctx.reference.repealed_on(offence_id)
        if repealed and day >= repealed:
            title = ctx.reference.trigger_offence(offence_id)["title"]  # type: ignore[index]
            problems.append(
                error(
                    "arrest_offences",
                    f"{title} was repealed on {describe_date(repealed)}; choose the offence that replaced it.",
                    "episode.repealed_offence",
                )
            )
    return problems


def check_person(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "date_of_birth", "The date of birth", ctx)
    problems += not_in_future(answers, "arrived_at", "The arrival time", ctx)
    dob, arrived = answers.get("date_of_birth"), answers.get("arrived_at")
    if dob and not problems:
        age = age_on(dob, local_date(arrived) if arrived else ctx.today)
        if age < 18:
            problems.append(
                warning(
                    "date_of_birth",
                    f"The detainee is {age}: testing on arrest and the required assessment apply to adults aged 18 or over.",
                    "age.under_18",
                )
            )
        elif age > 110:
            problems.append(
                error(
                    "date_of_birth",
                    f"The date of birth gives an age of {age}: check it.",
                    "age.implausible",
                )
            )
    pnc = answers.get("pnc_id")
    if pnc and (why := pnc_problem(pnc)):
        problems.append(error("pnc_id", why, "episode.pnc_id"))
    if answered(answers, "postcode") and not postcode_ok(answers["postcode"]):
        problems.append(
            error(
                "postcode",
                "The postcode does not look like a UK postcode (e.g. NG1 7AT).",
                "episode.postcode",
            )
        )
    if answered(answers, "phone") and not phone_ok(answers["phone"]):
        problems.append(
            warning(
                "phone",
                "The phone number does not look like a UK number (e.g. 07700 900123): check it.",
                "episode.phone",
            )
        )
    return problems


_CUSTODY_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /\-]{2,29}$")


def check_custody_number(answers: Answers, ctx: FormContext) -> list[Problem]:
    """Forces write the custody record number differently (52/12345/26, BW/9876/26), so only
    nonsense is refused: no digit at all, or characters no custody record number has."""
    number = (answers.get("custody_record_number") or "").strip()
    if not number or (_CUSTODY_NUMBER.match(number) and any(c.isdigit() for c in number)):
        return []
    return [
        error(
            "custody_record_number",
            f"“{number}” does not look like a custody record number: copy it from the custody "
            "record, e.g. 52/12345/26 (letters, digits, '/' and '-').",
            "episode.custody_number",
        )
    ]


def check_residence(answers: Answers, ctx: FormContext) -> list[Problem]:
    if (
        answers.get("resident_in_area") is False
        and answers.get("cjit_of_residence") == ctx.policy.local_cjit
    ):
        return [
            error(
                "cjit_of_residence",
                "The person lives outside the area: choose the CJIT of the area where they live, not the local CJIT.",
                "episode.cjit_of_residence",
            )
        ]
    return []


FORM = FormDefinition(
    key="custody_episode",
    title="Custody episode",
    short_title="Episode",
    version=1,
    sections=(
        Section(
            "arrival",
            "Arrival",
            (
                Field(
                    "custody_record_number",
                    "text",
                    "Custody record number",
                    required=True,
                    max_length=30,
                    placeholder="e.g. 52/12345/26",
                ),
                Field(
                    "arrived_at", "datetime", "Arrived in custody (date and time)", required=True
                ),
                Field(
                    "arrest_offences",
                    "multi_choice",
                    "Arrest offence(s) on the trigger-offence list",
                    choices_source="trigger_offences",
                    help="Schedule 6, Criminal Justice and Court Services Act 2000.",
                ),
                Field(
                    "arrest_offence_other",
                    "text",
                    "Other arrest offence (not a trigger offence)",
                    max_length=200,
                    help="e.g. assault: a test then needs an inspector's authority.",
                ),
            ),
        ),
        Section(
            "person",
            "Person",
            (
                Field("family_name", "text", "Family name", required=True, max_length=80),
                Field("given_names", "text", "Given name(s)", required=True, max_length=120),
                Field("date_of_birth", "date", "Date of birth", required=True),
                Field(
                    "address",
                    "multiline",
                    "Address",
                    required=True,
                    max_length=300,
                    help="Write 'No fixed abode' when there is none.",
                ),
                Field("postcode", "text", "Postcode", max_length=8, placeholder="NG1 7AT"),
                Field(
                    "pnc_id",
                    "text",
                    "PNC ID",
                    max_length=14,
                    placeholder="12/345678A",
                    help="If known: year, slash, number, check letter.",
                ),
                Field("gender", "choice", "Gender", required=True, choices=GENDERS),
                Field(
                    "ethnicity",
                    "choice",
                    "Ethnicity",
                    required=True,
                    choices_source="ethnicity",
                    help="ONS 2021 categories, as the person describes themselves.",
                ),
                Field("phone", "text", "Phone", max_length=20),
            ),
        ),
        Section(
            "residence",
            "Residence",
            (
                Field("resident_in_area", "bool", "Lives in the local CJIT area?", required=True),
                Field(
                    "cjit_of_residence",
                    "choice",
                    "CJIT of residence",
                    choices_source="spoc_directory",
                    required=equals("resident_in_area", False),
                    visible_when=equals("resident_in_area", False),
                    help="From the CJIT SPOC list (004 IE4a).",
                ),
            ),
        ),
    ),
    checks=(check_offences, check_person, check_residence, check_custody_number),
)
