"""Issue 11.11: key-slot writes are atomic and durable (temp file in the same folder, fsync of
the file, rename, fsync of the folder), owner-only, and Windows-safe."""

import os
import stat
import subprocess
import sys
import textwrap

import pytest

from app.storage import fsutil, store
from app.storage.keyslots import KeySlotFile
from tests.storage.conftest import LEAD_PASS


def _record_calls(monkeypatch) -> list[tuple[str, str]]:
    # A power cut cannot be run here: what can be checked is that the syscalls that make a
    # rename durable are made, on the right objects, in the right order.
    calls: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        target = os.readlink(f"/proc/self/fd/{fd}")
        calls.append(("fsync", "folder" if os.path.isdir(target) else os.path.basename(target)))
        real_fsync(fd)

    def replace(src, dst):
        calls.append(("replace", f"{os.path.basename(src)} -> {os.path.basename(dst)}"))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_saving_the_key_slots_syncs_the_file_renames_it_then_syncs_the_folder(
    data_dir, monkeypatch
):
    slots = KeySlotFile.load(data_dir / "keyslots.json")
    calls = _record_calls(monkeypatch)
    slots.save()
    kinds = [c[0] for c in calls]
    assert kinds == ["fsync", "replace", "fsync"], calls
    temp = calls[0][1]
    assert temp.startswith(".keyslots.json.") and temp.endswith(".tmp")
    assert calls[1][1] == f"{temp} -> keyslots.json"
    assert calls[2][1] == "folder"


def test_adding_a_worker_writes_the_slot_file_durably_and_owner_only(data_dir, monkeypatch):
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        calls = _record_calls(monkeypatch)
        lead.add_worker("bo.new", "Bo New", "bo's passphrase")
    finally:
        lead.close()
    assert ("fsync", "folder") in calls and any(c[0] == "replace" for c in calls)
    mode = stat.S_IMODE((data_dir / "keyslots.json").stat().st_mode)
    assert mode == 0o600
    assert fsutil.leftover_temporaries(data_dir, "keyslots.json") == []


def test_a_process_killed_between_writing_and_renaming_leaves_the_old_slot_file(data_dir):
    before = (data_dir / "keyslots.json").read_bytes()
    code = textwrap.dedent(f"""
        import os, signal, sys
        from pathlib import Path
        from app.storage import store

        def hook(event, args):
            if event == "os.rename" and str(args[1]).endswith("keyslots.json"):
                os.kill(os.getpid(), signal.SIGKILL)

        opened = store.open_store(Path({str(data_dir)!r}), "lead", {LEAD_PASS!r})
        sys.addaudithook(hook)
        opened.add_worker("bo.new", "Bo New", "bo's passphrase")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert out.returncode == -9, out.stderr.decode()[-2000:]
    assert (data_dir / "keyslots.json").read_bytes() == before
    store.open_store(data_dir, "lead", LEAD_PASS).close()


def test_on_windows_a_rename_blocked_for_a_moment_is_retried(tmp_path, monkeypatch):
    # Windows refuses a rename over a file an antivirus holds open for a moment; here the
    # refusal is simulated, since this runs on Linux.
    monkeypatch.setattr(fsutil, "_WINDOWS", True)
    monkeypatch.setattr(fsutil.time, "sleep", lambda s: None)
    real_replace, refusals = os.replace, [2]

    def replace(src, dst):
        if refusals[0]:
            refusals[0] -= 1
            raise PermissionError(13, "Access is denied")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    fsutil.atomic_write(tmp_path / "f.json", b"new")
    assert (tmp_path / "f.json").read_bytes() == b"new" and refusals == [0]


def test_a_rename_that_keeps_failing_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(fsutil, "_WINDOWS", True)
    monkeypatch.setattr(fsutil.time, "sleep", lambda s: None)

    def replace(src, dst):
        raise PermissionError(13, "Access is denied")

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(PermissionError):
        fsutil.atomic_write(tmp_path / "f.json", b"new")
    assert list(tmp_path.iterdir()) == []
