"""The lock files: every dependency, direct and transitive, at one version with its hashes.

    python tools/lock.py check     exit 1, saying what to run, when pyproject.toml changed
                                   since the lock files were made (``make`` runs this first)
    python tools/lock.py update    remake them with uv (``make lock`` installs uv and runs this)

``pyproject.toml`` holds the ranges a human chose; ``requirements/*.txt`` the exact versions that
were tested, for every platform and Python the project supports (uv's universal resolution, so
the Windows build installs from the same files as Linux). Each lock starts with a digest of the
parts of ``pyproject.toml`` it was made from; ``check`` compares it. Standard library only: it
runs before any virtual environment exists.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
LOCK_DIR = ROOT / "requirements"
REGENERATE = "make lock"
# name -> (extras, what it is for). `dev` is resolved first; the others are held to its versions
# so a package has one version in every lock.
LOCKS: dict[str, tuple[tuple[str, ...], str]] = {
    "dev": (("central", "test", "dist"), "make run / make test / make dist and CI"),
    "build": (("dist",), "the installer build: the desk and PyInstaller, no server"),
    "central": (("central",), "a central store server"),
}
DIGEST_PREFIX = "# pyproject-digest: "


def inputs_digest(pyproject: Path = PYPROJECT) -> str:
    """SHA-256 of what the locks are made from: requirements, extras, Python, build backend."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data["project"]
    inputs = {
        "build-system": data.get("build-system", {}).get("requires", []),
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def lock_path(name: str) -> Path:
    return LOCK_DIR / f"{name}.txt"


def recorded_digest(path: Path) -> str | None:
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line.removeprefix(DIGEST_PREFIX).strip()
    return None


def stale_locks(pyproject: Path = PYPROJECT, lock_dir: Path = LOCK_DIR) -> list[str]:
    digest = inputs_digest(pyproject)
    return [name for name in LOCKS if recorded_digest(lock_dir / f"{name}.txt") != digest]


def check() -> int:
    stale = stale_locks()
    if not stale:
        return 0
    names = ", ".join(f"requirements/{name}.txt" for name in stale)
    print(
        f"The lock files are out of date: {names} not made from the current pyproject.toml "
        f"(a dependency, an extra, the Python range or the build backend changed, or a lock "
        f"file is missing).\nRun `{REGENERATE}` (or `python tools/lock.py update` with uv "
        f"installed) and commit pyproject.toml together with requirements/*.txt.",
        file=sys.stderr,
    )
    return 1


def _compile(name: str, extras: tuple[str, ...], backend: Path, constraints: Path | None) -> None:
    command = [
        sys.executable, "-m", "uv", "pip", "compile", "pyproject.toml", str(backend),
        "--universal", "--generate-hashes", "--quiet", "--no-header",
        "--output-file", str(lock_path(name)),
    ]  # fmt: skip
    for extra in extras:
        command += ["--extra", extra]
    if constraints is not None:
        command += ["--constraints", str(constraints)]
    subprocess.run(command, cwd=ROOT, check=True)


def _versions_only(lock: Path, target: Path) -> Path:
    """The lock's `name==version ; marker` lines without hashes, usable as uv constraints."""
    lines = [
        line.rstrip(" \\")
        for line in lock.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith((" ", "#"))
    ]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def update() -> int:
    LOCK_DIR.mkdir(exist_ok=True)
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    digest = inputs_digest()
    with tempfile.TemporaryDirectory() as tmp:
        # The build backend is locked too: `pip install --no-build-isolation -e .` uses it.
        backend = Path(tmp) / "build-backend.in"
        backend.write_text("\n".join(data["build-system"]["requires"]) + "\n", encoding="utf-8")
        constraints = None
        for name, (extras, purpose) in LOCKS.items():
            _compile(name, extras, backend, constraints)
            path = lock_path(name)
            header = [
                f"# {path.relative_to(ROOT)}: {purpose}.",
                f"# Made by `{REGENERATE}` from pyproject.toml (extras: {', '.join(extras)}).",
                "# Do not edit: change the ranges in pyproject.toml and run it again.",
                f"{DIGEST_PREFIX}{digest}",
            ]
            body = path.read_text(encoding="utf-8")
            # uv names its inputs by path: name them as a reader of the lock knows them.
            body = body.replace(str(backend), "[build-system] requires").replace(
                str(Path(tmp) / "dev-versions.txt"), "requirements/dev.txt"
            )
            path.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
            if constraints is None:
                constraints = _versions_only(path, Path(tmp) / "dev-versions.txt")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


def main(argv: list[str]) -> int:
    if argv[1:] == ["check"]:
        return check()
    if argv[1:] == ["update"]:
        return update()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
