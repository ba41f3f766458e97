"""The demo run behind ``make run``: demo data on first use, an embedded central store in a
child process when the central package is present, then the GUI."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from app.config import Settings
from app.storage import store

log = logging.getLogger(__name__)


def ensure_demo_data(settings: Settings) -> None:
    if store.is_initialised(settings.data_dir):
        return
    from app import demo
    from app.cli import DEMO_PASSPHRASE, DEMO_WORKER
    from app.services.workspace import Workspace

    opened, _recovery = store.initialise(
        settings.data_dir, DEMO_WORKER, "Demo Worker", DEMO_PASSPHRASE
    )
    try:
        demo.fill(Workspace(settings, opened))
    finally:
        opened.close()
    print(f"Demo data created in {settings.data_dir}.")


def run(settings: Settings, base: Path) -> int:
    from app.cli import DEMO_PASSPHRASE, DEMO_WORKER

    base.mkdir(parents=True, exist_ok=True)
    ensure_demo_data(settings)
    central = None
    try:
        from app import trial_central
    except ImportError:
        trial_central = None
    if trial_central is not None:
        central = trial_central.start(base, settings)
        settings = replace(settings, central_url=central.url)
    print(f"Sign in as '{DEMO_WORKER}' with the passphrase '{DEMO_PASSPHRASE}'.")
    from app.ui.main import run_gui

    try:
        return run_gui(settings)
    finally:
        if central is not None:
            central.stop()
