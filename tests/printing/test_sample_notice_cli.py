"""`python -m app sample-notice KIND --out FILE.pdf`: fictional notices, no data directory."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from app.forms.times import LONDON
from app.printing.samples import (
    SampleNotIssuable,
    render_sample,
    sample_number,
    sample_problems,
)

from .conftest import page_texts

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", ["ra1", "ra2", "ra4", "ra5", "dt1", "annex_e"])
def test_sample_notice_writes_a_pdf_without_a_data_directory(kind, tmp_path):
    out = tmp_path / f"{kind}.pdf"
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "CJIT_DATA_DIR": str(tmp_path / "none")}
    result = subprocess.run(
        [sys.executable, "-m", "app", "sample-notice", kind, "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "fictional" in result.stdout
    assert out.read_bytes().startswith(b"%PDF")
    assert sample_number(kind) in page_texts(out.read_bytes())[0]


def test_sample_notice_refuses_an_unknown_kind(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "app", "sample-notice", "ra9", "--out", str(tmp_path / "x.pdf")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "invalid choice" in result.stderr


@pytest.mark.parametrize("kind", ["ra1", "ra2", "ra4", "ra5", "dt1", "annex_e"])
def test_every_sample_passes_the_rules_a_real_notice_must_pass(kind):
    assert [p.message for p in sample_problems(kind)] == []


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=LONDON)


@pytest.mark.parametrize(
    "kind, overrides, code",
    [
        # The old samples: an RA1 on Thursday for a Monday in-hours test ...
        ("ra1", {"appointment_at": _at(26, 10)}, "window.outside"),
        # ... a DT1 claiming a trigger offence for an offence not on the list ...
        (
            "dt1",
            {"episode": {"arrest_offences": [], "arrest_offence_other": "Sample offence"}},
            "dt1.not_a_trigger_offence",
        ),
        # ... and an RA4 issued before it was given.
        ("ra4", {"given_at": _at(25, 9), "initial_assessment_at": _at(24, 14)}, "time.future"),
        ("ra1", {"episode": {"family_name": ""}}, "identity.missing"),
    ],
)
def test_a_sample_that_breaks_the_rules_is_refused_not_rendered(kind, overrides, code):
    assert code in [p.code for p in sample_problems(kind, **overrides) if p.is_error]
    with pytest.raises(SampleNotIssuable, match="would not be issuable"):
        render_sample(kind, **overrides)
