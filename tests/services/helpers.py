"""A positive custody episode built through the services, step by step (issue 12 tests).

Tuesday 24 November 2026 (UK time = UTC in November): arrival 09:00, theft, a positive test
at 10:05 in duty hours, so the initial assessment window runs to Wednesday 25 November.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader
from sqlalchemy import func, select

from app.services import episodes, notices
from app.storage.models import Appointment, AuditEvent, FormRecord, Notice
from tests.services.conftest import save

AOT = "AOT, 24-30 Castle Gate, Nottingham NG1 7AT"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


PERSON = {
    "custody_record_number": "52/12345/26",
    "arrived_at": at(24, 9),
    "arrest_offences": ["theft"],
    "family_name": "Quinn",
    "given_names": "Owen",
    "date_of_birth": date(1990, 5, 17),
    "address": "1 High Street\nNottingham",
    "postcode": "NG1 1AA",
    "gender": "male",
    "ethnicity": "white_british",
    "resident_in_area": True,
}
POSITIVE = {
    "test_outcome": "completed",
    "tested_at": at(24, 10, 5),
    "tested_by": "DO 1",
    "results": {"opiates": "positive", "cocaine": "negative"},
    "disputed": False,
    "authority": "trigger_offence",
    "court_file_indicator": True,
}
RA1 = {
    "requirement_made": True,
    "appointment_at": at(24, 15),
    "assessing_cjit": "nottingham",
    "place": AOT,
    "follow_up_required_if_assessor_requires": True,
    "copies": ["detainee", "custody_record", "cjit"],
    "given_by": "PS Brown",
    "given_at": at(24, 10, 40),
}


def episode(ws, person=PERSON, dt1=POSITIVE) -> str:
    episode_id = episodes.new_episode(ws)
    save(ws, episode_id, "custody_episode", **person)
    if dt1 is not None:
        save(ws, episode_id, "dt1", **dt1)
    return episode_id


def issue(ws, episode_id: str, form_key: str, **answers) -> notices.IssuedNotice:
    save(ws, episode_id, form_key, **answers)
    return notices.issue_notice(ws, episode_id, form_key)


def pdf_text(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def counts(ws) -> dict[str, int]:
    """What an issue would have written: notices, issued records, appointments, audit."""
    with ws.store.session() as s:
        return {
            "notices": s.scalar(select(func.count()).select_from(Notice)),
            "issued": s.scalar(
                select(func.count()).select_from(FormRecord).where(FormRecord.status == "issued")
            ),
            "appointments": s.scalar(select(func.count()).select_from(Appointment)),
            "audit": s.scalar(select(func.count()).select_from(AuditEvent)),
        }
