"""Issue 14: cjit-central's mistakes are one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import pytest

from central.__main__ import main


def test_a_report_for_an_unknown_suite_names_the_known_ones(enrol, database_url, capsys):
    enrol("bridewell")
    args = ["report", "monthly", "--month", "2026-04", "--database-url", database_url]
    assert main([*args, "--suite", "nowhere"]) == 1
    err = capsys.readouterr().err
    assert "no suite called 'nowhere'" in err and "bridewell" in err
    assert main([*args, "--suite", "bridewell"]) == 0


def test_a_mistyped_data_dir_is_said_and_left_uncreated(tmp_path, capsys):
    typo = tmp_path / "centarl"
    code = main(["report", "monthly", "--month", "2026-04", "--data-dir", str(typo)])
    assert code == 1
    assert "no central store at" in capsys.readouterr().err
    assert not typo.exists()


def test_a_port_out_of_range_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["serve", "--port", "99999"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "99999 is not a port" in err and "Traceback" not in err


def test_an_unreachable_postgresql_is_one_line_without_the_password(capsys):
    url = "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/cjit?connect_timeout=2"
    assert main(["new-epoch", "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cjit-central: cannot use the database")
    assert "s3cret" not in err and "Traceback" not in err
