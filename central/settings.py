"""Settings of the central service: command line > environment > defaults.

``CJIT_CENTRAL_DATABASE_URL`` selects the database (``postgresql+psycopg://…`` in production);
without it an embedded SQLite file ``central.db`` in the data directory is used so the service
runs with nothing installed. The data directory comes from ``--data-dir`` or
``CJIT_CENTRAL_DATA_DIR``, else the platform's user data directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_DATABASE_URL = "CJIT_CENTRAL_DATABASE_URL"
ENV_DATA_DIR = "CJIT_CENTRAL_DATA_DIR"


@dataclass(frozen=True)
class CentralSettings:
    data_dir: Path
    database_url: str

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("cjit-central", "CJIT"))


def load_settings(
    data_dir: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> CentralSettings:
    """Arguments are the command-line values (None = not given)."""
    environ = os.environ if environ is None else environ
    chosen_dir = data_dir or environ.get(ENV_DATA_DIR) or default_data_dir()
    directory = Path(os.path.expanduser(str(chosen_dir)))
    url = database_url or environ.get(ENV_DATABASE_URL)
    if not url:
        url = f"sqlite:///{directory / 'central.db'}"
    return CentralSettings(data_dir=directory, database_url=url)
