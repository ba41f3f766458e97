"""Dependencies: ranges in pyproject.toml, exact versions with hashes in requirements/*.txt, and
a workstation install without the central store's server stack."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tools import lock

ROOT = Path(__file__).resolve().parent.parent
SERVER_PACKAGES = {"fastapi", "starlette", "uvicorn", "psycopg", "psycopg-binary", "pydantic"}
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)")


def locked(name: str) -> dict[str, str]:
    versions = {}
    for line in lock.lock_path(name).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            versions[match[1].lower()] = match[2]
    return versions


def requirement_name(requirement: str) -> str:
    return re.split(r"[\s\[<>=~!;]", requirement, maxsplit=1)[0].lower()


def test_the_lock_files_were_made_from_the_current_pyproject():
    assert lock.stale_locks() == [], "run `make lock` and commit requirements/*.txt"


def test_a_changed_pyproject_makes_the_lock_check_fail_with_the_command_to_run(tmp_path):
    for part in ("tools", "requirements"):
        shutil.copytree(ROOT / part, tmp_path / part)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        text.replace('"phonenumberslite~=9.0",', '"phonenumbers~=9.0",\n    "zxcvbn~=4.5",'),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "tools/lock.py", "check"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "requirements/dev.txt" in done.stderr and "make lock" in done.stderr
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    again = subprocess.run([sys.executable, "tools/lock.py", "check"], cwd=tmp_path)
    assert again.returncode == 0


def test_every_locked_requirement_carries_a_hash():
    for name in lock.LOCKS:
        blocks = lock.lock_path(name).read_text(encoding="utf-8").split("\n")
        for index, line in enumerate(blocks):
            if PIN.match(line):
                assert blocks[index + 1].strip().startswith("--hash=sha256:"), (name, line)


def test_a_package_has_the_same_version_in_every_lock():
    dev = locked("dev")
    for name in ("build", "central"):
        for package, version in locked(name).items():
            assert dev.get(package) == version, (name, package, version, dev.get(package))


def test_every_direct_dependency_is_locked_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dev = locked("dev")
    wanted = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    assert {requirement_name(r) for r in wanted} <= set(dev)
    assert dev["pyside6"] == "6.11.3"  # the deliberate pin (see pyproject.toml)


def test_the_desk_installs_no_server_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    desk = {requirement_name(r) for r in project["dependencies"]}
    assert not desk & SERVER_PACKAGES
    assert not set(locked("build")) & SERVER_PACKAGES  # the installer build's lock, transitively
    assert {"fastapi", "uvicorn", "psycopg"} <= set(locked("central"))


# Runs `cjit-central` as a desk-only installation sees it: the server packages cannot be found.
WITHOUT_SERVER = """
import importlib.abc, sys
class DeskOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"fastapi", "uvicorn", "pydantic", "psycopg", "starlette"}:
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, DeskOnly())
import importlib.util
real = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name in {"fastapi", "uvicorn", "pydantic",
    "psycopg"} else real(name, *a)
sys.argv = ["cjit-central"] + sys.argv[1:]
from central.__main__ import main
sys.exit(main())
"""


def test_cjit_central_without_the_extra_says_what_to_install(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_SERVER, "--data-dir", str(tmp_path), "new-epoch"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "cjit-desk[central]" in done.stderr and "requirements/central.txt" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "central.db").exists()


def test_make_run_carries_on_offline_without_the_extra(tmp_path, monkeypatch, capsys):
    from app import trial_central
    from app.config import Settings

    real = trial_central.find_spec
    monkeypatch.setattr(
        trial_central, "find_spec", lambda name: None if name == "fastapi" else real(name)
    )
    handle = trial_central.start(tmp_path, Settings(data_dir=tmp_path / "data"))
    assert handle.url is None and handle.process is None
    assert "fastapi missing" in capsys.readouterr().out
    assert not (tmp_path / "central").exists()


def test_starlettes_test_client_finds_the_http_client_it_is_built_on():
    import importlib
    import warnings

    import starlette.testclient

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the deprecation warning about httpx fails this test
        importlib.reload(starlette.testclient)
