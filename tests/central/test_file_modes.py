"""Issue 15.6: the central store's SQLite file (names, PNC IDs, addresses) and its folder are
created owner-only, whatever the umask; a file others could read is made owner-only."""

from __future__ import annotations

import os
import stat

import pytest

from central.__main__ import main
from central.db import make_engine, migrate
from tests.central.helpers import Enroller, person

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)  # the common default that made the file 0644 in a 0755 folder
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_default_data_folder_and_database_file_are_owner_only(tmp_path, loose_umask, capsys):
    data_dir = tmp_path / "cjit-central"
    assert main(["enrol-code", "--suite", "bridewell", "--data-dir", str(data_dir)]) == 0
    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "central.db") == 0o600


def test_the_journal_files_written_while_serving_are_owner_only(tmp_path, loose_umask):
    from fastapi.testclient import TestClient

    from central.api import create_app

    engine = make_engine(f"sqlite:///{tmp_path / 'store' / 'central.db'}")
    migrate(engine)
    with TestClient(create_app(engine)) as client:
        Enroller(client, engine)().push(person())
        journals = [tmp_path / "store" / f"central.db-{end}" for end in ("wal", "shm")]
        assert all(j.exists() for j in journals)
        assert [_mode(j) for j in journals] == [0o600, 0o600]
    engine.dispose()


def test_a_database_file_others_could_read_is_made_owner_only(tmp_path, loose_umask, caplog):
    folder = tmp_path / "old"
    folder.mkdir(mode=0o755)
    (folder / "central.db").touch(mode=0o644)
    os.chmod(folder / "central.db", 0o644)
    make_engine(f"sqlite:///{folder / 'central.db'}").dispose()
    assert _mode(folder / "central.db") == 0o600
    assert "can be entered by other users" in caplog.text  # the folder it did not make: said
