"""Printing: the notices and the DT1 record as PDF bytes, built in memory with reportlab.

No Qt here (CONVENTIONS: ui -> services -> printing). ``render_notice(content)`` takes the
frozen content ``app.services.notices`` stores with an issued notice and returns the PDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importing the package must stay cheap: the CLI registers its command at start
    from app.forms.reference import ReferenceData

KINDS = ("ra1", "ra2", "ra4", "ra5", "dt1", "annex_e")
# The documents of the rest of the pathway (issue 13): app.printing.pathway.
PATHWAY_KINDS = ("fta_report", "remand", "transfer", "drr_report", "annex_e_fu")


class UnprintableNotice(ValueError):
    """The content names a kind of notice this package cannot print."""


def render_notice(content: Mapping[str, Any], reference: ReferenceData | None = None) -> bytes:
    """The PDF of a notice (RA1, RA2, RA4, RA5), of a DT1 record with its cover sheet, or of
    an Annex E appointment letter.

    `content`: {"kind", "form": {"form", "version", "answers"}, "episode": custody_episode
    answers, "dt1": dt1 answers, "reference_versions", "issued_at", "issued_by", "reference",
    optional "reprint_at" (every page then says REPRINT with its date) and optional
    "reference_documents" (the wording and SPOC list frozen at issue), and "assessment" (a
    DT1's statement of the required assessment) or "replaces" (an RA2's replaced
    arrangement)}. `reference` is the
    workstation's reference data; the bundled files when None.
    """
    from app.printing.content import decode

    data = decode(content, reference)
    if data.kind == "dt1":
        from app.printing.dt1 import render_dt1 as _render

        return _render(data)
    if data.kind == "annex_e":
        from app.printing.annex_e import render_annex_e

        return render_annex_e(data)
    if data.kind in PATHWAY_KINDS:
        from app.printing.pathway import render_pathway

        return render_pathway(data)
    if data.kind not in KINDS:
        raise UnprintableNotice(f"CJIT Desk cannot print a {data.kind!r} notice.")
    from app.printing.ra import render_ra

    return render_ra(data)


def render_dt1(content: Mapping[str, Any], reference: ReferenceData | None = None) -> bytes:
    """The DT1 record with its court-file cover sheet (content["form"] is the DT1 document)."""
    return render_notice({**content, "kind": "dt1"}, reference)


def warm_up() -> None:
    """Make the first notice of a session as quick as the next: import the renderers, register
    the fonts and lay out a sample once (~7x the time of a later notice here, most of it
    reportlab's first use). Meant for a quiet moment, off the window's thread."""
    from app.printing.samples import render_sample

    render_sample("ra1")
