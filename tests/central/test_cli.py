"""The cjit-central command line, in process, against the test database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from central.__main__ import main
from central.auth import AuthError, enrol


def test_enrol_code_prints_a_code_a_workstation_can_enrol_with(engine, database_url, capsys):
    assert main(["enrol-code", "--suite", "bridewell", "--database-url", database_url]) == 0
    code = capsys.readouterr().out.strip()
    device, token = enrol(engine, code, "Desk 1")
    assert device.suite == "bridewell" and token


def test_revoke_device_stops_the_device(enrol, database_url, capsys):
    desk = enrol()
    assert main(["revoke-device", desk.device_id, "--database-url", database_url]) == 0
    assert "revoked" in capsys.readouterr().out
    assert desk.get("/v1/counts").status_code == 401


def test_revoking_an_unknown_device_says_so(database_url, capsys):
    assert main(["revoke-device", "nope", "--database-url", database_url]) == 1
    assert "no device" in capsys.readouterr().err


def test_load_reference_loads_a_folder_and_reports_versions(enrol, database_url, tmp_path, capsys):
    (tmp_path / "wording.json").write_text(json.dumps({"ra1_warning": "If you fail…"}))
    assert main(["load-reference", str(tmp_path), "--database-url", database_url]) == 0
    assert "wording: version 1" in capsys.readouterr().out
    assert enrol().pull()["reference"][0]["name"] == "wording"


def test_load_reference_refuses_invalid_json_and_loads_nothing(
    enrol, database_url, tmp_path, capsys
):
    (tmp_path / "policy.json").write_text("{not json")
    assert main(["load-reference", str(tmp_path), "--database-url", database_url]) == 1
    assert "not valid JSON" in capsys.readouterr().err


def test_an_enrolment_code_that_is_mistyped_is_refused(engine):
    try:
        enrol(engine, "AAAA-BBBB-CCCC", "Desk")
    except AuthError as exc:
        assert "not valid" in str(exc)
    else:
        raise AssertionError("a made-up code enrolled a device")


def test_python_dash_m_central_runs_and_uses_the_data_dir_by_default(tmp_path):
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "central",
            "--data-dir",
            str(tmp_path),
            "enrol-code",
            "--suite",
            "bridewell",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip()) == 14 and (tmp_path / "central.db").is_file()
