"""Request and response bodies of the HTTP API (pydantic): the one description of each, used by
the handlers (``response_model``), by ``views`` to build them and by the OpenAPI schema.

Every string that reaches the database is checked for what PostgreSQL cannot store (NUL, lone
surrogates), JSON documents for depth and size, integers for the columns they go into, so a
malformed request is a 4xx that names the problem instead of a database error.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from app.sync.wire import MAX_DEPTH, check_json, text_problem
from central.record_types import RECORD_TYPES

MAX_RECORDS_PER_BATCH = 1000
MAX_INT = 2**63 - 1
MAX_INT32 = 2**31 - 1  # revisions and conflict ids are INTEGER columns


def _check_text(value: str) -> str:
    if problem := text_problem(value, "text"):
        raise ValueError(problem.message.replace("The text ", "text "))
    return value


def _check_json(value: Any) -> Any:
    if problem := check_json(value, "fields"):
        raise ValueError(problem.message)
    return value


UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_UUID = re.compile(UUID_PATTERN)
MONTH_PATTERN = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"  # the wire contract's years, 1900-2099
HASH_PATTERN = r"^[0-9a-f]{64}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# What each pattern means, for a person (central.errors turns pydantic's message into this).
PATTERN_WORDS = {
    UUID_PATTERN: "must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e",
    MONTH_PATTERN: "must be a month written YYYY-MM, e.g. 2026-04 (years 1900-2099)",
    HASH_PATTERN: "must be a SHA-256 hash: 64 lower-case hexadecimal digits",
    DATE_PATTERN: "must be a date written YYYY-MM-DD, e.g. 2025-04-01",
}


def _check_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a date such as 2025-04-01") from None
    return value


DateText = Annotated[
    str,
    Field(pattern=DATE_PATTERN),
    AfterValidator(_check_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]


def _check_uuid(value: str) -> str:
    # Only the canonical form (what uuid.uuid4() prints), so the schema's pattern is the
    # whole truth: no braces, URNs or missing dashes that a pattern would have to describe.
    if not _UUID.match(value):
        raise ValueError("must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e")
    return str(uuid.UUID(value))


SafeText = Annotated[str, AfterValidator(_check_text)]
UUIDText = Annotated[
    str,
    Field(min_length=36, max_length=36),
    AfterValidator(_check_uuid),
    WithJsonSchema({"type": "string", "format": "uuid", "pattern": UUID_PATTERN}),
]
JsonObject = Annotated[dict[str, Any], AfterValidator(_check_json)]


def _whole(value: Any) -> Any:
    """JSON Schema's integer: 3 and 3.0, not true or "3" (the models are strict otherwise)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


Revision = Annotated[int, Field(ge=1, le=MAX_INT32), BeforeValidator(_whole)]


class Strict(BaseModel):
    # strict: JSON true is not the number 1, "2" not 2 (the schema says integer, so must we)
    model_config = ConfigDict(extra="forbid", strict=True)


# --- errors ----------------------------------------------------------------------------------


class FieldError(BaseModel):
    field: str = Field(description="Where, e.g. 'records[0].id' or 'request body'.")
    message: str


class ErrorBody(BaseModel):
    """Every refusal: a sentence for a person and a machine code (docs/sync-protocol.md 2)."""

    detail: str
    code: str = Field(
        description="unauthenticated, wrong_device, enrolment_refused, batch_id_reused, "
        "too_large, invalid_request, upgrade_required, too_many_attempts, not_found, "
        "server_error…"
    )
    errors: list[FieldError] | None = Field(None, description="422 only: each problem.")
    min_protocol_version: int | None = Field(None, description="426 only.")
    max_bytes: int | None = Field(None, description="413 only: the body limit in bytes.")
    retry_after: int | None = Field(
        None, description="429 only: seconds to wait (also the Retry-After header)."
    )


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented refusals of an operation, all with the one error body."""
    words = {
        401: "No, unknown or revoked device token (checked before the body is read)",
        403: "Wrong device, or enrolment refused",
        409: "The batch_id was already used for a different batch; nothing was stored",
        413: "The body is larger than the limit (counted on the bytes sent, chunked or not)",
        422: "Malformed request: 'errors' lists each problem",
        426: "This client's protocol is too old: upgrade it",
        429: "Too many wrong enrolment codes: wait Retry-After seconds",
    }
    out: dict[int | str, dict[str, Any]] = {
        s: {"model": ErrorBody, "description": words[s]} for s in statuses
    }
    if 429 in out:
        out[429]["headers"] = {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        }
    return out


# --- enrolment and hello ---------------------------------------------------------------------


class EnrolRequest(Strict):
    code: Annotated[SafeText, Field(min_length=1, max_length=64)]
    device_name: Annotated[SafeText, Field(min_length=1, max_length=200)]


class EnrolResponse(BaseModel):
    device_id: str
    token: str
    suite: str
    anchor_public_key: str = Field(
        description="Base64 of the central store's Ed25519 key that signs audit receipts "
        "(POST /v1/anchor); the workstation pins it."
    )


class HelloRequest(Strict):
    protocol_version: Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(_whole)]
    app_version: Annotated[SafeText, Field(min_length=1, max_length=64)]


class HelloResponse(BaseModel):
    ok: bool
    protocol_version: int
    min_protocol_version: int
    server_time: str = Field(description="For information only; never used for ordering.")
    store_epoch: str
    device_id: str
    suite: str


class HealthResponse(BaseModel):
    ok: bool


# --- push ------------------------------------------------------------------------------------


class PushRecord(Strict):
    """One record as a workstation sends it. ``fields`` must follow the wire contract
    (``app/sync/wire.py``) and, for forms, the form's definition (``app/forms``)."""

    type: Literal[RECORD_TYPES]  # type: ignore[valid-type]
    id: UUIDText
    base_rev: Revision | None = None
    deleted: bool = False
    fields: JsonObject
    resolves: Annotated[list[Revision], Field(max_length=100)] = []


def _shallow(value: Any) -> Any:
    """JSON nested beyond reason is a malformed request, not an odd record (checked without
    recursion, so no depth can exhaust the stack)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            stack += [(v, depth + 1) for v in item]
    return value


# A record is parsed on its own (central.contract), so one odd record is refused alone instead
# of failing the whole request; the schema still shows what a record must be.
AnyRecord = Annotated[Any, AfterValidator(_shallow), WithJsonSchema(PushRecord.model_json_schema())]


class PushRequest(Strict):
    batch_id: UUIDText
    device_id: UUIDText
    records: Annotated[list[AnyRecord], Field(max_length=MAX_RECORDS_PER_BATCH)]
    then: Then | None = Field(
        None,
        description="Protocol 3: what to answer after the batch is stored, read in one "
        "snapshot taken after its commit (docs/sync-protocol.md 4.7). Not part of the batch: "
        "a replay with the same batch_id may ask for something else.",
    )


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


class StoredVersion(BaseModel):
    """What the central store holds now, when it differs from what was sent: the client
    rebases its copy on it (docs/sync-protocol.md 4.2) instead of waiting for a pull."""

    deleted: bool
    fields: dict[str, Any]


class PushResult(BaseModel):
    id: str
    rev: int
    seq: int
    status: Literal["applied", "merged", "conflict", "unchanged"]
    conflicts: list[ConflictOut] = []
    stored: StoredVersion | None = Field(
        None, description="Present when status is merged, conflict or unchanged."
    )


class Refusal(BaseModel):
    """A record the central store refused; the rest of the batch went on without it."""

    id: str | None = Field(description="The record id as sent (null if it had none).")
    index: int = Field(description="Its position in the batch's records.")
    type: str | None = None
    code: str = Field(
        description="invalid_record, unknown_field, missing_field, wrong_type, out_of_range, "
        "too_long, too_deep, too_large, not_allowed, unknown_reference, parent_refused, "
        "unknown_form_version, unknown_answer, append_only, id_taken, duplicate_in_batch, "
        "cannot_delete, audit_chain_broken"
    )
    field: str | None = Field(description="e.g. 'date_of_birth' or 'answers.tested_at'.")
    message: str


class PushResponse(BaseModel):
    batch_id: str
    replayed: bool = False
    results: list[PushResult]
    refused: list[Refusal] = []
    then: ThenAnswer | None = Field(None, description="Present when the request asked ``then``.")


# --- pull and counts -------------------------------------------------------------------------


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


class TypeCount(BaseModel):
    live: int
    deleted: int
    digest: str = Field(description='SHA-256 over the sorted lines "<id>:<rev>\\n".')


class CountsResponse(BaseModel):
    store_epoch: str
    as_of_seq: int
    open_conflicts: int
    reference: dict[str, int]
    types: dict[str, TypeCount]


# --- history and reports ---------------------------------------------------------------------
# Built from stored answers by central/history.py and central/reports.py; values that come
# straight from a stored record are typed Any: records stored before the wire contract existed
# may hold anything, and a history must still be served.


class PositiveTest(BaseModel):
    model_config = ConfigDict(extra="allow")
    form_id: str
    episode_id: str
    custody_record_number: Any = None
    tested_at: Any = None
    substances_positive: list[Any] = []
    disputed: bool = False
    authority: Any = None


class HistoryPerson(BaseModel):
    model_config = ConfigDict(extra="allow")
    person_id: str
    pnc_id: Any = None
    family_name: Any = None
    given_names: Any = None
    date_of_birth: Any = None
    positive_tests: list[PositiveTest]


class HistoryResponse(BaseModel):
    suite: str
    people: list[HistoryPerson]


class MonthOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    month: str
    successful_tests: int = 0
    positive_tests: int = 0
    positive_rate_percent: float | None = None
    inspector_authority_tests: int = 0
    required_assessments_made: int = 0
    attended: int = 0
    failed_to_attend: int = 0
    # Issue 13: the rest of the pathway (central.reports_pathway.PATHWAY_FIGURES).
    positive_opiates_only: int = 0
    positive_cocaine_only: int = 0
    positive_both: int = 0
    tests_confirmed_negative: int = 0
    initial_attended: int = 0
    initial_failed: int = 0
    follow_up_attended: int = 0
    follow_up_failed: int = 0
    failures_reported: int = 0
    rob_applied: int = 0
    rob_assessed: int = 0
    rob_failed: int = 0
    prison_referrals: int = 0
    prison_referrals_late: int = 0
    transfers_out: int = 0
    transfers_in: int = 0


class MonthlyResponse(BaseModel):
    suite: str
    months: list[MonthOut]


# --- the audit anchor (docs/security.md) -----------------------------------------------------

Hash = Annotated[str, Field(pattern=HASH_PATTERN)]


class AnchorClaim(Strict):
    """What the workstation holds of its audit chain (``app.storage.anchor.claim``)."""

    # the audit log's seq is an INTEGER column on the workstation
    audit_length: Annotated[int, Field(ge=0, le=MAX_INT32), BeforeValidator(_whole)]
    audit_head: Hash
    tl_key: Annotated[str, Field(max_length=100, pattern=r"^[0-9a-f]*$")] = ""


class Receipt(BaseModel):
    """Signed by the central store over the chain it holds from this device."""

    device_id: str
    length: int
    head: str
    issued_at: str
    signature: str = Field(description="Base64 Ed25519 signature (app/storage/anchor.py).")


class AnchorRefusal(BaseModel):
    id: str = Field(description="The device id.")
    code: Literal["audit_history_rewritten"]
    field: str = Field(description="audit_length, audit_head or tl_key")
    message: str


class AnchorResponse(BaseModel):
    receipt: Receipt | None = Field(
        description="Null until the central store holds an audit event from this device."
    )
    refused: list[AnchorRefusal] = []
    public_key: str = Field(
        description="The key that signs receipts, as answered at enrolment (a workstation "
        "enrolled before receipts existed pins it from here)."
    )


# --- protocol 3: what a push answers besides its acknowledgement (docs/sync-protocol.md 4.7) ---

# JSON's safe integers (2^53 - 1): every sequence number a store will reach, and a bound that a
# checker comparing numbers as doubles reads exactly (2^63 - 1 is not a double).
MAX_SAFE_INT = 2**53 - 1
Count = Annotated[int, Field(ge=0, le=MAX_SAFE_INT), BeforeValidator(_whole)]


class PullAsk(Strict):
    """The query of ``GET /v1/pull``, as an object."""

    cursor: Count = 0
    limit: Annotated[int, Field(ge=1, le=1000), BeforeValidator(_whole)] = 500
    epoch: Annotated[str, Field(max_length=64, pattern=r"^[0-9a-f-]+$")] | None = None
    skip_own: bool = False


class HistoryAsk(Strict):
    """The query of ``GET /v1/history`` (without ``pnc_id``: the sync asks for the suite)."""

    since: DateText | None = None


class Then(Strict):
    pull: PullAsk | None = Field(None, description="The first pull page, as GET /v1/pull.")
    counts: bool = Field(
        False,
        description="The count check, as GET /v1/counts, in the pull page's snapshot: given "
        "only when that page is the last (more and reset false), or when no pull is asked.",
    )
    history: HistoryAsk | None = Field(None, description="As GET /v1/history.")
    anchor: AnchorClaim | None = Field(None, description="As POST /v1/anchor.")


class ThenAnswer(BaseModel):
    pull: PullResponse | None = None
    counts: CountsResponse | None = None
    history: HistoryResponse | None = None
    anchor: AnchorResponse | None = None


PushRequest.model_rebuild()
PushResponse.model_rebuild()
