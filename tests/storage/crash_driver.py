"""Run a store operation in a forked child and SIGKILL it at its N-th step, for every N.

Used by the crash tests: ``python -m tests.storage.crash_driver OPERATION BASE_DIR [ARGS]``
prints one JSON line per kill point: {"step": n, "killed": bool, "what": "...", "dir": "..."}.
A step is every file-system call the operation makes inside its data folder (Python's audit
events: open, rename/replace, remove, mkdir, chmod, mkstemp) and every SQL statement and
commit (SQLAlchemy events), so the kill lands before each one in turn: between any two writes
of the operation. The last line has killed=false: the operation ran to the end.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path

FS_EVENTS = {"open", "os.rename", "os.remove", "os.mkdir", "os.chmod", "tempfile.mkstemp"}


def _install(base: Path, kill_at: int, trace: list[str]) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    root = str(base)

    def step(what: str) -> None:
        trace.append(what)
        if len(trace) == kill_at:
            os.write(3, json.dumps(what).encode() + b"\n")
            os.kill(os.getpid(), signal.SIGKILL)

    def fs_hook(name: str, args: tuple) -> None:
        if name in FS_EVENTS and args and str(args[0]).startswith(root):
            mode = args[1] if name == "open" and len(args) > 1 else ""
            if name == "open" and mode in ("r", "rb", None) and not (len(args) > 2 and args[2]):
                return  # reading changes nothing
            step(f"{name} {Path(str(args[0])).name} {mode}".strip())

    sys.addaudithook(fs_hook)
    from app.storage import rekey

    rekey._step = step  # the raw re-encryption runs outside SQLAlchemy's events
    event.listen(Engine, "before_cursor_execute", lambda *a: step(f"sql {a[2][:40]!r}"))
    event.listen(Engine, "commit", lambda *a: step("commit"))


def _operation(name: str, base: Path, extra: list[str]):
    from app.storage import keyslots, store

    keyslots.ARGON2_PARAMS.update(time_cost=1, memory_cost=8192, parallelism=1)
    if name == "init":
        return lambda: store.initialise(base, "lead", "Team Lead", extra[0])[0].close()
    if name == "remove-worker":  # extra: lead's passphrase, the worker to remove

        def remove() -> None:
            lead = store.open_store(base, "lead", extra[0])
            try:
                lead.remove_worker(extra[1])
            finally:
                lead.close()

        return remove
    raise SystemExit(f"unknown operation {name}")


def _template(name: str, root: Path, extra: list[str]) -> Path | None:
    """The store an operation starts from, made once (before any kill)."""
    if name == "init":
        return None
    from app.storage import store

    template = root / "template"
    lead, _ = store.initialise(template, "lead", "Team Lead", extra[0])
    lead.add_worker(extra[1], "A Worker", extra[2])
    lead.close()
    return template


def main() -> None:
    name, base_dir, *extra = sys.argv[1:]
    root = Path(base_dir)
    _operation(name, root, extra)  # import everything before forking
    template = _template(name, root, extra)
    kill_at = 1
    while True:
        target = root / f"run-{kill_at:04d}"
        target.mkdir(parents=True)
        data = target / "data"
        if template is not None:
            shutil.copytree(template, data)
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            os.dup2(write_fd, 3)
            _install(data, kill_at, [])
            _operation(name, data, extra)()
            os._exit(0)
        os.close(write_fd)
        _, status = os.waitpid(pid, 0)
        with os.fdopen(read_fd) as pipe:
            what = pipe.read().strip()
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        if not killed and os.WEXITSTATUS(status) != 0:
            raise SystemExit(f"step {kill_at}: the operation failed on its own")
        print(json.dumps({"step": kill_at, "killed": killed, "what": what, "dir": str(data)}))
        sys.stdout.flush()
        if not killed:
            return
        kill_at += 1


if __name__ == "__main__":
    main()
