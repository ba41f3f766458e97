"""Save an edited episode (all its forms), SQLCipher against the same ORM writes to plain SQLite.

Both stores hold the same generated history (``bench.common.SMALL``), so their indexes are the
same size. One "save" is what the episode page does when a worker has edited every form of an
open episode: ``episodes.save_answers`` for custody_episode, target_testing, dt1 and ra1 (draft),
each its own unit of work as the services make it, with one answer changed in each.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from sqlalchemy import select

from bench.common import OUT, SMALL, Row, ms, summary
from bench.datagen import WORKER, fill

TARGET = 1.2
FORMS_EDITED = ("custody_episode", "target_testing", "dt1", "ra1")
EDITS = {  # one answer per form that a worker might correct
    "custody_episode": ("address", lambda i: f"{i % 240 + 1} Alfreton Road\nNottingham"),
    "target_testing": ("disclosed_class_a_use", lambda i: bool(i % 2)),
    "dt1": ("tested_by", lambda i: f"DO {1000 + i}"),
    "ra1": ("given_by", lambda i: f"Sam Patel ({i})"),
}


def _plain_template() -> Path:
    from bench.plain import plain_workspace

    template = OUT / f"plain-{SMALL[0]}p-{SMALL[1]}e"
    if not (template / "done").exists():
        if template.exists():
            shutil.rmtree(template)
        ws = plain_workspace(template)
        fill(ws, *SMALL)
        ws.close()
        (template / "done").write_text("ok")
    return template


def _source_answers(ws) -> dict[str, dict]:
    from app.storage.models import FormRecord

    with ws.store.session() as s:
        ra1 = s.scalars(select(FormRecord).where(FormRecord.form_key == "ra1").limit(1)).one()
        records = s.scalars(select(FormRecord).where(FormRecord.episode_id == ra1.episode_id))
        return {r.form_key: dict(r.answers) for r in records if r.form_key in FORMS_EDITED}


def _prepare(ws) -> tuple[str, dict[str, dict]]:
    from app.services import episodes

    answers = _source_answers(ws)
    episode_id = episodes.new_episode(ws)
    for key in FORMS_EDITED:
        episodes.save_answers(ws, episode_id, key, answers[key])
    return episode_id, answers


def _save(ws, episode_id: str, answers: dict[str, dict], i: int) -> float:
    from app.services import episodes

    edited = {}
    for key in FORMS_EDITED:
        field, value = EDITS[key]
        edited[key] = {**answers[key], field: value(i)}
    start = time.perf_counter()
    for key in FORMS_EDITED:
        episodes.save_answers(ws, episode_id, key, edited[key])
    return time.perf_counter() - start


def run(data_dir: Path, runs: int = 60) -> Row:
    from app.config import Settings
    from app.services import workspace as wsm
    from bench.plain import plain_workspace  # noqa: F401  (the seam, imported for the template)

    row = Row("save", "save an edited episode (all forms), p50/p95",
              f"<= {TARGET}x plain SQLite (p50 and p95)")  # fmt: skip
    cipher_dir, plain_dir = OUT / "save-cipher", OUT / "save-plain"
    for target, source in ((cipher_dir, data_dir), (plain_dir, _plain_template())):
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)
    cipher = wsm.unlock(Settings(data_dir=cipher_dir), WORKER[0], WORKER[2])
    plain = _reopen_plain(plain_dir)
    try:
        c_ep, c_ans = _prepare(cipher)
        p_ep, p_ans = _prepare(plain)
        for i in range(5):  # warm both (statement caches, page cache); not counted
            _save(cipher, c_ep, c_ans, i), _save(plain, p_ep, p_ans, i)
        ours, base = [], []
        for i in range(runs):
            pair = [(cipher, c_ep, c_ans, ours), (plain, p_ep, p_ans, base)]
            for ws, ep, ans, samples in pair if i % 2 == 0 else pair[::-1]:
                samples.append(ms(_save(ws, ep, ans, 100 + i)))
    finally:
        cipher.close()
        plain.close()
    o, b = summary(ours), summary(base)
    row.ours, row.baseline = o["median"], b["median"]
    p95_ratio = o["p95"] / b["p95"]
    row.detail = {"sqlcipher_ms": o, "plain_sqlite_ms": b, "p95_ratio": p95_ratio,
                  "forms_per_save": list(FORMS_EDITED), "runs": runs}  # fmt: skip
    return row.finish(o["median"] <= TARGET * b["median"] and p95_ratio <= TARGET)


def _reopen_plain(data_dir: Path):
    import filelock

    from app.config import Settings
    from app.services.workspace import Workspace
    from app.storage import audit, migrate
    from app.storage.models import Worker
    from app.storage.store import Store
    from bench.plain import plain_engine

    engine = plain_engine(data_dir / "plain.db")
    migrate.upgrade(engine)
    lock = filelock.FileLock(str(data_dir / "cjit.lock"), timeout=0)
    lock.acquire()
    store = Store(data_dir, engine, b"", None, audit.SYSTEM, "worker", lock)  # type: ignore[arg-type]
    with store.session() as s:
        worker = s.scalars(select(Worker).where(Worker.username == WORKER[0])).one()
        store.worker = audit.Actor(worker.id, worker.username)
    return Workspace(Settings(data_dir=data_dir), store)
