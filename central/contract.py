"""Checking every pushed record against the wire contract before anything is stored.

One record's problem refuses that record alone (docs/sync-protocol.md 4.4): the others of the
batch are stored, so one workstation's odd record can never stop a suite. Checks, in order:

1. shape — a JSON object with a known ``type``, a UUID ``id``, revisions and conflict ids that
   fit their columns (``schemas.PushRecord``);
2. fields — only the contract's fields (``app/sync/wire.py``), each of its kind, required ones
   present; a form's answers against the form's definition (``central.answers``); the record
   as JSON under ``MAX_RECORD_BYTES``;
3. the batch — an id sent twice (the later copies are refused);
4. what is stored — an id already used by another suite or type, a changed notice or audit
   event (append-only: ``central.push`` decides, with the stored row at hand);
5. references — every id a record names (``person_id``, ``episode_id``…) is a record of that
   type in the suite, or another record of the same batch that was not refused. A child of a
   refused parent is refused too (``parent_refused``), so nothing refused can be reached
   through another record, and the workstation sends the child again once the parent is in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.wire import APPEND_ONLY_TYPES, FIELDS, MAX_RECORD_BYTES, Problem, check
from central.answers import answer_problems
from central.errors import readable
from central.models import Record
from central.schemas import PushRecord


@dataclass(frozen=True)
class Refused:
    index: int
    id: str | None
    type: str | None
    code: str
    field: str | None
    message: str

    def out(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "index": self.index,
            "type": self.type,
            "code": self.code,
            "field": self.field,
            "message": self.message,
        }


@dataclass(frozen=True)
class Checked:
    """A record that passed checks 1-3, with its place in the batch."""

    index: int
    record: PushRecord


def _refused(index: int, raw: Any, field: str | None, problem: Problem) -> Refused:
    rid = raw.get("id") if isinstance(raw, dict) else None
    kind = raw.get("type") if isinstance(raw, dict) else None
    return Refused(
        index,
        rid[:64] if isinstance(rid, str) else None,
        kind[:32] if isinstance(kind, str) else None,
        problem.code,
        field,
        problem.message,
    )


def check_records(raws: list[Any]) -> tuple[list[Checked], list[Refused]]:
    """Checks 1-3 for every record of a batch."""
    good: list[Checked] = []
    refused: list[Refused] = []
    seen: set[str] = set()
    for index, raw in enumerate(raws):
        record, problem = _parse(raw)
        if problem is not None:
            refused.append(_refused(index, raw, *problem))
        elif record.id in seen:
            refused.append(
                _refused(
                    index,
                    raw,
                    None,
                    Problem(
                        "duplicate_in_batch",
                        "This record appears more than once in the batch; send one version.",
                    ),
                )
            )
        else:
            seen.add(record.id)
            good.append(Checked(index, record))
    return good, refused


def _parse(raw: Any) -> tuple[PushRecord | None, tuple[str | None, Problem] | None]:
    try:
        record = PushRecord.model_validate(raw)
    except ValidationError as exc:
        first = readable(list(exc.errors(include_url=False, include_input=False)))[0]
        where = first["field"] if first["field"] != "request body" else None
        message = f"{where or 'record'}: {first['message']}".rstrip(".") + "."
        return None, (where, Problem("invalid_record", message))
    problem = field_problem(record)
    return (None, problem) if problem else (record, None)


def field_problem(record: PushRecord) -> tuple[str | None, Problem] | None:
    """The first way this record's fields break the contract, or None."""
    if record.deleted and record.type in APPEND_ONLY_TYPES:
        return None, Problem(
            "cannot_delete",
            f"A {record.type.replace('_', ' ')} is kept for good: it cannot be deleted.",
        )
    kinds = FIELDS[record.type]
    for name in record.fields:
        if name not in kinds:
            return name[:100], Problem(
                "unknown_field", f"A {record.type} record has no field '{name[:80]}'."
            )
    for name, kind in kinds.items():
        if record.deleted and name not in record.fields:
            continue  # a tombstone need not repeat the record's fields
        # walk=False: schemas.PushRecord has walked the whole of ``fields`` already
        if problem := check(kind, record.fields.get(name), walk=False):
            return name, problem
    if record.type == "form" and not record.deleted:
        for path, problem in answer_problems(record.fields)[:1]:
            return path, problem
    if len(json.dumps(record.fields, separators=(",", ":"))) > MAX_RECORD_BYTES:
        return None, Problem(
            "too_large",
            f"This record is larger than {MAX_RECORD_BYTES // 1000} kB; it cannot be stored.",
        )
    return None


def references(record: PushRecord) -> Iterable[tuple[str, str, str]]:
    """(field, record type, id) of every record this one names."""
    if record.deleted:
        return
    for name, kind in FIELDS[record.type].items():
        value = record.fields.get(name)
        if kind.ref is not None and isinstance(value, str):
            yield name, kind.ref, value


def check_references(
    session: Session, suite: str, checked: list[Checked], refused: list[Refused]
) -> list[Checked]:
    """Check 5: refuse records naming what is neither stored in the suite nor in the batch;
    repeated until nothing more is refused (a refused parent refuses its children)."""
    wanted = {rid for c in checked for _, _, rid in references(c.record)}
    stored = _stored_types(session, suite, wanted - {c.record.id for c in checked})
    refused_ids = {r.id for r in refused if r.id}
    while True:
        in_batch = {c.record.id: c.record.type for c in checked}
        newly = [r for c in checked if (r := _missing(c, in_batch, stored, refused_ids))]
        if not newly:
            return checked
        refused += newly
        gone = {r.index for r in newly}
        refused_ids |= {r.id for r in newly if r.id}
        checked = [c for c in checked if c.index not in gone]


def _missing(
    item: Checked, in_batch: dict[str, str], stored: dict[str, str], refused_ids: set[str]
) -> Refused | None:
    for name, kind, rid in references(item.record):
        found = in_batch.get(rid) or stored.get(rid)
        if found == kind:
            continue
        if rid in refused_ids:
            problem = Problem(
                "parent_refused",
                f"Its {kind} was refused in the same batch; it is sent again once that is fixed.",
            )
        elif found is not None:
            problem = Problem("unknown_reference", f"The {name} names a {found}, not a {kind}.")
        else:
            problem = Problem(
                "unknown_reference", f"The {kind} it belongs to is not on the central store."
            )
        return Refused(
            item.index, item.record.id, item.record.type, problem.code, name, problem.message
        )
    return None


def _stored_types(session: Session, suite: str, ids: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        query = select(Record.id, Record.type).where(Record.suite == suite, Record.id.in_(chunk))
        found.update({row.id: row.type for row in session.execute(query)})
    return found
