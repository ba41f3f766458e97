"""Sync state kept in the encrypted store's ``setting`` table (never in a plain file)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.storage.models import Setting
from app.storage.store import Store

DEVICE_ID = "device_id"
TOKEN = "device_token"
CENTRAL_URL = "central_url"
SUITE = "suite"
CURSOR = "sync_cursor"
EPOCH = "store_epoch"
HISTORY_DIGEST = "history_digest"  # of the last history answer placed (app/sync/history.py)
LAST_SYNC = "last_sync_at"  # read by app.services.sync_status for the status bar


def get(s: Session, key: str, default: Any = None) -> Any:
    row = s.get(Setting, key)
    return default if row is None or row.value is None else row.value


def put(s: Session, key: str, value: Any) -> None:
    s.merge(Setting(key=key, value=value))


def read(store: Store, *keys: str) -> dict[str, Any]:
    with store.session() as s:
        return {key: get(s, key) for key in keys}
