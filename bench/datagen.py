"""Realistic fictional stores of any size, fast.

A real store is made with the real code (``store.initialise``: Argon2id key slots, SQLCipher,
Alembic), then filled with bulk inserts through SQLAlchemy core inside one transaction. The rows are
shaped exactly as the services make them (``app.services.episodes`` / ``notices``): person search
keys from ``text_keys.name_key``, form answers from ``FORMS[k].to_json`` (via
``forms_context.stored``), one version row per form record, a hash-chained audit log with the
events the services write (episode created, form collected, notice issued/printed, episode closed).

Every name, date, PNC ID and custody number is invented. Tests are positive at about 30 %
(Nottingham saw 25-35 %, 000 Figure 4); a positive test gets an issued RA1 with its appointment,
a negative one an Annex E checklist, as in ``app.demo``.

    python -m bench.datagen DIR --people 100000 --episodes 120000
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from app.config import Settings
from app.demo import ELSEWHERE, OFFENCES, POSITIVE_RATE
from app.demo import fictional_person as demo_person
from app.forms.registry import FORMS
from app.services import forms_context
from app.services import workspace as wsm
from app.services.text_keys import name_key
from app.storage import audit
from app.storage.models import (
    Appointment,
    AuditEvent,
    CustodyEpisode,
    FormRecord,
    FormRecordVersion,
    Notice,
    NoticePrint,
    Person,
)

LEAD = ("lead", "Lee Leader", "lead passphrase 1")
WORKER = ("ann", "Ann Worker", "worker passphrase 2")

# Family names with roughly the skew of a city's custody population (a few very common names,
# a long tail), including accents, apostrophes, hyphens and letters NFKD cannot strip (ł).
FAMILY_COMMON = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Wood", "Jackson", "Clarke", "Khan", "Hussain", "Ali", "Ahmed", "Shaw", "Lloyd", "Hughes",
]  # fmt: skip
FAMILY_TAIL = [
    "Abbott", "Barker", "Chambers", "Doherty", "Ellis", "Fletcher", "Gallagher", "Iqbal",
    "Kowalski", "Mahmood", "Nolan", "O'Connor", "Quinn", "Reynolds", "Usher", "Vaughan", "Walsh",
    "Young", "Zielinski", "Brennan", "Cartwright", "Dunmore", "Whitworth", "Okafor", "Mensah",
    "Nowak", "Wójcik", "Lewandowski", "Kamińska", "Müller", "Núñez", "Doğan", "Ó Briain",
    "Mac Gearailt", "Ní Bhriain", "Le Bœuf", "Bañuelos", "Gonçalves", "Ferreira", "Popescu",
    "Horváth", "Dvořák", "Søndergaard", "Åberg", "Éclair", "Hernández", "Rodríguez", "Pérez",
    "Smith-Jones", "Bailey-Hart", "Owusu", "Asante", "Boateng", "Adeyemi", "Nwosu", "Begum",
    "Chowdhury", "Rahman", "Miah", "Singh", "Kaur", "Sharma", "Gill", "Sandhu", "Bains", "Nguyen",
    "Tran", "Chen", "Wong", "Murphy", "Kelly", "O'Brien", "Byrne", "McCarthy", "McDonald",
    "Campbell", "Stewart", "Morrison", "Kerr", "Baxter", "Marsh", "Pearson", "Bradley", "Holmes",
    "Atkinson", "Brooks", "Cooper", "Dixon", "Fox", "Gibson", "Harrison", "Ingram", "Jarvis",
    "Kirk", "Lambert", "Mason", "Newton", "Oliver", "Parkin", "Rowe", "Slater", "Tomlinson",
    "Upton", "Varley", "Webster", "Yates", "Bęben", "Łukasik", "Żak", "Štěpánek", "Ćosić",
]  # fmt: skip
GIVEN = [
    "Aaron", "Bethany", "Callum", "Danielle", "Ellis", "Fiona", "Gary", "Hayley", "Imran", "Jade",
    "Kyle", "Leanne", "Marcus", "Nicola", "Owen", "Paige", "Reece", "Stacey", "Tyler", "Vicky",
    "Wayne", "Zoë", "Connor", "Shannon", "Jordan", "Kerry-Ann", "Liam", "Chantelle", "Jamie",
    "Lee", "Dean", "Craig", "Darren", "Kelly", "Lisa", "Michelle", "Sarah", "Emma", "Chloé",
    "Renée", "José", "Siân", "Niamh", "Seán", "Bartłomiej", "Łukasz", "Zofia", "Mohammed",
    "Mohammad", "Aisha", "Fatima", "Yusuf", "Kwame", "Ama", "Chidi", "Tomás", "Inês", "Björn",
    "Ciarán", "Aoife", "Dáithí", "Ryan", "Nathan", "Kieran", "Shane", "Stephen", "Paul", "Mark",
    "David", "John", "James", "Daniel", "Thomas", "Joshua", "Jack", "Charlie", "Amy", "Holly",
]  # fmt: skip
MIDDLE = ["", "", "", "", " James", " Marie", " Louise", " Lee", " John", " Ann", " Jo"]


@dataclass
class Counts:
    people: int = 0
    episodes: int = 0
    forms: int = 0
    versions: int = 0
    notices: int = 0
    audit_events: int = 0
    positives: int = 0
    tested: int = 0
    seconds: float = 0.0


def _family(rng: random.Random) -> str:
    return rng.choice(FAMILY_COMMON) if rng.random() < 0.35 else rng.choice(FAMILY_TAIL)


def fictional_person(rng: random.Random, today: date) -> dict:
    """The demo's fictional person, with the wider name lists a 100,000-person store needs."""
    person = demo_person(rng, today)
    person["family_name"] = _family(rng)
    person["given_names"] = rng.choice(GIVEN) + rng.choice(MIDDLE)
    return person


def _iso(dt: datetime) -> datetime:
    # Python values, bound through the models' own column types (UTCDateTime, JSON, Date), so
    # the stored text is byte-for-byte what the ORM writes.
    return dt.astimezone(UTC)


def _stored(form_key: str, answers: dict) -> tuple[dict, int]:
    known = {f.key for f in FORMS[form_key].fields}
    clean = {k: v for k, v in answers.items() if v is not None and k in known}
    return forms_context.stored(form_key, clean)


class _Writer:
    """Collects rows per table (as the ORM would write them) and the audit chain."""

    def __init__(self, worker_id: str, username: str, prev_hash: str, start_seq: int):
        self.worker_id, self.username = worker_id, username
        self.prev, self.seq = prev_hash, start_seq
        self.unsynced = False
        self.rows: dict[type, list[dict]] = {
            m: []
            for m in (Person, CustodyEpisode, FormRecord, FormRecordVersion, Notice,
                      NoticePrint, Appointment, AuditEvent)
        }  # fmt: skip

    def audit(self, at: datetime, action: str, rtype: str, rid: str, detail: dict) -> None:
        eid, at = str(uuid.uuid4()), _iso(at)
        digest = audit.digest_of(
            self.prev, eid, at, self.worker_id, self.username, action, rtype, rid, None, detail
        )
        self.seq += 1
        self.rows[AuditEvent].append(
            dict(seq=self.seq, id=eid, at=at, actor_id=self.worker_id, actor=self.username,
                 action=action, record_type=rtype, record_id=rid, reason=None,
                 detail=detail, prev_hash=self.prev, hash=digest,
                 sync_state="synced")
        )  # fmt: skip
        self.prev = digest

    def form(self, episode_id: str, key: str, answers: dict, at: datetime, status: str) -> str:
        doc, version = _stored(key, answers)
        rid = str(uuid.uuid4())
        self.rows[FormRecord].append(
            dict(id=rid, episode_id=episode_id, form_key=key, form_version=version, answers=doc,
                 status=status, updated_at=_iso(at), updated_by=self.worker_id,
                 sync_state="synced", local_rev=1, server_rev=1)
        )  # fmt: skip
        self.rows[FormRecordVersion].append(
            dict(id=str(uuid.uuid4()), form_record_id=rid, rev=1, answers=doc, saved_at=_iso(at),
                 saved_by=self.worker_id)
        )  # fmt: skip
        self.audit(at, "collection", "form", rid, {"form": key, "episode_id": episode_id})
        return rid


def _episode(
    w: _Writer, rng: random.Random, person_id: str, person: dict, arrived: datetime,
    ra1_defaults: dict, counts: Counts, closed: bool,
) -> None:  # fmt: skip
    eid = str(uuid.uuid4())
    resident = rng.random() > 0.15
    offence = rng.choice(OFFENCES)
    crn = f"52/{rng.randint(10000, 99999)}/{arrived:%y}"
    w.audit(arrived, "collection", "custody_episode", eid, {"event": "episode_created"})
    at = arrived + timedelta(minutes=5)
    w.form(eid, "custody_episode", {
        **person, "custody_record_number": crn, "arrived_at": arrived,
        "arrest_offences": [offence], "resident_in_area": resident,
        "cjit_of_residence": None if resident else rng.choice(ELSEWHERE),
    }, at, "draft")  # fmt: skip
    w.form(eid, "target_testing", {
        "prison_production": False, "subject_to_drr": False,
        "arrest_relates_to_class_a": offence.startswith("mda"),
        "positive_test_last_12_months": False, "disclosed_class_a_use": rng.random() < 0.4,
        "pnc_marker_or_possession_conviction": rng.random() < 0.3,
        "withdrawal_medication_or_request": rng.random() < 0.2,
        "first_adult_trigger_offence_arrest": rng.random() < 0.2, "cjit_requests_test": True,
    }, at + timedelta(minutes=5), "draft")  # fmt: skip
    last = "target_testing"
    if rng.random() < 0.9:  # tested (the rest refused or not yet)
        counts.tested += 1
        tested = arrived + timedelta(minutes=rng.randint(20, 90))
        positive = rng.random() < POSITIVE_RATE
        counts.positives += positive
        results = {
            "opiates": "positive" if positive and rng.random() < 0.7 else "negative",
            "cocaine": "positive" if positive and rng.random() < 0.6 else "negative",
        }
        if positive and "positive" not in results.values():
            results["opiates"] = "positive"
        w.form(eid, "dt1", {
            "test_outcome": "completed", "tested_at": tested,
            "tested_by": f"DO {rng.randint(1000, 9999)}", "results": results, "disputed": False,
            "authority": "trigger_offence",
            "other_substances": rng.sample(["alcohol", "cannabis", "amphetamine"],
                                           rng.randint(0, 2)) or None,
            "court_file_indicator": positive,
        }, tested, "draft")  # fmt: skip
        last = "dt1"
        if positive:
            _ra1(w, rng, eid, tested, resident, ra1_defaults, counts)
            last = "ra1"
        else:
            w.form(eid, "annex_e", {
                "volunteered": rng.random() < 0.5, "behaviour": True,
                "previous_drug_misuse": rng.random() < 0.5,
            }, tested + timedelta(minutes=30), "draft")  # fmt: skip
            last = "annex_e"
    end = arrived + timedelta(hours=3)
    if closed:
        w.audit(end, "alteration", "custody_episode", eid, {"event": "episode_closed"})
    w.rows[CustodyEpisode].append(
        dict(id=eid, person_id=person_id, custody_record_number=crn, arrived_at=_iso(arrived),
             status="closed" if closed else "open", current_step=last, created_at=_iso(arrived),
             created_by=w.worker_id, updated_at=_iso(end), closed_at=_iso(end) if closed else None,
             sync_state="synced", local_rev=6, server_rev=6)
    )  # fmt: skip
    counts.episodes += 1


def _ra1(w, rng, eid, tested, resident, defaults, counts) -> None:
    appointment = (tested + timedelta(days=rng.randint(1, 5))).replace(hour=14, minute=0)
    given = tested + timedelta(minutes=40)
    answers = {
        **defaults, "requirement_made": True, "appointment_at": appointment,
        "assessing_cjit": "nottingham" if resident else rng.choice(ELSEWHERE),
        "follow_up_required_if_assessor_requires": True,
        "copies": ["detainee", "custody_record", "cjit"], "given_by": "Sam Patel",
        "given_at": given,
    }  # fmt: skip
    rid = w.form(eid, "ra1", answers, given, "issued")
    nid = str(uuid.uuid4())
    reference = f"RA1-{given:%y%m%d}-{rng.randrange(16**6):06X}-{counts.notices}"
    doc = w.rows[FormRecord][-1]["answers"]
    content = {"kind": "ra1", "form": {"form": "ra1", "version": FORMS["ra1"].version,
               "answers": doc}, "issued_at": given.isoformat(), "issued_by": "Sam Patel",
               "reference": reference}  # fmt: skip
    w.rows[Notice].append(
        dict(id=nid, episode_id=eid, kind="ra1", reference=reference, form_record_id=rid,
             varies_notice_id=None, content=content, pdf=None, issued_at=_iso(given),
             issued_by=w.worker_id, sync_state="synced", local_rev=1, server_rev=1)
    )  # fmt: skip
    w.rows[Appointment].append(
        dict(id=str(uuid.uuid4()), episode_id=eid, kind="initial", at=_iso(appointment),
             place=answers.get("place") or "", cjit_id=answers["assessing_cjit"], notice_id=nid,
             status="booked", sync_state="synced", local_rev=1, server_rev=1)
    )  # fmt: skip
    w.audit(given, "collection", "notice", nid, {"event": "notice_issued", "kind": "ra1"})
    w.rows[NoticePrint].append(
        dict(id=str(uuid.uuid4()), notice_id=nid, kind="print", at=_iso(given), by=w.worker_id)
    )
    w.audit(given, "disclosure", "notice", nid, {"event": "print", "kind": "ra1"})
    counts.notices += 1


def _flush(conn, w: _Writer, counts: Counts) -> None:
    for model, rows in w.rows.items():
        if rows and w.unsynced:  # never sent: the outbox of a shift not yet synced
            for r in rows:
                if "sync_state" in r:
                    r["sync_state"] = "pending"
                if "server_rev" in r:
                    r.update(server_rev=None, local_rev=1)
        if rows:
            conn.execute(insert(model.__table__), rows)
            if model is FormRecord:
                counts.forms += len(rows)
            elif model is FormRecordVersion:
                counts.versions += len(rows)
            elif model is AuditEvent:
                counts.audit_events += len(rows)
            rows.clear()


def create_store(data_dir: Path) -> wsm.Workspace:
    """A fresh store with a team leader and a worker, unlocked as the worker."""
    settings = Settings(data_dir=data_dir)
    ws, _ = wsm.set_up(settings, *LEAD)
    ws.store.add_worker(WORKER[0], WORKER[1], WORKER[2])
    ws.close()
    return wsm.unlock(settings, WORKER[0], WORKER[2])


def fill(
    ws: wsm.Workspace,
    people: int,
    episodes: int,
    seed: int = 2026,
    open_today: int = 15,
    unsynced: bool = False,
    history_days: int = 3 * 365,
) -> Counts:
    """Bulk-fill an unlocked store: ``people`` people, ``episodes`` episodes (>= people), the
    newest ``open_today`` of which arrived today and are still open. ``unsynced``: every row
    still in the outbox (pending, no server rev) — a shift about to be synced (the burst)."""
    episodes = max(episodes, people)
    rng = random.Random(seed)
    counts = Counts()
    started = time.perf_counter()
    now = ws.now()
    today = now.date()
    ra1_defaults = FORMS["ra1"].defaults(forms_context.context(ws, {}))
    # Repeat arrests: every person has one episode, some have several (a long tail).
    extra = [rng.randrange(people) for _ in range(episodes - people)]
    with ws.store.engine.begin() as conn:
        row = conn.execute(
            AuditEvent.__table__.select().order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
        w = _Writer(
            ws.worker.id,
            ws.worker.username,
            row.hash if row else audit.GENESIS,
            row.seq if row else 0,
        )
        w.unsynced = unsynced
        per_person: dict[int, int] = {}
        for i in extra:
            per_person[i] = per_person.get(i, 0) + 1
        made = 0
        for i in range(people):
            p = fictional_person(rng, today)
            pid = str(uuid.uuid4())
            w.rows[Person].append(
                dict(id=pid, family_name=p["family_name"], given_names=p["given_names"],
                     date_of_birth=p["date_of_birth"], pnc_id=p["pnc_id"],
                     postcode=p["postcode"], family_key=name_key(p["family_name"]),
                     given_key=name_key(p["given_names"]), updated_at=_iso(now),
                     sync_state="synced", local_rev=2, server_rev=2)
            )  # fmt: skip
            counts.people += 1
            for _ in range(1 + per_person.get(i, 0)):
                made += 1
                is_today = made > episodes - open_today
                if is_today:
                    arrived = now - timedelta(minutes=rng.randint(10, 8 * 60))
                else:
                    arrived = now - timedelta(
                        days=rng.randint(1, history_days), minutes=rng.randint(0, 1439)
                    )
                _episode(w, rng, pid, p, arrived, ra1_defaults, counts, closed=not is_today)
            if len(w.rows[AuditEvent]) > 20000:
                _flush(conn, w, counts)
        _flush(conn, w, counts)
    counts.seconds = time.perf_counter() - started
    return counts


def make(data_dir: Path, people: int, episodes: int, seed: int = 2026) -> Counts:
    ws = create_store(data_dir)
    try:
        counts = fill(ws, people, episodes, seed)
    finally:
        ws.close()
    (data_dir / "bench-store.json").write_text(json.dumps(counts.__dict__, indent=1))
    return counts


def cached(root: Path, people: int, episodes: int, seed: int = 2026) -> Path:
    """A generated store under ``root`` (made once, reused; bench/out is gitignored)."""
    data_dir = root / f"store-{people}p-{episodes}e-s{seed}"
    if not (data_dir / "bench-store.json").exists():
        if data_dir.exists():
            import shutil

            shutil.rmtree(data_dir)
        make(data_dir, people, episodes, seed)
    return data_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.datagen")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    counts = make(args.data_dir, args.people, args.episodes, args.seed)
    print(json.dumps(counts.__dict__, indent=1))
    print(f"workers: {LEAD[0]!r} / {LEAD[2]!r}, {WORKER[0]!r} / {WORKER[2]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
