"""Limits that hold against a real ``cjit-central serve`` process (issue 11, item 6): a request
without a token is refused before its body is read, and the body limit counts the bytes
actually streamed, chunked or not. The server's memory is read from /proc (peak RSS)."""

from __future__ import annotations

import contextlib
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

from tests.central.helpers import new_id

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


@pytest.fixture
def serve(database_url, tmp_path) -> Iterator[tuple[str, int]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "central", "serve", "--port", str(port), "--log-level",
         "warning", "--database-url", database_url, "--data-dir", str(tmp_path)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        time.sleep(0.1)
    yield url, process.pid
    process.terminate()
    process.wait(10)


def _memory_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{key} not in /proc/{pid}/status")


def _chunked_upload(url: str, total: int, headers: dict[str, str]) -> tuple[int, int]:
    """POST /v1/push with a chunked body of ``total`` bytes while reading the answer; returns
    the HTTP status and how many body bytes could be sent before the server hung up."""
    port = int(url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock.sendall(
        b"POST /v1/push HTTP/1.1\r\nHost: central\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n" + head.encode() + b"\r\n"
    )
    sent = [0]

    def upload() -> None:
        chunk = b"[" + b" " * (MB - 2) + b"]"
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        with contextlib.suppress(OSError):
            while sent[0] < total:
                sock.sendall(frame)
                sent[0] += len(chunk)
            sock.sendall(b"0\r\n\r\n")

    uploader = threading.Thread(target=upload, daemon=True)
    uploader.start()
    answer = b""
    with contextlib.suppress(OSError):
        while b"\r\n" not in answer and (data := sock.recv(65536)):
            answer += data
    uploader.join(30)
    sock.close()
    return int(answer.split(b" ", 2)[1]), sent[0]


def test_a_300_mb_chunked_body_without_a_token_is_refused_before_it_is_read(serve):
    url, pid = serve
    before = _memory_kb(pid, "VmRSS")
    status, sent = _chunked_upload(url, 300 * MB, {})
    assert status == 401
    assert sent < 100 * MB  # the server hung up: most of the body was never accepted
    grown = (_memory_kb(pid, "VmHWM") - before) / 1024
    assert grown < 30, f"the server's peak memory grew by {grown:.0f} MB"
    assert httpx.get(f"{url}/healthz").status_code == 200


def test_a_100_mb_chunked_body_with_a_token_is_refused_with_413_after_the_limit(serve, enrol):
    url, pid = serve
    desk = enrol()
    before = _memory_kb(pid, "VmRSS")
    status, sent = _chunked_upload(url, 100 * MB, desk.headers)
    assert status == 413
    assert sent < 60 * MB
    grown = (_memory_kb(pid, "VmHWM") - before) / 1024
    assert grown < 60, f"the server's peak memory grew by {grown:.0f} MB"  # limit is 20 MB


def test_a_declared_length_over_the_limit_is_refused_at_once(serve, enrol):
    url, _ = serve
    headers = {**enrol().headers, "Content-Length": str(25 * MB)}
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"POST /v1/push HTTP/1.1\r\nHost: c\r\n{head}\r\n".encode())
        answer = b""
        while data := sock.recv(65536):  # the server closes the connection after answering
            answer += data
    assert answer.split(b" ", 2)[1] == b"413" and b'"too_large"' in answer


def test_a_body_within_the_limit_still_reaches_the_push(serve, enrol):
    url, _ = serve
    desk = enrol()
    body = {"batch_id": new_id(), "device_id": desk.device_id, "records": []}
    response = httpx.post(f"{url}/v1/push", json=body, headers=desk.headers)
    assert response.status_code == 200 and response.json()["results"] == []


def test_enrolment_takes_only_a_small_body(client):
    response = client.post("/v1/enrol", content=b"x" * (65 * 1024))
    assert response.status_code == 413 and response.json()["code"] == "too_large"
