"""Killing the app mid-form and restarting loses nothing beyond the autosave interval."""

import os
import signal
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_killing_the_app_mid_form_loses_at_most_the_last_second(settings):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.crash_child", str(settings.data_dir), "type"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout.readline().strip() == "TYPED"
    finally:
        child.send_signal(signal.SIGKILL)  # a crash, or a power cut: no clean shutdown at all
        child.wait(timeout=30)
    out = subprocess.run(
        [sys.executable, "-m", "tests.ui.crash_child", str(settings.data_dir), "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("SHOWN=")]
    assert line, out.stderr[-2000:]
    shown, name = line[0].split(" ", 1)
    assert shown == "SHOWN=True", "the worker returns to the episode they were on"
    assert name in ("NAME=Blackwood", "NAME=BlackwoodXYZ")
