"""The shift board's "After custody" cell (issue 13): the laboratory confirmation of a
disputed result, the transfer, the referral in, the prison referral, Restriction on Bail,
the DRR report and the FTA report, each in a few words, from the forms' own decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.forms.context import FormContext
from app.forms.facts import confirmation_state
from app.forms.registry import FORMS

_LAB = {
    "awaited": "Lab awaited",
    "confirmed_positive": "Lab confirmed positive",
    "negative": "Lab negative: requirement ended",
}


def after_custody_state(typed: dict[str, Any], ctx: FormContext) -> str:
    parts = []
    lab = _LAB.get(confirmation_state(typed.get("dt1"), typed.get("lab_result")))
    if lab:
        parts.append(lab)
    if "referral_in" in typed:
        parts.append("Referred in")
    if "transfer" in typed:
        sent = isinstance(typed["transfer"].get("sent_at"), datetime)
        parts.append("Transferred" if sent else "Transfer: draft")
    if "fta_report" in typed:
        parts.append("FTA reported" if typed["fta_report"].get("reported_at") else "FTA: draft")
    for key, label in (("remand", "Prison referral"), ("rob", "RoB"), ("annex_e_fu", "Annex E")):
        if key in typed:
            decision = FORMS[key].decide(typed[key], ctx)
            word = decision.outcome.replace("_", " ") if decision else "started"
            parts.append(f"{label}: {word}")
    if "drr_report" in typed:
        parts.append("DRR reported" if typed["drr_report"].get("reported_at") else "DRR: draft")
    return "; ".join(parts) or "—"
