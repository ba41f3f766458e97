"""Issue 15.5: weak passphrases are refused with a reason; recovery-key guesses are throttled;
wrong tries are audited; deleting a file does not let a second process open the store."""

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select

from app.storage import store
from app.storage.keyslots import WrongPassphrase
from app.storage.models import AuditEvent
from app.storage.passphrase import WeakPassphrase, check_passphrase_strength
from app.storage.throttle import TooManyTries
from tests.storage.conftest import LEAD_PASS, WORKER_PASS


@pytest.mark.parametrize(
    ("passphrase", "why"),
    [
        ("aaaaaaaaaa", "Repeats"),
        ("Password123!", "commonly used password"),
        ("qwertyuiop", "common password"),
        ("custody2026!", "too easy to guess"),
    ],
)
def test_an_easily_guessed_passphrase_is_refused_with_the_reason(passphrase, why):
    with pytest.raises(WeakPassphrase, match=why) as caught:
        check_passphrase_strength(passphrase)
    assert "unrelated words" in str(caught.value)


def test_a_passphrase_made_of_the_workers_own_name_is_refused():
    with pytest.raises(WeakPassphrase):
        check_passphrase_strength("jsmithjsmith", ("j.smith", "John Smith"))


def test_a_few_unrelated_words_are_accepted():
    check_passphrase_strength("custody suite demo")
    check_passphrase_strength("lantern orbit pickle marsh")


def test_the_issues_passphrase_is_refused_at_set_up_and_when_adding_a_worker(tmp_path, data_dir):
    with pytest.raises(WeakPassphrase):
        store.initialise(tmp_path / "d", "lead", "Lead", "aaaaaaaaaa")
    assert not (tmp_path / "d" / "keyslots.json").exists()
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        with pytest.raises(WeakPassphrase):
            lead.add_worker("eve", "Eve", "aaaaaaaaaa")
        with pytest.raises(WeakPassphrase):
            lead.reset_passphrase("ann", "aaaaaaaaaa")
    finally:
        lead.close()
    store.open_store(data_dir, "ann", WORKER_PASS).close()  # nothing was changed


def test_recovery_key_guesses_are_throttled_like_passphrases(data_dir, recovery_key):
    for _ in range(3):
        with pytest.raises(WrongPassphrase, match="recovery key is wrong"):
            store.open_with_recovery_key(data_dir, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    with pytest.raises(TooManyTries):
        store.open_with_recovery_key(data_dir, recovery_key)


def test_wrong_tries_before_a_sign_in_are_in_the_audit_log(data_dir):
    for _ in range(2):
        with pytest.raises(WrongPassphrase):
            store.open_store(data_dir, "ann", "not ann's passphrase")
    ann = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        with ann.session() as s:
            last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last.detail == {"event": "signed_in", "wrong_tries_before": 2}
    finally:
        ann.close()


def test_deleting_the_lock_file_does_not_let_a_second_process_in(data_dir):
    first = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        (data_dir / "cjit.lock").unlink(missing_ok=True)  # what the issue's worker did
        code = textwrap.dedent(f"""
            from pathlib import Path
            from app.storage import store
            try:
                store.open_store(Path({str(data_dir)!r}), "lead", {LEAD_PASS!r}).close()
                print("OPENED")
            except store.StoreInUse:
                print("IN USE")
        """)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
        )
        assert out.stdout.strip() == "IN USE", out.stderr
    finally:
        first.close()
