"""Decision: one process at a time holds a data directory; the second gets a clear message."""

import subprocess
import sys
import textwrap

import pytest

from app.storage import store
from tests.storage.conftest import LEAD_PASS, WORKER_PASS


def test_a_second_process_is_told_the_store_is_in_use(data_dir):
    first = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        code = textwrap.dedent(f"""
            from pathlib import Path
            from app.storage import store
            try:
                store.open_store(Path({str(data_dir)!r}), "lead", {LEAD_PASS!r})
            except store.StoreInUse as exc:
                print("IN USE:", exc)
        """)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
        ).stdout
        assert "IN USE: CJIT Desk is already open with this data on this computer" in out
    finally:
        first.close()


def test_the_store_opens_again_once_the_first_process_closes(data_dir):
    store.open_store(data_dir, "ann", WORKER_PASS).close()
    code = (
        f"from pathlib import Path; from app.storage import store; "
        f"store.open_store(Path({str(data_dir)!r}), 'lead', {LEAD_PASS!r}).close(); print('OK')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "OK", out.stderr


def test_a_second_open_in_the_same_process_is_refused_too(data_dir):
    first = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        with pytest.raises(store.StoreInUse):
            store.open_store(data_dir, "lead", LEAD_PASS)
    finally:
        first.close()
