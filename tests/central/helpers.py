"""Small helpers the central tests share: records to push and an enrolled workstation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from central.auth import create_enrolment_code


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
        response = self.push_response(*records, batch_id=batch_id)
        assert response.status_code == 200, response.text
        return response.json()["results"]

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
