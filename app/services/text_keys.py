"""Search keys for names: case-folded, accents removed, so 'Zoë' is found by 'zoe'."""

from __future__ import annotations

import unicodedata


def name_key(text: str | None) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (for an indexed
    range scan instead of LIKE, which SQLite cannot serve from a case-sensitive index)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else ""
