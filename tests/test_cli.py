"""The administration commands, run as IT would: separate processes, passphrases from the env."""

import os
import subprocess
import sys


def _run(*args, env=None):
    full_env = {**os.environ, "CJIT_CONFIG": "/nonexistent.toml", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def test_init_add_worker_and_verify_audit_from_the_command_line(tmp_path):
    data = str(tmp_path / "data")
    out = _run(
        "--data-dir", data, "init", "--worker", "lead", env={"CJIT_PASSPHRASE": "lead pass 123"}
    )
    assert out.returncode == 0, out.stderr
    assert "RECOVERY KEY" in out.stdout
    out = _run(
        "--data-dir",
        data,
        "add-worker",
        "--as",
        "lead",
        "--worker",
        "ann",
        env={"CJIT_PASSPHRASE": "lead pass 123", "CJIT_NEW_PASSPHRASE": "ann pass 1234"},
    )
    assert out.returncode == 0, out.stderr
    out = _run(
        "--data-dir", data, "verify-audit", "--as", "ann", env={"CJIT_PASSPHRASE": "ann pass 1234"}
    )
    assert out.returncode == 0 and "audit log is intact" in out.stdout


def test_a_wrong_passphrase_gives_a_message_and_no_traceback(tmp_path):
    data = str(tmp_path / "data")
    _run("--data-dir", data, "init", "--worker", "lead", env={"CJIT_PASSPHRASE": "lead pass 123"})
    out = _run(
        "--data-dir",
        data,
        "verify-audit",
        "--as",
        "lead",
        env={"CJIT_PASSPHRASE": "nope nope nope"},
    )
    assert out.returncode == 2
    assert "The passphrase is wrong" in out.stderr and "Traceback" not in out.stderr


def test_no_passphrase_and_no_terminal_says_how_to_give_one(tmp_path):
    out = _run(
        "--data-dir", str(tmp_path / "d"), "init", "--worker", "lead", env={"CJIT_PASSPHRASE": ""}
    )
    assert out.returncode == 2 and "set CJIT_PASSPHRASE" in out.stderr
