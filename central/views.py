"""Rows to the response models of ``schemas`` (the one description of each response).

Stored values are passed through ``servable`` first: a record stored before the wire contract
existed (or written straight into the database) may hold a non-finite number, text that is not
valid Unicode or JSON nested beyond reason — none of which may turn a pull into a 500.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime
from typing import Any

from central.merge import MISSING
from central.models import Conflict, Record, ReferenceDocument
from central.schemas import ConflictOut, RecordOut, ReferenceOut

log = logging.getLogger(__name__)
_MAX_DEPTH = 64


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def wrap(value: Any) -> dict[str, Any]:
    """Conflict values are stored wrapped so 'absent' and null stay distinct."""
    return {} if value is MISSING else {"value": value}


def servable(value: Any, depth: int = 0) -> Any:
    """The value as JSON any client can read: what cannot be sent becomes null."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8") if _unpaired(value) else value
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth >= _MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {str(servable(k, depth)): servable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [servable(v, depth + 1) for v in value]
    return None


def _unpaired(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _object(value: Any, what: str, row_id: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return servable(value)
    log.warning("stored %s of %s is not an object; served as {}", what, row_id)
    return {}


def record_out(row: Record) -> RecordOut:
    return RecordOut(
        type=row.type,
        id=row.id,
        rev=row.rev,
        seq=row.seq,
        deleted=bool(row.deleted),
        fields=_object(row.fields, "fields", row.id),
        updated_at=iso(row.updated_at),
    )


def conflict_out(row: Conflict) -> ConflictOut:
    yours = row.yours if isinstance(row.yours, dict) else {}
    theirs = row.theirs if isinstance(row.theirs, dict) else {}
    return ConflictOut(
        id=row.id,
        record_id=row.record_id,
        record_type=row.record_type,
        field=row.field,
        yours=servable(yours.get("value")),
        theirs=servable(theirs.get("value")),
        yours_present="value" in yours,
        theirs_present="value" in theirs,
        winner="yours" if row.winner == "yours" else "theirs",
        base_rev=row.base_rev,
        rev=row.rev,
        device_id=row.device_id,
        created_at=iso(row.created_at),
    )


def reference_out(row: ReferenceDocument) -> ReferenceOut:
    return ReferenceOut(
        name=row.name,
        version=row.version,
        seq=row.seq,
        content=servable(row.content),
        updated_at=iso(row.updated_at),
    )
