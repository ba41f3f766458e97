"""Local rows <-> protocol records (docs/sync-protocol.md 4.1), one spec per record type.

What travels is the shared record, not this workstation's UI state: an episode's
``current_step`` and the local ``created_at``/``updated_at`` stay here; a notice travels
without its PDF (it is re-rendered from ``content`` when needed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Date

from app.storage.models import (
    Appointment,
    AuditEvent,
    Base,
    CustodyEpisode,
    FormRecord,
    Notice,
    Person,
    UTCDateTime,
)
from app.sync.wire import FIELDS, check


@dataclass(frozen=True)
class Spec:
    type: str
    model: type[Base]
    workers: tuple[str, ...] = ()  # fields holding a worker id (FK to the local worker table)

    @cached_property  # read for every pulled record: a new workstation's 114,000 (issue 16.5)
    def fields(self) -> tuple[str, ...]:
        """The fields that travel: the wire contract's (app/sync/wire.py), declared once."""
        return tuple(FIELDS[self.type])

    @cached_property
    def parents(self) -> dict[str, str]:
        """field -> record type it points at: a pulled record is only inserted when they exist."""
        return {name: kind.ref for name, kind in FIELDS[self.type].items() if kind.ref}


SPECS: dict[str, Spec] = {
    s.type: s
    for s in (
        Spec("person", Person),
        Spec("episode", CustodyEpisode, workers=("created_by",)),
        Spec("form", FormRecord),
        Spec("notice", Notice, workers=("issued_by",)),
        Spec("appointment", Appointment),
        Spec("audit_event", AuditEvent),
    )
}
assert tuple(SPECS) == tuple(FIELDS), "one spec per wire record type, in the contract's order"
# Parents before children, so a batch creates the person before the episode that names it.
PUSH_ORDER: tuple[str, ...] = tuple(SPECS)
# Local table names that Tombstone.record_type may use, to the protocol's type names.
TYPE_OF_TABLE = {"custody_episode": "episode", "form_record": "form"}


def wire_type(name: str) -> str:
    return TYPE_OF_TABLE.get(name, name)


def _to_wire(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_fields(spec: Spec, row: Base) -> dict[str, Any]:
    return {name: _to_wire(getattr(row, name)) for name in spec.fields}


def to_record(spec: Spec, row: Base) -> dict[str, Any]:
    """The push record of a row; ``base_rev`` is the server rev this edit started from."""
    return {
        "type": spec.type,
        "id": row.id,
        "base_rev": getattr(row, "server_rev", None),
        "deleted": False,
        "fields": to_fields(spec, row),
    }


def _from_wire(column_type: Any, value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        if isinstance(column_type, UTCDateTime):
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        if isinstance(column_type, Date):
            return date.fromisoformat(value[:10])
    except ValueError:
        return None
    return value


def readable(spec: Spec, fields: Any) -> tuple[dict[str, Any], list[str]]:
    """The fields of a pulled record this workstation can keep, and the names of those it
    cannot: values that break the wire contract (data stored before the contract, or from a
    client of another version), and nulls for columns that must hold a value."""
    if not isinstance(fields, dict):
        return {}, ["fields"]
    kinds, columns = FIELDS[spec.type], spec.model.__table__.c
    ok: dict[str, Any] = {}
    bad: list[str] = []
    for name in spec.fields:
        if name not in fields:
            continue
        value = fields[name]
        if check(kinds[name], value) is not None:
            bad.append(name)
        elif value is not None or columns[name].nullable:
            ok[name] = value
    return ok, bad


def required(spec: Spec) -> list[str]:
    return [name for name, kind in FIELDS[spec.type].items() if kind.required]


def placeable(spec: Spec, fields: dict[str, Any]) -> bool:
    """Whether a new row can be made from these readable fields (every required one there)."""
    return all(fields.get(name) is not None for name in required(spec))


def apply_fields(spec: Spec, row: Base, fields: dict[str, Any]) -> None:
    """Copy protocol fields onto a row (keys absent from ``fields`` are left as they are)."""
    columns = spec.model.__table__.c
    for name in spec.fields:
        if name in fields and name != "seq":
            setattr(row, name, _from_wire(columns[name].type, fields[name]))
    if spec.type == "person":
        from app.services.text_keys import name_key

        row.family_name = row.family_name or ""
        row.given_names = row.given_names or ""
        row.family_key, row.given_key = name_key(row.family_name), name_key(row.given_names)


def parent_ids(spec: Spec, fields: dict[str, Any]) -> list[tuple[str, str]]:
    """(record type, id) of every record this one points at."""
    return [
        (kind, fields[name])
        for name, kind in spec.parents.items()
        if isinstance(fields.get(name), str) and fields[name]
    ]


def parse_time(value: Any) -> datetime:
    """A server timestamp as an aware datetime (shown to the worker; never used to order)."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.now(UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
