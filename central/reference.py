"""Reference data: named JSON documents every workstation pulls (trigger offences, SPOC list…).

Loading takes the store's write lock and a sequence number per changed document, so a changed
document reaches every client on its next pull, ordered with the records.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from central.db import next_seq, write_session
from central.models import ReferenceDocument, utcnow
from central.record_types import REFERENCE_DOCUMENTS

log = logging.getLogger(__name__)


class ReferenceDataError(Exception):
    """A reference folder cannot be loaded; nothing was changed."""


@dataclass(frozen=True)
class Loaded:
    name: str
    version: int
    changed: bool


def read_folder(directory: Path) -> tuple[dict[str, Any], list[str]]:
    """The documents found (by name) and the names of JSON files that are not reference data."""
    if not directory.is_dir():
        raise ReferenceDataError(f"{directory} is not a folder")
    found: dict[str, Any] = {}
    ignored: list[str] = []
    for path in sorted(directory.glob("*.json")):
        if path.stem not in REFERENCE_DOCUMENTS:
            ignored.append(path.name)
            continue
        try:
            found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReferenceDataError(
                f"{path.name} is not valid JSON ({exc}); nothing was loaded"
            ) from None
    return found, ignored


def content_digest(content: Any) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def store_documents(engine: Engine, documents: dict[str, Any]) -> list[Loaded]:
    """Store all documents in one transaction; unchanged ones keep their version."""
    unknown = sorted(set(documents) - set(REFERENCE_DOCUMENTS))
    if unknown:
        raise ReferenceDataError(f"unknown reference documents: {', '.join(unknown)}")
    loaded = []
    with write_session(engine) as (session, info):
        for name in sorted(documents):
            content, digest = documents[name], content_digest(documents[name])
            row = session.get(ReferenceDocument, name)
            if row is not None and row.content_digest == digest:
                loaded.append(Loaded(name, row.version, False))
                continue
            if row is None:
                row = ReferenceDocument(name=name, version=0)
                session.add(row)
            row.version += 1
            row.seq = next_seq(info)
            row.content, row.content_digest, row.updated_at = content, digest, utcnow()
            loaded.append(Loaded(name, row.version, True))
    log.info("reference loaded=%d changed=%d", len(loaded), sum(x.changed for x in loaded))
    return loaded


def load_folder(engine: Engine, directory: Path) -> tuple[list[Loaded], list[str]]:
    documents, ignored = read_folder(directory)
    return store_documents(engine, documents), ignored
