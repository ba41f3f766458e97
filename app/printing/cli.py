"""``python -m app sample-notice {ra1,ra2,ra4,ra5,dt1,annex_e} --out FILE.pdf``: a notice
filled with fictional data, so a partnership can check the layout with its own wording before
go-live. Each sample goes through the same validation as a real notice and is refused if it
would not be issuable. Needs no data directory and writes only the file named."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.errors import UserFacingError
from app.printing import KINDS


def cmd_sample_notice(_settings: object, args: argparse.Namespace) -> int:
    from app.printing.samples import SampleNotIssuable, render_sample

    out = Path(args.out)
    try:
        pdf = render_sample(args.kind)
    except SampleNotIssuable as exc:
        raise UserFacingError(str(exc)) from None
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise UserFacingError(f"Cannot write {out}: {exc.strerror or exc}") from None
    print(f"Sample {args.kind.upper()} (fictional data) written to {out}")
    return 0


def add_sample_notice_command(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sample-notice", help="render a notice with fictional data to check the layout"
    )
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.set_defaults(func=cmd_sample_notice)
