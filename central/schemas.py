"""Request and response bodies of the HTTP API (pydantic), shared with the OpenAPI schema.

Every string that reaches the database is checked for what PostgreSQL cannot store (NUL, lone
surrogates), and JSON documents for depth, so a malformed request is a 422 that names the
problem instead of a database error.
"""

from __future__ import annotations

import math
import uuid
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from central.record_types import APPEND_ONLY_TYPES, RECORD_TYPES

MAX_DEPTH = 32
MAX_RECORDS_PER_BATCH = 1000
MAX_INT = 2**63 - 1


def _check_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain the NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


def _check_json(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite")
    return value


def _check_uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise ValueError("must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e") from None


SafeText = Annotated[str, AfterValidator(_check_text)]
UUIDText = Annotated[str, Field(min_length=32, max_length=45), AfterValidator(_check_uuid)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_check_json)]
Revision = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnrolRequest(Strict):
    code: Annotated[SafeText, Field(min_length=1, max_length=64)]
    device_name: Annotated[SafeText, Field(min_length=1, max_length=200)]


class EnrolResponse(BaseModel):
    device_id: str
    token: str
    suite: str


class HelloRequest(Strict):
    protocol_version: Annotated[int, Field(ge=0, le=1_000_000)]
    app_version: Annotated[SafeText, Field(min_length=1, max_length=64)]


class HelloResponse(BaseModel):
    ok: bool
    protocol_version: int
    min_protocol_version: int
    server_time: str = Field(description="For information only; never used for ordering.")
    store_epoch: str
    device_id: str
    suite: str


class PushRecord(Strict):
    type: Literal[RECORD_TYPES]  # type: ignore[valid-type]
    id: UUIDText
    base_rev: Revision | None = None
    deleted: bool = False
    fields: JsonObject
    resolves: Annotated[list[Annotated[int, Field(ge=1, le=MAX_INT)]], Field(max_length=100)] = []

    def problems(self) -> list[str]:
        """Rules pydantic cannot express; each message names the record."""
        out = []
        if self.type in APPEND_ONLY_TYPES and self.deleted:
            out.append(
                f"{self.type} {self.id}: {self.type} records are append-only; they cannot be deleted"
            )
        if self.type == "form" and not self.deleted:
            if not isinstance(self.fields.get("form_key"), str) or not self.fields["form_key"]:
                out.append(f"form {self.id}: fields.form_key must be a non-empty string")
            elif len(self.fields["form_key"]) > 32:
                out.append(f"form {self.id}: fields.form_key must be at most 32 characters")
            if not isinstance(self.fields.get("answers", {}), dict):
                out.append(f"form {self.id}: fields.answers must be an object")
        return out


class PushRequest(Strict):
    batch_id: UUIDText
    device_id: UUIDText
    records: Annotated[list[PushRecord], Field(max_length=MAX_RECORDS_PER_BATCH)]


class ConflictOut(BaseModel):
    id: int
    record_id: str
    record_type: str
    field: str
    yours: Any = Field(description="The pushing device's value; absent when it removed it.")
    theirs: Any
    yours_present: bool = True
    theirs_present: bool = True
    winner: Literal["theirs", "yours"]
    base_rev: int | None
    rev: int
    device_id: str
    created_at: str


class PushResult(BaseModel):
    id: str
    rev: int
    seq: int
    status: Literal["applied", "merged", "conflict", "unchanged"]
    conflicts: list[ConflictOut] = []


class PushResponse(BaseModel):
    batch_id: str
    replayed: bool = False
    results: list[PushResult]


class RecordOut(BaseModel):
    type: str
    id: str
    rev: int
    seq: int
    deleted: bool
    fields: dict[str, Any]
    updated_at: str


class ReferenceOut(BaseModel):
    name: str
    version: int
    seq: int
    content: Any
    updated_at: str


class PullResponse(BaseModel):
    cursor: int
    next_cursor: int
    more: bool
    reset: bool = False
    message: str | None = None
    store_epoch: str
    high_water: int
    records: list[RecordOut]
    reference: list[ReferenceOut]
    conflicts: list[ConflictOut]
