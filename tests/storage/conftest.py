import shutil
from pathlib import Path

import pytest

from app.storage import store

LEAD_PASS = "lead passphrase 1"
WORKER_PASS = "worker passphrase 2"


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
