"""The kinds of thing the central store keeps, listed once.

Every other module asks here: the API validates against these sets, the merge decides
append-only behaviour from them, ``load-reference`` and pull name reference documents from them.
"""

from __future__ import annotations

from app.sync.wire import APPEND_ONLY_TYPES, RECORD_TYPES

# The wire protocol this server speaks, and the oldest client protocol it still accepts.
# 2: records are checked against the wire contract and refused one by one (``refused``), a
# push result carries the stored version when it differs from what was sent (``stored``), the
# body limit counts streamed bytes. A version-1 client would resend a refused record for ever
# and rebase nothing, so it is asked to upgrade (426) and keeps its outbox until then.
# 3: a push may ask for the first pull page, the counts, the test history and the audit anchor
# in its answer (``then``, docs/sync-protocol.md 4.7); nothing of version 2 changed, so a
# version-2 workstation syncs as before.
PROTOCOL_VERSION = 3
MIN_PROTOCOL_VERSION = 2

# Records are JSON documents whose fields follow the wire contract, declared once for client
# and server in app/sync/wire.py (RECORD_TYPES, and APPEND_ONLY_TYPES: issued notices and
# audit events — first write wins, an identical replay is fine, a different body is refused).
__all__ = ["APPEND_ONLY_TYPES", "RECORD_TYPES"]

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
