"""Two real ``serve`` processes over one database, pushed to concurrently while a puller follows.

What must hold (docs/sync-protocol.md, "Ordering"): no sequence number is handed out twice or
skipped, and a puller following ``next_cursor`` never misses a change, even one that committed
after a change with a higher sequence number had been read.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from central.auth import create_enrolment_code
from central.db import make_engine
from tests.central.helpers import Workstation, person
from tests.central.pg import create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
PUSHERS, BATCHES, NEW_PER_BATCH = 4, 12, 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_database(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
        return
    url = create_database("_e2e")
    yield url
    drop_database(url)


def _start(database_url: str, data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    # A file, not a pipe nobody reads: a full pipe would freeze the server mid-request.
    log = (data_dir / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "central",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--database-url",
            database_url,
            "--data-dir",
            str(data_dir),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    log.close()  # the child has its own copy
    return process, f"http://127.0.0.1:{port}"


def _wait_until_up(process: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve at {url} exited; see serve-*.log beside its data")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"serve at {url} did not come up")


@pytest.fixture
def two_servers(shared_database, tmp_path) -> Iterator[list[str]]:
    # Started together on purpose: both migrate the same empty database at once.
    started = [_start(shared_database, tmp_path) for _ in range(2)]
    try:
        for process, url in started:
            _wait_until_up(process, url)
        yield [url for _, url in started]
    finally:
        for process, _ in started:
            process.terminate()
            process.wait(timeout=10)


def _enrol(engine, url: str, name: str) -> Workstation:
    code, _ = create_enrolment_code(engine, "bridewell")
    client = httpx.Client(base_url=url, timeout=30)
    body = client.post("/v1/enrol", json={"code": code, "device_name": name}).json()
    return Workstation(client, body["device_id"], body["token"], body["suite"])


def _pusher(desk: Workstation, acks: list, created: list) -> None:
    previous: dict | None = None
    for _ in range(BATCHES):
        batch = [person(postcode=f"NG{i} 1AA") for i in range(NEW_PER_BATCH)]
        if previous is not None:  # edit one record of the last batch: a second rev
            edited = {**previous["fields"], "postcode": "NG9 9ZZ"}
            batch.append({**previous, "base_rev": 1, "fields": edited})
        acks += desk.push(*batch)
        created += [r["id"] for r in batch[:NEW_PER_BATCH]]
        previous = batch[0]


def _puller(desk: Workstation, stop: threading.Event, seen: list) -> None:
    cursor = 0
    while True:
        done = stop.is_set()  # read before pulling, so the last pass starts after all pushes
        page = desk.pull(cursor, limit=7)
        seen += [(r["id"], r["rev"], r["seq"]) for r in page["records"]]
        cursor = page["next_cursor"]
        if done and not page["more"]:
            return


@pytest.mark.slow
def test_concurrent_pushes_through_two_servers_get_unique_gapless_seqs_and_a_puller_misses_nothing(
    two_servers, shared_database
):
    engine = make_engine(shared_database)
    desks = [_enrol(engine, two_servers[i % 2], f"Desk {i}") for i in range(PUSHERS)]
    reader = _enrol(engine, two_servers[1], "Reader")
    acks: list = []
    created: list = []
    stop, seen = threading.Event(), []
    puller = threading.Thread(target=_puller, args=(reader, stop, seen))
    puller.start()
    threads = [threading.Thread(target=_pusher, args=(d, acks, created)) for d in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    puller.join(timeout=60)
    engine.dispose()

    changes = PUSHERS * (BATCHES * NEW_PER_BATCH + BATCHES - 1)
    seqs = sorted(a["seq"] for a in acks)
    assert seqs == list(range(1, changes + 1))  # none twice, none skipped
    pulled_seqs = [seq for _, _, seq in seen]
    assert pulled_seqs == sorted(set(pulled_seqs))  # each change seen once, in order
    final = {a["id"]: a["rev"] for a in sorted(acks, key=lambda a: a["seq"])}
    assert {i: rev for i, rev, _ in seen} == final  # the puller's copy is the server's
    assert set(created) <= {i for i, _, _ in seen}
