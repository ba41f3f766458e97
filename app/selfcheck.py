"""``cjit-desk --self-check``: is everything the app needs present in this build, and working?

Run by IT after a rollout and by the installer test against the built folder. No display is
needed (Qt runs offscreen unless QT_QPA_PLATFORM says otherwise), nothing is left on disk (the
throw-away store lives in a temporary directory), no personal data is involved (the episode is
fictional) and nothing is logged. One line per check; exit 0, or 1 naming what is missing.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Resource files the app opens by name besides the reference documents (app/ui/theme.py).
UI_RESOURCES = ("ui/arrow-down.svg",)
MARKER = "SELFCHECK"  # the fictional family name; must never appear in the store's files
SQLITE_HEADER = b"SQLite format 3\x00"


class CheckFailed(Exception):
    """What is missing or broken, in words IT can act on."""


@dataclass(frozen=True)
class Result:
    name: str
    status: str  # "ok" or "FAIL"
    detail: str

    def line(self) -> str:
        return f"{self.status:<5}{self.name:<14}{self.detail}"


# --- core: no Qt ---------------------------------------------------------------------------


def check_settings(cli: dict[str, Any] | None = None, config_file: Path | None = None) -> str:
    from app.config import config_file_location, load_settings

    settings = load_settings(cli, config_file=config_file)  # ConfigError names the bad value
    if settings.ca_bundle and not settings.ca_bundle.is_file():
        raise CheckFailed(f"the CA bundle {settings.ca_bundle} does not exist")
    if settings.central_url:
        from app.sync.errors import SyncError
        from app.sync.transport import check_address

        try:  # https://, or plain http:// to this computer only (docs/deployment.md, TLS)
            check_address(settings.central_url)
        except SyncError as exc:
            raise CheckFailed(exc.detail) from None
    source = config_file_location(config_file)
    present = "" if Path(source).is_file() else " (not present)"
    if settings.central_url:
        from app.sync import errors
        from app.sync.transport import check_address

        try:
            check_address(settings.central_url)  # the rule every sync applies (https only)
        except errors.InsecureAddress as exc:
            raise CheckFailed(str(exc)) from None
    central = settings.central_url or "none (stand-alone)"
    return f"data {settings.data_dir}; central {central}; config {source}{present}"


def check_sqlcipher() -> str:
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
    finally:
        conn.close()
    if not row or not row[0]:
        raise CheckFailed("sqlcipher3 is linked against plain SQLite, not SQLCipher")
    return f"SQLCipher {row[0]} (SQLite {sqlcipher3.sqlite_version})"


def check_migrations() -> str:
    from app.storage import migrate

    folder = migrate.MIGRATIONS_DIR
    needed = [folder / "env.py", folder / "script.py.mako", folder / "versions"]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        raise CheckFailed(f"Alembic migrations missing: {', '.join(missing)}")
    revisions = sorted(p.name for p in (folder / "versions").glob("*.py") if p.name[0].isdigit())
    if not revisions:
        raise CheckFailed(f"no migration files (*.py) in {folder / 'versions'}")
    return f"{len(revisions)} revision(s), head {migrate.head_revision()}"


def check_resources() -> str:
    from app import paths
    from app.forms.reference import DOCUMENT_NAMES, ReferenceData

    folder = paths.resources_dir()
    wanted = [f"{name}.json" for name in DOCUMENT_NAMES] + list(UI_RESOURCES)
    missing = [name for name in wanted if not (folder / name).is_file()]
    if missing:
        raise CheckFailed(f"missing from {folder}: {', '.join(missing)}")
    versions = ReferenceData.load(folder).versions()
    return ", ".join(f"{name} {version}" for name, version in versions.items())


def check_bank_holidays() -> str:
    import holidays

    from app.forms.working_days import england_and_wales_bank_holidays

    calendar = england_and_wales_bank_holidays()
    # Substitute Boxing Day 2026 proves the GB calendar (a dynamically loaded module) works.
    if datetime(2026, 12, 28).date() not in calendar:
        raise CheckFailed("the England & Wales holiday calendar is missing 28 December 2026")
    return f"holidays {holidays.__version__}, England & Wales"


def _fictional_episode() -> dict[str, Any]:
    return {
        "family_name": MARKER,
        "given_names": "Test",
        "custody_record_number": "00/00000/00",
        "arrived_at": datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    }


def check_store() -> str:
    from app.config import Settings
    from app.services import episodes, forms_context, workspace

    with tempfile.TemporaryDirectory(prefix="cjit-selfcheck-") as tmp:
        data_dir = Path(tmp) / "data"
        started = time.monotonic()
        ws, _recovery = workspace.set_up(
            Settings(data_dir=data_dir), "selfcheck", "Self check", secrets.token_urlsafe(18)
        )
        try:
            stored, version = forms_context.stored("custody_episode", _fictional_episode())
            episode_id = episodes.new_episode(ws)
            episodes.save_answers(ws, episode_id, "custody_episode", stored, version)
            back = episodes.load_episode(ws, episode_id).answers.get("custody_episode")
        finally:
            ws.close()
        elapsed = time.monotonic() - started
        if back != stored:
            raise CheckFailed("an episode written to the store did not read back the same")
        _assert_encrypted(data_dir)
    return f"episode written and read back, file encrypted ({elapsed:.1f} s incl. key derivation)"


def _assert_encrypted(data_dir: Path) -> None:
    database = data_dir / "cjit.db"
    if database.read_bytes()[:16] == SQLITE_HEADER:
        raise CheckFailed(f"{database.name} is a plain SQLite file: SQLCipher did not encrypt it")
    for path in data_dir.iterdir():
        if path.is_file() and MARKER.encode() in path.read_bytes():
            raise CheckFailed(f"{path.name} holds episode text in clear")


def check_printing() -> str:
    try:
        from app.printing import render_notice
    except ImportError:
        raise CheckFailed("app.printing.render_notice is not in this build") from None
    pdf = render_notice(_ra1_content())
    if not pdf.startswith(b"%PDF"):
        raise CheckFailed("the RA1 did not render as a PDF")
    return f"RA1 rendered to memory ({len(pdf) // 1024} KiB)"


def _ra1_content() -> dict[str, Any]:
    """A notice's frozen content, shaped as app.services.notices.issue_notice stores it."""
    from app.forms.reference import ReferenceData
    from app.forms.registry import FORMS
    from app.services import forms_context

    ra1 = {
        "requirement_made": True,
        "appointment_at": datetime(2026, 11, 25, 14, 0, tzinfo=UTC),
        "follow_up_required_if_assessor_requires": True,
        "copies": ["detainee", "custody_record", "cjit"],
    }
    answers, _version = forms_context.stored("ra1", ra1)
    episode, _version = forms_context.stored("custody_episode", _fictional_episode())
    return {
        "kind": "ra1",
        "form": {"form": "ra1", "version": FORMS["ra1"].version, "answers": answers},
        "episode": episode,
        "dt1": {},
        "reference_versions": ReferenceData.load().versions(),
        "issued_at": datetime(2026, 11, 24, 11, 0, tzinfo=UTC).isoformat(),
        "issued_by": "Self check",
        "reference": "RA1-SELFCHECK",
    }


# --- running -------------------------------------------------------------------------------

Check = tuple[str, Callable[[], str]]


def default_checks(cli: dict[str, Any] | None = None, config_file: Path | None = None) -> list:
    from app import selfcheck_qt as qt  # here, not at the top: it imports CheckFailed from us
    from app import selfcheck_xcb as xcb

    return [
        ("settings", lambda: check_settings(cli, config_file)),
        ("sqlcipher", check_sqlcipher),
        ("migrations", check_migrations),
        ("resources", check_resources),
        ("holidays", check_bank_holidays),
        ("store", check_store),
        ("printing", check_printing),
        ("qt-xcb", xcb.check_xcb_libraries),
        ("qt-platform", qt.check_qt_platform),
        ("qt-images", qt.check_qt_images),
        ("ui", qt.check_ui),
        ("qt-print", qt.check_qt_print),
        ("qt-pdf", qt.check_qt_pdf),
    ]


def run_checks(checks: Sequence[Check]) -> list[Result]:
    results = []
    for name, check in checks:
        try:
            results.append(Result(name, "ok", check()))
        except CheckFailed as exc:
            results.append(Result(name, "FAIL", str(exc)))
        except Exception as exc:  # noqa: BLE001 - an unexpected failure is still a named failure
            results.append(Result(name, "FAIL", f"{type(exc).__name__}: {exc}"))
    return results


def main(cli: dict[str, Any] | None = None, config_file: Path | None = None) -> int:
    # Before Qt is imported: the check must run on a workstation with nobody logged in.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results = run_checks(default_checks(cli, config_file))
    for result in results:
        print(result.line(), flush=True)
    failed = [r.name for r in results if r.status == "FAIL"]
    if failed:
        print(f"self-check FAILED: {', '.join(failed)}", flush=True)
        return 1
    print(f"self-check passed ({len(results)} checks)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
