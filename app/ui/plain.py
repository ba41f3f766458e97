"""Plain words on screen: the sources' internal reference codes ("000 §2.2.2", "004 IE1 (vi)")
are for help and tooltips, not for the worker's reading (issue 14). Statutes a sergeant
would quote (PACE s.63B, Drugs Act 2005 s.9) stay: they are not internal codes."""

from __future__ import annotations

import re

# "(000 §2.2.2)", "(004 IE1 (vi))", "(RA1, 004 IE1)", "(Nottingham since 2013, 000 §2.2.2)"
_NESTED = r"(?:[^()]|\([^()]*\))*"
_WHOLE = re.compile(rf"\s*\(0\d\d\s{_NESTED}\)")
_TAIL = re.compile(r"[,;]\s*0\d\d\s(?:[^()]|\([^()]*\))*?(?=\))")
_INLINE = re.compile(
    r"\s*\b0\d\d (?:§[\d.]+|IE\d[a-z]?|IPAE\d[a-z]?|Com\d[a-z]?|Annex [A-Z])(?: \([ivx]+\))?"
)


def plain(text: str) -> str:
    """``text`` without the sources' reference codes."""
    text = _WHOLE.sub("", text)
    text = _TAIL.sub("", text)
    return _INLINE.sub("", text).replace(" .", ".").replace("()", "").strip()


def has_codes(text: str) -> bool:
    return plain(text) != text.strip()


# What a decision asks of the worker, shown in words and in the card's colour (theme.py).
TONE_WORDS = {
    "pending": "not decided yet",
    "action": "action needed",
    "none": "no further action",
}
_ACTION = {
    "test",
    "test_with_inspector_authority",
    "positive",
    "identified",
    "refused",
    "not_possible",
    "report_to_police",
}


def decision_tone(outcome: str) -> str:
    if outcome == "incomplete":
        return "pending"
    return "action" if outcome in _ACTION else "none"
