"""Issue 11.11 and 15.8: a damaged database, journal (WAL) or key slot is named as damage, with
what to do, and never taken for a wrong passphrase; a damaged journal never silently drops
saved work."""

import gc
import json
import random
import shutil

import pytest
from sqlalchemy import func, select, text

from app.storage import keyslots, store, wal
from app.storage.folder import load_slots
from app.storage.keyslots import KeySlotError, SlotDamaged, WrongPassphrase
from app.storage.models import Person
from app.storage.throttle import TooManyTries
from tests.storage.conftest import (
    COMMITS,
    FRAME,
    LEAD_PASS,
    PAGE,
    WORKER_PASS,
)
from tests.storage.conftest import (
    flip as _flip,
)
from tests.storage.conftest import (
    killed_after_commits as _killed_after_commits,
)


def _failures_counted(data_dir) -> int:
    path = data_dir / "unlock-attempts.json"
    if not path.exists():
        return 0
    return sum(e.get("failures", 0) for e in json.loads(path.read_text()).values())


def _read_everything(data_dir) -> None:
    """Ordinary reads that touch every page: each table in full, each index in full."""
    opened = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        with opened.session() as s:
            schema = s.execute(
                text(
                    "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"
                )
            ).all()
            for kind, name, table in schema:
                if kind == "table":
                    s.execute(text(f'SELECT * FROM "{table}"')).all()
                else:
                    columns = s.execute(text(f"PRAGMA index_info('{name}')")).all()
                    first = columns[0][2] if columns else None
                    if first:
                        s.execute(
                            text(f'SELECT "{first}" FROM "{table}" INDEXED BY "{name}" ORDER BY 1')
                        ).all()
    finally:
        opened.close()


# --- the database ----------------------------------------------------------------------------


def _vacuumed(data_dir) -> bytes:
    """The database with no free pages, closed (checkpointed): every page is in use."""
    opened = store.open_store(data_dir, "lead", LEAD_PASS)
    raw = opened.engine.raw_connection()
    try:
        raw.cursor().execute("VACUUM")
    finally:
        raw.close()
        opened.close()
    return (data_dir / "cjit.db").read_bytes()


def test_a_flipped_byte_in_any_page_is_damage_never_malformed_nor_a_wrong_passphrase(
    cheap_store,
):
    data_dir = cheap_store
    pristine = _vacuumed(data_dir)
    pages = len(pristine) // PAGE
    assert pages > 20
    superseded = 0
    for page in range(pages):
        gc.collect()  # the connection that met the damage is closed
        for leftover in ("cjit.db-wal", "cjit.db-shm"):
            (data_dir / leftover).unlink(missing_ok=True)
        (data_dir / "cjit.db").write_bytes(pristine)
        _flip(data_dir / "cjit.db", page * PAGE + 1000)
        damaged_page = (data_dir / "cjit.db").read_bytes()[page * PAGE : (page + 1) * PAGE]
        try:
            _read_everything(data_dir)
        except store.StoreDamaged as exc:
            message = str(exc)
            assert (
                "database is damaged" in message
                or "database on this workstation is damaged" in message
            ), (page, message)
            assert "Damaged store" in message and "malformed" not in message
            continue
        # Signing in rewrote this page (the audit log's): the newer copy replaced the damaged
        # one, so nothing was lost. Anything else would be damage kept silently.
        after = (data_dir / "cjit.db").read_bytes()[page * PAGE : (page + 1) * PAGE]
        assert after != damaged_page, f"page {page + 1}: damage neither reported nor repaired"
        superseded += 1
    assert superseded <= 4, superseded
    assert _failures_counted(data_dir) == 0


def test_a_database_cut_short_is_damage(data_dir):
    db = data_dir / "cjit.db"
    with db.open("r+b") as f:
        f.truncate(db.stat().st_size // 2)
    with pytest.raises(store.StoreDamaged, match="is damaged"):
        _read_everything(data_dir)


def test_a_damaged_first_page_is_damage_not_a_replaced_file(data_dir):
    _flip(data_dir / "cjit.db", 3)  # inside the salt
    with pytest.raises(
        store.StoreDamaged,
        match="damaged .its first page cannot be read.*not counted|damaged .its first page cannot be read",
    ):
        store.open_store(data_dir, "ann", WORKER_PASS)
    assert _failures_counted(data_dir) == 0


def test_a_database_from_another_set_up_is_named_as_a_swap(data_dir, tmp_path):
    other = tmp_path / "other"
    store.initialise(other, "lead", "Lead", LEAD_PASS)[0].close()
    shutil.copy(other / "cjit.db", data_dir / "cjit.db")
    with pytest.raises(store.StoreDamaged, match="come from different set-ups"):
        store.open_store(data_dir, "ann", WORKER_PASS)


def test_a_missing_database_is_named_and_no_empty_one_is_made(data_dir):
    (data_dir / "cjit.db").unlink()
    with pytest.raises(store.StoreDamaged, match="cjit.db is missing"):
        store.open_store(data_dir, "ann", WORKER_PASS)
    assert not (data_dir / "cjit.db").exists()


# --- the journal (WAL) -----------------------------------------------------------------------


@pytest.fixture
def killed_store(cheap_store):
    data_dir = cheap_store
    _killed_after_commits(data_dir)
    assert (data_dir / "cjit.db-wal").stat().st_size > 10 * FRAME
    return data_dir


def _people(data_dir) -> int:
    opened = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        with opened.session() as s:
            return s.scalar(select(func.count()).select_from(Person))
    finally:
        opened.close()


def test_an_undamaged_journal_after_a_kill_keeps_every_commit(killed_store):
    assert wal.check(killed_store / "cjit.db").problem is None
    assert _people(killed_store) == COMMITS


def test_flipped_or_cut_journals_are_reported_as_damage_and_left_untouched(killed_store, tmp_path):
    wal_path = killed_store / "cjit.db-wal"
    pristine = {
        n: (killed_store / n).read_bytes() for n in ("cjit.db", "cjit.db-wal", "cjit.db-shm")
    }
    committed = wal.check(killed_store / "cjit.db").valid_frames
    assert committed > 10
    rng = random.Random(15_8)
    for trial in range(25):
        for name, content in pristine.items():
            (killed_store / name).write_bytes(content)
        offset = rng.randrange(32 + 24, 32 + committed * FRAME - PAGE // 2)
        if trial % 2:
            _flip(wal_path, offset)
        else:
            with wal_path.open("r+b") as f:
                f.truncate(offset)
        damaged = wal_path.read_bytes()
        with pytest.raises(store.StoreDamaged, match="journal of the CJIT Desk database"):
            store.open_store(killed_store, "ann", WORKER_PASS)
        assert wal_path.read_bytes() == damaged, "the evidence must be left as it was"
    assert _failures_counted(killed_store) == 0


def test_a_damaged_journal_header_is_reported(killed_store):
    _flip(killed_store / "cjit.db-wal", 20)
    with pytest.raises(store.StoreDamaged, match="header is damaged"):
        store.open_store(killed_store, "ann", WORKER_PASS)


# --- the key slot file -----------------------------------------------------------------------


def test_a_flipped_byte_anywhere_in_the_slot_file_is_never_a_wrong_passphrase(cheap_store):
    path = cheap_store / "keyslots.json"
    pristine = path.read_bytes()
    outcomes: dict[str, int] = {}
    for offset in range(len(pristine)):
        path.write_bytes(pristine)
        _flip(path, offset)
        try:  # the path of every unlock up to the database: load, check, unwrap, throttle
            store.unwrap_throttled(cheap_store, load_slots(cheap_store), "ann", WORKER_PASS)
            outcome = "opened"
        except WrongPassphrase:
            pytest.fail(f"byte {offset}: damage reported as a wrong passphrase")
        except (store.StoreDamaged, KeySlotError) as exc:
            outcome = type(exc).__name__
            assert "Traceback" not in str(exc)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert _failures_counted(cheap_store) == 0
    # Most flips hit ann's or the other slots' checked fields or the JSON itself.
    assert outcomes.get("SlotDamaged", 0) > 50 and outcomes.get("StoreDamaged", 0) > 10, outcomes


def test_a_damaged_slot_names_the_damage_and_others_still_unlock(data_dir):
    path = data_dir / "keyslots.json"
    doc = json.loads(path.read_text())
    ann = next(s for s in doc["slots"] if s["name"] == "ann")
    ann["wrapped_private"] = ("B" if ann["wrapped_private"][0] != "B" else "C") + ann[
        "wrapped_private"
    ][1:]
    path.write_text(json.dumps(doc))
    for _ in range(5):
        with pytest.raises(SlotDamaged, match="key slot of 'ann'.*is damaged.*not a wrong"):
            store.open_store(data_dir, "ann", WORKER_PASS)
    assert _failures_counted(data_dir) == 0
    store.open_store(data_dir, "lead", LEAD_PASS).close()


def test_damage_never_counts_towards_the_lock_out(data_dir):
    path = data_dir / "keyslots.json"
    pristine = path.read_bytes()
    ann_slot = pristine.index(b'"name": "ann"')
    at = pristine.index(b'"wrapped_private"', ann_slot) + 20  # inside the base64 text
    damaged = bytearray(pristine)
    damaged[at] = ord("A") if damaged[at] != ord("A") else ord("B")
    path.write_bytes(bytes(damaged))
    for _ in range(5):
        with pytest.raises(SlotDamaged):
            store.open_store(data_dir, "ann", WORKER_PASS)
    path.write_bytes(pristine)  # IT restores the file from backup
    try:
        store.open_store(data_dir, "ann", WORKER_PASS).close()
    except TooManyTries:
        pytest.fail("damage was counted as wrong passphrases")


def test_an_unreadable_slot_file_says_it_is_damaged_and_what_to_do(data_dir):
    path = data_dir / "keyslots.json"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(store.StoreDamaged, match="keyslots.json is damaged.*restore keyslots.json"):
        store.open_store(data_dir, "ann", WORKER_PASS)


def test_a_damaged_recovery_slot_is_not_a_wrong_recovery_key(data_dir, recovery_key):
    path = data_dir / "keyslots.json"
    doc = json.loads(path.read_text())
    slot = next(s for s in doc["slots"] if s["name"] == keyslots.RECOVERY_SLOT)
    slot["salt"] = "A" + slot["salt"][1:] if slot["salt"][0] != "A" else "B" + slot["salt"][1:]
    path.write_text(json.dumps(doc))
    with pytest.raises(SlotDamaged, match="recovery key's slot .* is damaged"):
        store.open_with_recovery_key(data_dir, recovery_key)


def test_the_sign_in_window_opens_on_a_damaged_slot_file_and_signing_in_says_why(data_dir):
    from app.config import Settings
    from app.services import workspace

    path = data_dir / "keyslots.json"
    path.write_bytes(path.read_bytes()[:100])
    settings = Settings(data_dir=data_dir)
    assert workspace.known_workers(settings) == []
    with pytest.raises(store.StoreDamaged, match="keyslots.json is damaged"):
        workspace.unlock(settings, "ann", WORKER_PASS)
