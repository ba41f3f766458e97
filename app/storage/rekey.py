"""Re-keying: a fresh database key and team-leader key, every remaining slot re-granted, the
database re-encrypted — crash-safe, so the database and the slot file never disagree.

The order (tests/storage/test_rekey_crash.py kills it before every step and during the
re-encryption):

1. keyslots.json gains grants of the new keys for every remaining slot *beside* the old ones,
   and loses the removed worker's slot (one atomic, durable write: the commit point);
2. ``PRAGMA rekey`` re-encrypts every page in one SQLite transaction, and a TRUNCATE checkpoint
   makes it durable: the database holds the old key or the new one, never a mix;
3. the database records the removal and the re-key (audit log);
4. keyslots.json drops the old grants.

Killed after 1, the next unlock finds both grants, opens the database with whichever key it
holds, and finishes 2 and 4 (``unlock._open_current``); the next team leader's sign-in finishes
3 (``unlock._reconcile``). Until 2 is done a removed worker's old copy of the slot file still
opens the database; that window is seconds, or until the next unlock after a crash.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select

from app.storage import audit, damage
from app.storage.engine import make_engine
from app.storage.folder import DB_NAME
from app.storage.keyslots import Keys
from app.storage.models import Worker, utcnow

log = logging.getLogger(__name__)


def _step(name: str) -> None:
    """A named point between the steps below: the crash tests kill the process at each."""


def reencrypt(data_dir: Path, old: Keys, new: Keys) -> None:
    """Every page under the new key, durably. The caller holds the store lock and no other
    connection is open."""
    engine = make_engine(data_dir / DB_NAME, old.db_key)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            _step("rekey: before PRAGMA rekey")
            cursor.execute(f"PRAGMA rekey = \"x'{new.db_key.hex()}'\"")
            _step("rekey: before the checkpoint")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _step("rekey: re-encrypted and durable")
            cursor.close()
        finally:
            raw.close()
    finally:
        engine.dispose()


def rekey(store, remove: str | None = None) -> int:  # noqa: ANN001 - a Store (cycle)
    """Returns the new key generation. The caller checked the team-leader key."""
    with store.gate.enter() as joined:  # no other unit of work while the keys change
        if joined is not None:
            raise RuntimeError("re-key inside a unit of work")
        return _rekey(store, remove)


def _rekey(store, remove: str | None) -> int:  # noqa: ANN001
    old = store.keys
    new = Keys.fresh(old.generation + 1)
    if remove:
        store.slots.remove_worker(remove, old.tl_key)
    store.slots.begin_rekey(new)
    store.slots.save()  # 1: the commit point
    store.engine.dispose()
    reencrypt(store.data_dir, old, new)  # 2
    engine = make_engine(store.data_dir / DB_NAME, new.db_key)
    damage.report_damage_as_damage(engine, store.data_dir / DB_NAME)
    store.use_engine(engine, new)
    store.opened.keys = [new]
    with store.session() as s:  # 3
        if remove:
            worker = s.scalar(select(Worker).where(Worker.username == remove, Worker.active))
            if worker is not None:
                worker.active, worker.removed_at = False, utcnow()
                audit.record(
                    s,
                    store.worker,
                    "administration",
                    "worker",
                    worker.id,
                    detail={"event": "worker_removed"},
                )
        audit.record(
            s,
            store.worker,
            "administration",
            "store",
            None,
            reason=f"worker {remove} removed" if remove else "re-key on request",
            detail={
                "event": "store_rekeyed",
                "generation": new.generation,
                "tl_key": store.slots.tl_fingerprint,
            },
        )
    store.slots.finish_rekey()
    store.slots.save()  # 4
    log.warning("store re-keyed to generation %d", new.generation)
    return new.generation
