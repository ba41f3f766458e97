"""Rows to wire dictionaries (the shapes declared in schemas.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from central.merge import MISSING
from central.models import Conflict, Record, ReferenceDocument


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def wrap(value: Any) -> dict[str, Any]:
    """Conflict values are stored wrapped so 'absent' and null stay distinct."""
    return {} if value is MISSING else {"value": value}


def record_out(row: Record) -> dict[str, Any]:
    return {
        "type": row.type,
        "id": row.id,
        "rev": row.rev,
        "seq": row.seq,
        "deleted": row.deleted,
        "fields": row.fields,
        "updated_at": iso(row.updated_at),
    }


def conflict_out(row: Conflict) -> dict[str, Any]:
    return {
        "id": row.id,
        "record_id": row.record_id,
        "record_type": row.record_type,
        "field": row.field,
        "yours": row.yours.get("value"),
        "theirs": row.theirs.get("value"),
        "yours_present": "value" in row.yours,
        "theirs_present": "value" in row.theirs,
        "winner": row.winner,
        "base_rev": row.base_rev,
        "rev": row.rev,
        "device_id": row.device_id,
        "created_at": iso(row.created_at),
    }


def reference_out(row: ReferenceDocument) -> dict[str, Any]:
    return {
        "name": row.name,
        "version": row.version,
        "seq": row.seq,
        "content": row.content,
        "updated_at": iso(row.updated_at),
    }
