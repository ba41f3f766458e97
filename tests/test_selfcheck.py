"""`cjit-desk --self-check` in-process: every check passes here, and a failure names what is gone."""

from __future__ import annotations

import sqlite3

import pytest

import app.printing
from app import paths, selfcheck, selfcheck_qt
from app.__main__ import main as cli_main
from app.storage import migrate


def by_name(results):
    return {r.name: r for r in results}


def test_every_check_passes_in_a_checkout():
    results = by_name(selfcheck.run_checks(selfcheck.default_checks()))
    failed = {name: r.detail for name, r in results.items() if r.status == "FAIL"}
    assert failed == {}
    assert results["sqlcipher"].detail.startswith("SQLCipher 4.")
    if not hasattr(app.printing, "render_notice"):
        assert results["printing"].line() == "skip printing      skipped: app.printing not present"


def test_the_command_line_flag_prints_one_line_per_check_and_exits_0(capsys):
    assert cli_main(["--self-check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("self-check passed")
    assert any(line.startswith("ok   sqlcipher     SQLCipher 4.") for line in out)
    assert any(line.startswith("ok   qt-pdf") for line in out)


def test_missing_resources_are_named_and_the_exit_code_is_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "resources_dir", lambda: tmp_path)
    assert selfcheck.main() == 1
    out = capsys.readouterr().out
    line = next(li for li in out.splitlines() if li.startswith("FAIL resources"))
    for name in ("trigger_offences.json", "spoc_directory.json", "wording.json", "policy.json"):
        assert name in line
    assert "ui/arrow-down.svg" in line and str(tmp_path) in line
    assert out.splitlines()[-1].startswith("self-check FAILED: resources")


def test_missing_migrations_are_named(tmp_path, monkeypatch):
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", tmp_path / "migrations")
    with pytest.raises(
        selfcheck.CheckFailed, match=r"migrations missing: .*env\.py.*script\.py\.mako"
    ):
        selfcheck.check_migrations()


def test_a_bad_machine_config_file_fails_the_settings_check(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('idle_lock_minutes = "soon"\n', encoding="utf-8")
    results = by_name(selfcheck.run_checks(selfcheck.default_checks(config_file=config)))
    assert results["settings"].status == "FAIL"
    assert "idle_lock_minutes" in results["settings"].detail


def test_a_configured_ca_bundle_that_is_not_there_is_named(tmp_path):
    missing = tmp_path / "police-ca.pem"
    with pytest.raises(selfcheck.CheckFailed, match="police-ca.pem does not exist"):
        selfcheck.check_settings({"ca_bundle": str(missing)}, tmp_path / "none.toml")


def test_the_throw_away_store_leaves_nothing_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    assert "file encrypted" in selfcheck.check_store()
    assert list(tmp_path.iterdir()) == []


def test_a_plain_sqlite_file_is_caught(tmp_path):
    sqlite3.connect(tmp_path / "cjit.db").execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(selfcheck.CheckFailed, match="plain SQLite file"):
        selfcheck._assert_encrypted(tmp_path)


def test_text_in_clear_beside_the_store_is_caught(tmp_path):
    (tmp_path / "cjit.db").write_bytes(b"\x8f" * 64)
    (tmp_path / "cjit.db-wal").write_bytes(b"..." + selfcheck.MARKER.encode())
    with pytest.raises(selfcheck.CheckFailed, match="cjit.db-wal holds episode text in clear"):
        selfcheck._assert_encrypted(tmp_path)


def test_a_build_without_printing_fails_the_check(monkeypatch):
    monkeypatch.delattr(app.printing, "render_notice", raising=False)
    with pytest.raises(selfcheck.CheckFailed, match="render_notice is not in this build"):
        selfcheck.check_printing()


def test_printing_renders_an_ra1_from_its_frozen_content(monkeypatch):
    seen = {}

    def fake_render(content):
        seen.update(content)
        return b"%PDF-1.4 fake"

    monkeypatch.setattr(app.printing, "render_notice", fake_render, raising=False)
    assert selfcheck.check_printing().startswith("RA1 rendered to memory")
    assert seen["kind"] == "ra1" and seen["form"]["answers"]["requirement_made"] is True
    monkeypatch.setattr(app.printing, "render_notice", lambda content: b"not a pdf")
    with pytest.raises(selfcheck.CheckFailed, match="did not render as a PDF"):
        selfcheck.check_printing()


def test_a_missing_platform_plugin_is_named_instead_of_aborting():
    assert "offscreen" in selfcheck_qt._plugins("platforms")
    with pytest.raises(selfcheck.CheckFailed, match="platform plugin 'nosuch' missing"):
        selfcheck_qt._require_platform_plugin("nosuch")
    selfcheck_qt._require_platform_plugin("offscreen")


def test_an_unexpected_error_is_a_named_failure_and_later_checks_still_run():
    def broken():
        raise KeyError("fonts")

    results = selfcheck.run_checks([("printing", broken), ("sqlcipher", selfcheck.check_sqlcipher)])
    assert results[0].line() == "FAIL printing      KeyError: 'fonts'"
    assert results[1].status == "ok"


def test_on_linux_a_build_without_the_cups_plugin_cannot_reach_printers(monkeypatch):
    selfcheck_qt.check_qt_platform()  # the application exists before the plugins "vanish"
    monkeypatch.setattr(selfcheck_qt.sys, "platform", "linux")
    monkeypatch.setattr(selfcheck_qt, "_plugins", lambda kind: [])
    with pytest.raises(selfcheck.CheckFailed, match="printsupport/cupsprintersupport"):
        selfcheck_qt.check_qt_print()
    monkeypatch.setattr(selfcheck_qt.sys, "platform", "win32")  # built into QtPrintSupport there
    assert "built into QtPrintSupport" in selfcheck_qt.check_qt_print()


def test_a_central_address_over_plain_http_to_another_computer_fails_the_check(tmp_path):
    config = tmp_path / "none.toml"
    with pytest.raises(selfcheck.CheckFailed, match=r"not encrypted \(http://\)"):
        selfcheck.check_settings({"central_url": "http://central.example:8765"}, config)
    for fine in ("https://central.example", "http://127.0.0.1:8765", "http://localhost:8765"):
        assert fine in selfcheck.check_settings({"central_url": fine}, config)
