"""The sync row's fair baseline: the least a server of the same kind can do with one shift.

    python -m bench.fair_endpoint --port PORT --database-url URL

One FastAPI endpoint served by uvicorn, as ``cjit-central serve`` is: ``POST /rows`` takes the
records exactly as the sync sends them (``{"records": [{type, id, base_rev, deleted,
fields}, …]}``), and inserts them into a table shaped like the central store's ``records``
with ONE ``executemany`` in one transaction, into the same kind of database (SQLite file in
WAL mode, or PostgreSQL). No authentication, no checks against the forms, no versions, no
merge, no sequence lock, no acknowledgement beyond a count: "these rows landing in a database
across a loopback HTTP hop", which is what issue 16 asks the sync to be compared with.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from fastapi import FastAPI, Request
from sqlalchemy import create_engine, text

TABLE = """CREATE TABLE IF NOT EXISTS fair_records (
    id VARCHAR(36) PRIMARY KEY, type VARCHAR(32) NOT NULL, suite VARCHAR(64) NOT NULL,
    rev INTEGER NOT NULL, deleted BOOLEAN NOT NULL, fields {json} NOT NULL,
    updated_at VARCHAR(40) NOT NULL)"""


def create_app(database_url: str) -> FastAPI:
    engine = create_engine(database_url)
    kind = "JSONB" if engine.dialect.name == "postgresql" else "TEXT"
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.execute(text(TABLE.format(json=kind)))
    insert = (
        "INSERT INTO fair_records (id, type, suite, rev, deleted, fields, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    if engine.dialect.name == "sqlite":
        insert = insert.replace("%s", "?")
    app = FastAPI()

    @app.post("/rows")
    async def rows(request: Request) -> dict[str, int]:
        body = await request.json()
        now = datetime.now(UTC).isoformat()
        values = [
            (r["id"], r["type"], "bench", 1, bool(r["deleted"]), json.dumps(r["fields"]), now)
            for r in body["records"]
        ]
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.executemany(insert, values)
            raw.commit()
        finally:
            raw.close()
        return {"stored": len(values)}

    @app.get("/healthz")
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    uvicorn.run(create_app(args.database_url), host="127.0.0.1", port=args.port,
                log_level="warning", access_log=False)  # fmt: skip


if __name__ == "__main__":
    main()
