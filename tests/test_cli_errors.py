"""Issue 14: the command line says what is wrong in one line, exits non-zero, no traceback."""

import pytest

from app import selfcheck
from tests.test_cli import _run


def test_init_takes_data_dir_after_the_sub_command(tmp_path):
    data = tmp_path / "data"
    out = _run(
        "init",
        "--data-dir",
        str(data),
        "--worker",
        "lead",
        env={"CJIT_PASSPHRASE": "lead pass 123"},
    )
    assert out.returncode == 0, out.stderr
    assert (data / "keys.json").exists() or any(data.iterdir())
    assert str(data) in out.stdout


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("http://central.example.org", "not encrypted"),
        ("ftp://central.example.org", "must start with https://"),
    ],
)
def test_the_self_check_refuses_a_central_address_that_is_not_https(tmp_path, address, words):
    with pytest.raises(selfcheck.CheckFailed, match=words):
        selfcheck.check_settings({"central_url": address}, tmp_path / "none.toml")


def test_the_self_check_flag_exits_non_zero_for_an_http_address():
    out = _run("--self-check", "--central-url", "http://central.example.org")
    assert out.returncode != 0
    assert "not encrypted" in out.stdout + out.stderr
    assert "Traceback" not in out.stdout + out.stderr


def test_the_self_check_accepts_https_and_plain_http_to_this_computer(tmp_path):
    for address in ("https://central.example.org", "http://127.0.0.1:8765"):
        assert address in selfcheck.check_settings({"central_url": address}, tmp_path / "x.toml")


def test_the_self_check_names_the_debian_packages_of_missing_x11_libraries():
    from app.selfcheck_xcb import missing_packages

    ldd = """\tlibQt6XcbQpa.so.6 => /opt/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-made-up.so.9 => not found
"""
    assert missing_packages(ldd) == (["libxcb-icccm4", "libxcb-keysyms1"], ["libxcb-made-up.so.9"])


def test_the_x11_library_check_passes_on_this_machine_which_has_them():
    from app.selfcheck_xcb import check_xcb_libraries

    # This machine has the libraries (Xvfb screenshots run here); a missing one would fail.
    assert check_xcb_libraries() == "every library Qt's X11 plugin links against is installed"


def test_a_mistyped_data_dir_is_said_and_nothing_is_written_there(tmp_path):
    typo = tmp_path / "dtaa"
    out = _run("verify-audit", "--as", "lead", "--data-dir", str(typo))
    assert out.returncode == 2
    assert "There is no CJIT Desk store in" in out.stderr and "Traceback" not in out.stderr
    assert not typo.exists()


def test_make_run_names_the_missing_x11_packages_instead_of_a_qt_abort(monkeypatch):
    from app import selfcheck_xcb
    from app.errors import UserFacingError

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(
        selfcheck_xcb.subprocess,
        "run",
        lambda *a, **k: type("Done", (), {"stdout": "\tlibxcb-icccm.so.4 => not found\n"})(),
    )
    with pytest.raises(UserFacingError, match="sudo apt-get install libxcb-icccm4"):
        selfcheck_xcb.require_platform_libraries()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    selfcheck_xcb.require_platform_libraries()  # no X11 wanted: nothing to check
