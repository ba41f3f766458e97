"""`python -m app sample-notice KIND --out FILE.pdf`: fictional notices, no data directory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import page_texts

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", ["ra1", "ra2", "ra4", "ra5", "dt1"])
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
    assert f"{kind.upper()}-261123-SAMPLE" in page_texts(out.read_bytes())[0]


def test_sample_notice_refuses_an_unknown_kind(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "app", "sample-notice", "ra9", "--out", str(tmp_path / "x.pdf")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "invalid choice" in result.stderr
