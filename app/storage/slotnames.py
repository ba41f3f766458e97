"""The usernames in keyslots.json, for the unlock window's picker: JSON only, nothing else.

The unlock window is the first thing a worker waits for, so it must not load the key-slot code
(hashlib, cryptography helpers, the slot classes) to list names; ``KeySlotFile.usernames()`` is
the full reader and gives the same list for a sound file. A file that cannot be read gives an
empty list: signing in then says what is wrong and what to do.
"""

from __future__ import annotations

import json
from pathlib import Path

RECOVERY_SLOT = "__recovery__"  # app.storage.keyslots.RECOVERY_SLOT (checked by a test)
SLOT_FILE_VERSION = 2  # app.storage.keyslots.SLOT_FILE_VERSION (checked by a test)


def usernames(path: Path) -> list[str]:
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
        if doc.get("version") != SLOT_FILE_VERSION:
            return []
        names = {e.get("name") for e in doc["slots"] if isinstance(e, dict)}
    except (OSError, ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError):
        return []
    return sorted(n for n in names if isinstance(n, str) and n != RECOVERY_SLOT)
