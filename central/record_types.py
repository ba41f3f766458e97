"""The kinds of thing the central store keeps, listed once.

Every other module asks here: the API validates against these sets, the merge decides
append-only behaviour from them, ``load-reference`` and pull name reference documents from them.
"""

from __future__ import annotations

# The wire protocol this server speaks, and the oldest client protocol it still accepts.
PROTOCOL_VERSION = 1
MIN_PROTOCOL_VERSION = 1

# Records are generic JSON documents; the client owns their shape (app/forms/).
RECORD_TYPES: tuple[str, ...] = (
    "person",
    "episode",
    "form",
    "appointment",
    "notice",
    "audit_event",
)

# Issued notices and audit events are append-only (CONVENTIONS "Storage"; DPA 2018 s.62 logs):
# first write wins, an identical replay is fine, a different body is refused.
APPEND_ONLY_TYPES: frozenset[str] = frozenset({"notice", "audit_event"})

# Named reference documents, replaceable without a client release (BRIEF: trigger offences
# are data because the law is moving). File ``<name>.json`` in a folder loads as ``<name>``.
REFERENCE_DOCUMENTS: tuple[str, ...] = (
    "trigger_offences",
    "spoc_directory",
    "wording",
    "policy",
    "substances",
    "ethnicity",
)

# Form keys the reports and the target-testing history read (the Home Office form series).
FORM_DT1 = "dt1"
FORM_RA1 = "ra1"
FORM_RA3 = "ra3"

# Inside a form record the answers are merged key by key, not as one blob.
FORM_ANSWERS_FIELD = "answers"
