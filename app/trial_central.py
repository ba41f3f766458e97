"""The embedded central store behind ``make run``: a child ``python -m central serve`` on a free
loopback port, reference data loaded, and the demo workstation enrolled (once).

Robust by design: if the central store cannot start, the reason is printed and the demo carries
on offline (offline is a normal state).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import httpx

from app.config import Settings

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Handle:
    url: str | None
    process: subprocess.Popen | None = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _central(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "central", "--data-dir", str(data_dir), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip


def _wait_until_up(process: subprocess.Popen, url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"it exited with code {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"it did not answer within {seconds:.0f} seconds")


def _enrol_demo(settings: Settings, data_dir: Path, url: str) -> None:
    from app.cli import DEMO_PASSPHRASE, DEMO_WORKER
    from app.services import sync
    from app.services.workspace import Workspace
    from app.storage import store

    opened = store.open_store(settings.data_dir, DEMO_WORKER, DEMO_PASSPHRASE)
    try:
        workspace = Workspace(settings, opened)
        if not sync.is_enrolled(workspace):
            code = _central(data_dir, "enrol-code", "--suite", "bridewell").stdout.split()[0]
            sync.enrol(workspace, url, code)
            print("The demo workstation is enrolled with the embedded central store.")
    finally:
        opened.close()


# The server stack is the `central` extra (`make run` installs it); the desk runs without it.
SERVER_MODULES = ("central", "fastapi", "uvicorn", "pydantic")


def start(base: Path, settings: Settings) -> Handle:
    missing = [name for name in SERVER_MODULES if find_spec(name) is None]
    if missing:
        print(
            f"No embedded central store: this installation has the desk only "
            f"({', '.join(missing)} missing; pip install -e '.[central]' adds it). "
            f"Carrying on offline."
        )
        return Handle(None)
    data_dir = base / "central"
    data_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (data_dir / "central.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "central", "--data-dir", str(data_dir), "serve",
         "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    handle = Handle(url, process)
    try:
        _wait_until_up(process, url)
        _central(data_dir, "load-reference", str(ROOT / "resources"))
        _enrol_demo(settings, data_dir, url)
    except Exception as exc:  # noqa: BLE001 - the demo must start, online or not
        print(f"The embedded central store is not available ({exc}); carrying on offline.")
        print(f"Its log: {data_dir / 'central.log'}")
        handle.stop()
        return Handle(None)
    print(f"Embedded central store at {url} (data in {data_dir}).")
    return handle
