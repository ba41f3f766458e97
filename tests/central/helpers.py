"""Small helpers the central tests share: records to push and an enrolled workstation.

``record`` builds any record, valid or not; ``person``, ``episode``, ``form``, ``notice``,
``appointment`` and ``audit_event`` build records that follow the wire contract
(app/sync/wire.py), as a workstation writes them, with any field overridden.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from central.auth import create_enrolment_code
from central.db import next_seq, write_session
from central.models import Record, RecordVersion, utcnow


def new_id() -> str:
    return str(uuid.uuid4())


def record(
    type: str,
    id: str | None = None,
    base_rev: int | None = None,
    deleted: bool = False,
    resolves: list[int] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    body = {
        "type": type,
        "id": id or new_id(),
        "base_rev": base_rev,
        "deleted": deleted,
        "fields": fields,
    }
    if resolves:
        body["resolves"] = resolves
    return body


def person(**fields: Any) -> dict[str, Any]:
    values = {"family_name": "Smith", "given_names": "Jo", "date_of_birth": "1990-01-01"}
    return record("person", **{**values, "pnc_id": None, "postcode": "NG1 1AA", **fields})


def episode(person_id: str, **fields: Any) -> dict[str, Any]:
    values = {"custody_record_number": "52/11111/26", "arrived_at": "2026-04-02T09:00:00+00:00"}
    return record("episode", person_id=person_id, **{**values, "status": "open", **fields})


def form(episode_id: str, form_key: str, answers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    values = {"form_version": 1, "status": "draft", **fields}
    return record("form", episode_id=episode_id, form_key=form_key, answers=answers, **values)


def notice(episode_id: str, **fields: Any) -> dict[str, Any]:
    values = {"kind": "ra1", "reference": "RA1-2026-0001", "content": {"text": "Attend at the AOT"}}
    return record(
        "notice", episode_id=episode_id, **{**values, "issued_at": "2026-04-02T10:00:00Z", **fields}
    )


def appointment(episode_id: str, **fields: Any) -> dict[str, Any]:
    values = {"kind": "initial", "at": "2026-04-03T10:00:00+01:00", "place": "AOT"}
    return record("appointment", episode_id=episode_id, **{**values, "status": "booked", **fields})


def audit_event(**fields: Any) -> dict[str, Any]:
    """An audit event whose hash is its true digest (the central store checks it links to the
    device's chain, central/anchors.py) unless ``hash`` is given; ``prev_hash`` defaults to
    the chain's start."""
    values = {"seq": 1, "at": "2026-04-02T10:00:00+00:00", "actor": "ann", "action": "consultation"}
    event = record("audit_event", **{**values, "detail": {}, "prev_hash": "0" * 64, **fields})
    if "hash" not in fields:
        event["fields"]["hash"] = _digest(event)
    return event


def _digest(event: dict[str, Any]) -> str:
    from app.storage.anchor import digest_from_wire

    wire = {"actor_id": None, "record_type": None, "record_id": None, "reason": None}
    return digest_from_wire({**wire, **event["fields"], "id": event["id"]})


def next_event(previous: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The audit event after ``previous`` in a device's chain."""
    seq = previous["fields"]["seq"] + 1
    return audit_event(**{"seq": seq, "prev_hash": previous["fields"]["hash"], **fields})


def family(**person_fields: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A person and an episode of theirs, ready to push together."""
    someone = person(**person_fields)
    return someone, episode(someone["id"])


@dataclass
class Workstation:
    client: TestClient | httpx.Client
    device_id: str
    token: str
    suite: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def push_response(
        self, *records: dict[str, Any], batch_id: str | None = None
    ) -> httpx.Response:
        body = {
            "batch_id": batch_id or new_id(),
            "device_id": self.device_id,
            "records": list(records),
        }
        return self.client.post("/v1/push", json=body, headers=self.headers)

    def push(self, *records: dict[str, Any], batch_id: str | None = None) -> list[dict[str, Any]]:
        """Push records expected to be stored: a refusal fails the test."""
        answer = self.push_answer(*records, batch_id=batch_id)
        assert answer["refused"] == [], answer["refused"]
        return answer["results"]

    def push_answer(self, *records: dict[str, Any], batch_id: str | None = None) -> dict[str, Any]:
        response = self.push_response(*records, batch_id=batch_id)
        assert response.status_code == 200, response.text
        return response.json()

    def pull(self, cursor: int = 0, limit: int = 500, **params: Any) -> dict[str, Any]:
        response = self.client.get(
            "/v1/pull", params={"cursor": cursor, "limit": limit, **params}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    def pull_all(
        self, cursor: int = 0, limit: int = 500
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Follow next_cursor until ``more`` is false; returns every record and the last page."""
        records: list[dict[str, Any]] = []
        while True:
            page = self.pull(cursor, limit)
            records += page["records"]
            cursor = page["next_cursor"]
            if not page["more"]:
                return records, page

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.client.get(path, params=params, headers=self.headers)


@dataclass
class Enroller:
    client: TestClient
    engine: Engine

    def __call__(self, suite: str = "bridewell", name: str = "Bridewell desk 1") -> Workstation:
        code, _ = create_enrolment_code(self.engine, suite)
        response = self.client.post("/v1/enrol", json={"code": code, "device_name": name})
        assert response.status_code == 200, response.text
        body = response.json()
        return Workstation(self.client, body["device_id"], body["token"], body["suite"])


def plant(engine: Engine, suite: str, type: str, fields: Any, deleted: bool = False) -> str:
    """Store a record straight into the database, past every check: data written before the
    wire contract existed (or by hand). Returns its id."""
    record_id = new_id()
    with write_session(engine) as (session, info):
        seq, now = next_seq(info), utcnow()
        session.add(
            Record(id=record_id, type=type, suite=suite, rev=1, seq=seq, deleted=deleted,
                   fields=fields, updated_at=now)
        )  # fmt: skip
        session.add(
            RecordVersion(record_id=record_id, rev=1, seq=seq, deleted=deleted, fields=fields,
                          created_at=now)
        )  # fmt: skip
    return record_id
