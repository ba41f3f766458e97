import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.storage import keyslots, store

LEAD_PASS = "lead passphrase 1"
WORKER_PASS = "worker passphrase 2"
PAGE = 4096  # SQLCipher's page
FRAME = 24 + PAGE  # a WAL frame: header and page
COMMITS = 20


@pytest.fixture(scope="session")
def _template(tmp_path_factory) -> tuple[Path, str]:
    # Argon2id is deliberately slow: build one store per session and copy it for each test.
    data_dir = tmp_path_factory.mktemp("template") / "data"
    opened, recovery_key = store.initialise(data_dir, "lead", "Team Lead", LEAD_PASS)
    opened.add_worker("ann", "Ann Worker", WORKER_PASS)
    opened.close()
    return data_dir, recovery_key


@pytest.fixture
def data_dir(_template, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(_template[0], target)
    return target


@pytest.fixture
def recovery_key(_template) -> str:
    return _template[1]


@pytest.fixture
def cheap_store(tmp_path, monkeypatch):
    monkeypatch.setitem(keyslots.ARGON2_PARAMS, "time_cost", 1)
    monkeypatch.setitem(keyslots.ARGON2_PARAMS, "memory_cost", 8192)
    monkeypatch.setitem(keyslots.ARGON2_PARAMS, "parallelism", 1)
    data_dir = tmp_path / "cheap"
    opened, _ = store.initialise(data_dir, "lead", "Lead", LEAD_PASS)
    opened.add_worker("ann", "Ann", WORKER_PASS)
    opened.close()
    return data_dir


def flip(path, offset) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x5A
    path.write_bytes(bytes(data))


def killed_after_commits(data_dir) -> None:
    """A process commits COMMITS people one by one, then is killed with SIGKILL: the commits
    are acknowledged, still in the journal, not yet in the database file."""
    code = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from app.storage import store
        from app.storage.models import Person
        opened = store.open_store(Path({str(data_dir)!r}), "ann", {WORKER_PASS!r})
        for i in range({COMMITS}):
            with opened.session() as s:
                s.add(Person(family_name=f"Committed {{i}}", given_names="x" * 900))
        print("committed", flush=True)
        time.sleep(120)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "committed"
    finally:
        proc.kill()
        proc.wait()
