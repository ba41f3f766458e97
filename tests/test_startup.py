"""The cold start to the unlock window loads only what that window needs (issue 16.1).

The speed itself is a benchmark row (``python -m bench --only cold_start``); these tests pin the
mechanisms it rests on, so a stray import at the top of a module is caught here, not only as a
slower figure in the next benchmark run.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app import logging_setup
from app.__main__ import parse_args
from app.storage import keyslots, slotnames, store
from app.storage.slotfile import KeySlotFile

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def set_up_store(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("startup") / "data"
    params = dict(keyslots.ARGON2_PARAMS)
    keyslots.ARGON2_PARAMS.update(time_cost=1, memory_cost=8192)
    try:
        opened, _ = store.initialise(data_dir, "lead", "Team Lead", "lead passphrase 1")
        opened.add_worker("ann", "Ann Worker", "worker passphrase 2")
        opened.close()
    finally:
        keyslots.ARGON2_PARAMS.update(params)
    return data_dir


def test_the_unlock_window_is_shown_without_the_cli_storage_or_log_file(set_up_store, tmp_path):
    # The real entry point, as ``python -m app --data-dir DIR``, with run_gui stopped once the
    # unlock window is up: which modules did it need?
    child = textwrap.dedent(f"""
        import sys
        import app.ui.main as ui_main
        from app.__main__ import main

        def run_gui(settings):
            app = ui_main.make_application()
            launcher = ui_main.Launcher(settings)
            launcher.start()
            print("workers", ",".join(launcher.unlock_window.worker.itemText(i)
                  for i in range(launcher.unlock_window.worker.count())))
            print("loaded", ",".join(sorted(sys.modules)))
            return 0

        ui_main.run_gui = run_gui
        raise SystemExit(main(["--data-dir", {str(set_up_store)!r}]))
    """)
    done = subprocess.run(
        [sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**_env(), "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines["workers"] == "ann,lead"
    loaded = set(lines["loaded"].split(","))
    assert "app.ui.unlock" in loaded  # the check can fail: the window's own module is there
    for heavy in ("app.cli", "app.printing.cli", "app.services.workspace", "app.storage.keyslots",
                  "sqlalchemy", "sqlcipher3", "argon2", "httpx", "reportlab", "zxcvbn",
                  "logging.handlers", "tomllib"):  # fmt: skip
        assert heavy not in loaded, f"{heavy} was imported before the unlock window was shown"
    # The log file is made once the window is up (after_shown), not before.
    assert not (set_up_store / "logs" / logging_setup.LOG_NAME).exists()


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_sub_commands_and_help_still_get_the_whole_parser():
    assert not hasattr(parse_args(["--data-dir", "/d"]), "func")  # the window: options only
    args = parse_args(["--data-dir", "/d", "verify-audit", "--as", "lead"])
    assert args.command == "verify-audit" and callable(args.func)
    with pytest.raises(SystemExit):
        parse_args(["--no-such-option"])


def test_the_picker_lists_the_same_names_as_the_key_slot_reader(set_up_store, tmp_path):
    path = set_up_store / "keyslots.json"
    assert slotnames.RECOVERY_SLOT == keyslots.RECOVERY_SLOT
    assert slotnames.SLOT_FILE_VERSION == keyslots.SLOT_FILE_VERSION
    assert slotnames.usernames(path) == KeySlotFile.load(path).usernames() == ["ann", "lead"]
    damaged = tmp_path / "keyslots.json"
    damaged.write_bytes(path.read_bytes()[:100])
    assert slotnames.usernames(damaged) == []
    newer = json.loads(path.read_text())
    newer["version"] = 99
    damaged.write_text(json.dumps(newer))
    assert slotnames.usernames(damaged) == []


def test_deferred_logging_writes_what_was_logged_before_the_file_existed(tmp_path):
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    try:
        path = logging_setup.setup_logging(tmp_path / "logs", "INFO", defer=True)
        logging.getLogger("app.test").info("early event 1")
        assert not path.exists()
        logging_setup.finish_deferred()
        logging.getLogger("app.test").info("later event 2")
        text = path.read_text()
        assert "early event 1" in text and "later event 2" in text
        assert text.index("early event 1") < text.index("later event 2")
        logging_setup.finish_deferred()  # a second call changes nothing
        assert sum(getattr(h, "_cjit", False) for h in root.handlers) == 1
    finally:
        for h in [h for h in root.handlers if getattr(h, "_cjit", False)]:
            root.removeHandler(h)
            h.close()
        root.handlers[:] = before[0]
        root.setLevel(before[1])
