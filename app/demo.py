"""Realistic fictional data for a demo shift (``python -m app demo``) and for benchmarks.

Every name, address and PNC ID here is invented. Episodes go through the real services, so a
demo store looks exactly like a worked shift: drafts, issued RA1s, Annex E checklists, history.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from app.forms.registry import FORMS
from app.forms.times import LONDON
from app.forms.validation import pnc_check_letter
from app.services import episodes, forms_context, notices
from app.services.workspace import Workspace

FAMILY = [
    "Abbott",
    "Barker",
    "Chambers",
    "Doherty",
    "Ellis",
    "Fletcher",
    "Gallagher",
    "Hughes",
    "Iqbal",
    "Jackson",
    "Kowalski",
    "Lloyd",
    "Mahmood",
    "Nolan",
    "O'Connor",
    "Patel",
    "Quinn",
    "Reynolds",
    "Shaw",
    "Thompson",
    "Usher",
    "Vaughan",
    "Walsh",
    "Young",
    "Zielinski",
    "Brennan",
    "Cartwright",
    "Dunmore",
    "Whitworth",
    "Okafor",
    "Mensah",
    "Hussain",
]
GIVEN = [
    "Aaron",
    "Bethany",
    "Callum",
    "Danielle",
    "Ellis",
    "Fiona",
    "Gary",
    "Hayley",
    "Imran",
    "Jade",
    "Kyle",
    "Leanne",
    "Marcus",
    "Nicola",
    "Owen",
    "Paige",
    "Reece",
    "Stacey",
    "Tyler",
    "Vicky",
    "Wayne",
    "Zoë",
    "Connor",
    "Shannon",
    "Jordan",
    "Kerry-Ann",
    "Liam",
    "Chantelle",
]
STREETS = [
    "Alfreton Road",
    "Hucknall Road",
    "Radford Road",
    "Sneinton Dale",
    "Carlton Road",
    "Ilkeston Road",
    "Mansfield Road",
    "Wells Road",
    "Bulwell Lane",
    "Bestwood Park Drive",
]
POSTCODES = ["NG7 3AB", "NG5 1DE", "NG6 2FG", "NG3 7HJ", "NG8 4JL", "NG2 3DN", "NG11 8PQ"]
OFFENCES = [
    "theft",
    "theft",
    "theft",
    "burglary",
    "robbery",
    "handling_stolen_goods",
    "mda_possession",
    "fraud",
    "going_equipped",
    "taking_vehicle_without_authority",
]
ELSEWHERE = ["derby", "mansfield_ashfield", "leicester", "sheffield"]
POSITIVE_RATE = 0.3  # Nottingham saw 25-35% positive (000 Figure 4)


def fictional_pnc_id(rng: random.Random) -> str:
    year, serial = f"{rng.randint(0, 25):02d}", str(rng.randint(100000, 999999))
    return f"{year}/{serial}{pnc_check_letter(year, serial)}"


def fictional_person(rng: random.Random, today: date) -> dict:
    born = today - timedelta(days=rng.randint(18 * 366, 55 * 365))
    return {
        "family_name": rng.choice(FAMILY),
        "given_names": rng.choice(GIVEN),
        "date_of_birth": born,
        "address": f"{rng.randint(1, 240)} {rng.choice(STREETS)}\nNottingham",
        "postcode": rng.choice(POSTCODES),
        "pnc_id": fictional_pnc_id(rng) if rng.random() < 0.7 else None,
        "gender": rng.choice(["male", "male", "male", "female"]),
        "ethnicity": rng.choice(
            [
                "white_british",
                "white_british",
                "white_other",
                "black_caribbean",
                "asian_pakistani",
                "mixed_white_black_caribbean",
            ]
        ),
    }


def _save(ws: Workspace, episode_id: str, form_key: str, answers: dict) -> None:
    known = {f.key for f in FORMS[form_key].fields}
    clean = {k: v for k, v in answers.items() if v is not None and k in known}
    stored, version = forms_context.stored(form_key, clean)
    episodes.save_answers(ws, episode_id, form_key, stored, version)


def episode(
    ws: Workspace,
    rng: random.Random,
    arrived: datetime,
    person: dict,
    worker: str,
    stage: int,
    positive: bool | None = None,
) -> str:
    episode_id = episodes.new_episode(ws)
    resident = rng.random() > 0.15
    offence = rng.choice(OFFENCES)
    _save(
        ws,
        episode_id,
        "custody_episode",
        {
            **person,
            "custody_record_number": f"52/{rng.randint(10000, 99999)}/{arrived:%y}",
            "arrived_at": arrived,
            "arrest_offences": [offence],
            "resident_in_area": resident,
            "cjit_of_residence": None if resident else rng.choice(ELSEWHERE),
        },
    )
    if stage < 1:
        return episode_id
    _save(
        ws,
        episode_id,
        "target_testing",
        {
            "prison_production": False,
            "subject_to_drr": False,
            "arrest_relates_to_class_a": offence.startswith("mda"),
            "positive_test_last_12_months": False,
            "disclosed_class_a_use": rng.random() < 0.4,
            "pnc_marker_or_possession_conviction": rng.random() < 0.3,
            "withdrawal_medication_or_request": rng.random() < 0.2,
            "first_adult_trigger_offence_arrest": rng.random() < 0.2,
            "cjit_requests_test": True,
        },
    )
    if stage < 2:
        return episode_id
    tested = min(arrived + timedelta(minutes=rng.randint(20, 90)), ws.now() - timedelta(minutes=5))
    positive = rng.random() < POSITIVE_RATE if positive is None else positive
    results = {
        "opiates": "positive" if positive and rng.random() < 0.7 else "negative",
        "cocaine": "positive" if positive and rng.random() < 0.6 else "negative",
    }
    if positive and "positive" not in results.values():
        results["opiates"] = "positive"
    _save(
        ws,
        episode_id,
        "dt1",
        {
            "test_outcome": "completed",
            "tested_at": tested,
            "tested_by": f"DO {rng.randint(1000, 9999)}",
            "results": results,
            "disputed": False,
            "authority": "trigger_offence",
            "other_substances": rng.sample(
                ["alcohol", "cannabis", "amphetamine"], rng.randint(0, 2)
            )
            or None,
            "court_file_indicator": positive,
        },
    )
    if stage < 3:
        return episode_id
    if positive:
        _ra1(ws, episode_id, tested, resident, worker, printed=stage > 3 or rng.random() < 0.7)
    else:
        _save(
            ws,
            episode_id,
            "annex_e",
            {
                "volunteered": rng.random() < 0.5,
                "behaviour": True,
                "previous_drug_misuse": rng.random() < 0.5,
            },
        )
    return episode_id


def _initial_appointment(tested: datetime, resident: bool) -> datetime:
    """A slot at the assessing CJIT's office (09:00-17:00 on a working day) in the window."""
    from app.forms.rules import initial_assessment_window, is_working_day

    earliest, latest = initial_assessment_window(tested, resident_in_area=resident, disputed=False)
    day = earliest
    while day <= latest:
        if is_working_day(day):
            slot = datetime.combine(day, time(14, 0), tzinfo=LONDON)
            later = (tested + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
            slot = max(slot, later)
            local = slot.astimezone(LONDON)
            if local.time() < time(17, 0) and local.date() == day:
                return slot
        day += timedelta(days=1)
    return datetime.combine(latest, time(14, 0), tzinfo=LONDON)


def _ra1(
    ws: Workspace, episode_id: str, tested: datetime, resident: bool, worker: str, printed: bool
) -> None:
    ra1_draft(ws, episode_id, tested, resident, worker)
    try:
        issued = notices.issue_notice(ws, episode_id, "ra1")
    except Exception:  # noqa: BLE001 - a demo RA1 that fails a rule stays a draft to show that too
        return
    if printed:
        notices.record_print(ws, issued.id)


def ra1_draft(
    ws: Workspace, episode_id: str, tested: datetime, resident: bool, worker: str
) -> None:
    """An RA1 ready to issue for a positive test (the benchmarks issue it through the window)."""
    stored = episodes.load_episode(ws, episode_id).answers
    typed = forms_context.typed_episode(stored)
    cjit = "nottingham" if resident else typed["custody_episode"].get("cjit_of_residence")
    ctx = forms_context.context(ws, typed)
    appointment = _initial_appointment(tested, resident)
    answers = {
        **FORMS["ra1"].defaults(ctx),
        "requirement_made": True,
        "appointment_at": appointment,
        "assessing_cjit": cjit,
        "follow_up_required_if_assessor_requires": True,
        "copies": ["detainee", "custody_record", "cjit"],
        "given_by": worker,
        # never in the future: just after midnight "today's" tests are minutes old
        "given_at": min(tested + timedelta(minutes=40), ws.now()),
    }
    _save(ws, episode_id, "ra1", answers)


def fill(
    ws: Workspace, *, episodes_today: int = 12, history_episodes: int = 40, seed: int = 2026
) -> int:
    """Fill a store with a worked shift (today) and some history; returns episodes made."""
    rng = random.Random(seed)
    now = ws.now()
    people = [fictional_person(rng, now.date()) for _ in range(max(8, history_episodes // 2))]
    made = 0
    for i in range(history_episodes):
        arrived = datetime.combine(
            now.date() - timedelta(days=rng.randint(3, 300)),
            time(rng.randint(0, 23), rng.randint(0, 59)),
            tzinfo=LONDON,
        )
        episode_id = episode(ws, rng, arrived, people[i % len(people)], "Alex Morgan", 4)
        episodes.close_episode(ws, episode_id)
        made += 1
    # Today's arrivals from 00:30, or over the last six hours when it is not yet 06:30 (a
    # shift shown just after midnight must not have arrivals still to come).
    start = min(datetime.combine(now.date(), time(0, 30), tzinfo=LONDON), now - timedelta(hours=6))
    span = max(1, int((now - start).total_seconds() // 60))
    for i in range(episodes_today):
        arrived = start + timedelta(minutes=rng.randint(0, span))
        person = people[i] if i < 3 else fictional_person(rng, now.date())  # some are known
        # A shift always shows each kind of case: positives with their RA1, an RA1 still to do.
        forced = {3: True, 6: True, 7: True}.get(i)
        episode(ws, rng, arrived, person, "Sam Patel", stage=i % 4, positive=forced)
        made += 1
    return made
