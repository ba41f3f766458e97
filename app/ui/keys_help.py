"""What F1 says about the keys (docs/keyboard.md says it at length)."""

from __future__ import annotations

import html

FORM_KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "In an episode",
        (
            ("Ctrl+PgDown", "Next form (Profile, DT1, RA1…)"),
            ("Ctrl+PgUp", "Previous form"),
            ("Enter", "Next field that still needs an answer"),
            ("Tab, Shift+Tab", "Next or previous field, every one"),
            ("Y or N", "Answer a yes/no question and move on"),
            ("Space", "Tick or untick a choice in a list"),
            ("Letters", "Pick from a drop-down by its first letters"),
        ),
    ),
    (
        "In a date or time field",
        (
            ("n", "Now (in a date: today)"),
            ("t, y", "Today, yesterday (t 9: today at 09:00)"),
            ("15:00, 1500", "Today at that time"),
            ("+5 10:00", "Five working days on, at 10:00"),
            ("170590", "17/05/1990 (a two-digit year of birth is in the past)"),
        ),
    ),
)


def shortcuts_html(actions: list[tuple[str, str]]) -> str:
    """The window's shortcuts, then the keys of a form, as one two-column table."""
    sections = (("Anywhere", tuple(actions)), *FORM_KEYS)
    rows = []
    for title, keys in sections:
        rows.append(f"<tr><td colspan=2><b>{html.escape(title)}</b></td></tr>")
        rows += [
            f"<tr><td style='padding-right:18px'>{html.escape(k)}</td>"
            f"<td>{html.escape(v)}</td></tr>"
            for k, v in keys
        ]
    return "<table cellspacing=2>" + "".join(rows) + "</table>"
