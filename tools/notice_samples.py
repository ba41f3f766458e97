"""Regenerate docs/notices/*.png from the fictional samples (needs pdftoppm, poppler-utils).

Every sample goes through the same validation as a real notice first (`sample_problems`): a
sample the rules would refuse is not rendered. Run from the repository root:

    python tools/notice_samples.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.printing import render_notice  # noqa: E402
from app.printing.samples import LONG_EPISODE, sample_content, sample_problems  # noqa: E402

OUT = ROOT / "docs" / "notices"
REPRINT = {"reprint_at": "2026-11-30T09:15:00+00:00"}

# file name: (kind, page, answers overriding the sample's, extra frozen content)
PAGES: dict[str, tuple[str, int, dict[str, Any], dict[str, Any]]] = {
    "ra1-detainee-copy": ("ra1", 1, {}, {}),
    "ra1-reprint-custody-record-copy": ("ra1", 2, {}, REPRINT),
    "ra1-long-name-detainee-copy": ("ra1", 1, {"episode": LONG_EPISODE}, {}),
    "ra1-long-name-and-address-cjit-copy": ("ra1", 3, {"episode": LONG_EPISODE}, {}),
    "ra2-custody-record-copy": ("ra2", 2, {}, {}),
    "ra4-cjit-copy": ("ra4", 2, {}, {}),
    "ra5-detainee-copy": ("ra5", 1, {}, {}),
    "dt1-court-file-cover": ("dt1", 1, {}, {}),
    "dt1-record": ("dt1", 2, {}, {}),
    "annex-e-letter": ("annex_e", 1, {}, {}),
}


def main() -> int:
    if not shutil.which("pdftoppm"):
        print("pdftoppm is missing: apt-get install -y poppler-utils", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for name, (kind, page, overrides, extra) in PAGES.items():
            errors = [p.message for p in sample_problems(kind, **overrides) if p.is_error]
            if errors:
                print(f"{name}: the sample is not issuable:\n  " + "\n  ".join(errors))
                return 1
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(render_notice({**sample_content(kind, **overrides), **extra}))
            stem = Path(tmp) / name
            subprocess.run(
                ["pdftoppm", "-r", "70", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                 str(pdf), str(stem)],
                check=True,
            )  # fmt: skip
            shutil.copyfile(f"{stem}.png", OUT / f"{name}.png")
            print(f"docs/notices/{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
