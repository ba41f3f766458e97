"""``cjit-desk --self-check``: is everything the app needs present in this build, and working?

Run by IT after a rollout and by the installer test against the built folder. No display is
needed (Qt runs offscreen unless QT_QPA_PLATFORM says otherwise), nothing is left on disk (the
throw-away store lives in a temporary directory), no personal data is involved (the episode is
fictional) and nothing is logged. One line per check; exit 0, or 1 naming what is missing.
"""

from __future__ import annotations

import glob
import io
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The lead makes this True once app.printing is merged: then a build without it fails.
PRINTING_REQUIRED = False
# Resource files the app opens by name besides the reference documents (app/ui/theme.py).
UI_RESOURCES = ("ui/arrow-down.svg",)
MARKER = "SELFCHECK"  # the fictional family name; must never appear in the store's files
SQLITE_HEADER = b"SQLite format 3\x00"


class CheckFailed(Exception):
    """What is missing or broken, in words IT can act on."""


class Skipped(Exception):
    """The check does not apply to this build."""


@dataclass(frozen=True)
class Result:
    name: str
    status: str  # "ok", "FAIL" or "skip"
    detail: str

    def line(self) -> str:
        return f"{self.status:<5}{self.name:<14}{self.detail}"


# --- core: no Qt ---------------------------------------------------------------------------


def check_settings(cli: dict[str, Any] | None = None, config_file: Path | None = None) -> str:
    from app.config import default_config_file, load_settings

    settings = load_settings(cli, config_file=config_file)  # ConfigError names the bad value
    if settings.ca_bundle and not settings.ca_bundle.is_file():
        raise CheckFailed(f"the CA bundle {settings.ca_bundle} does not exist")
    source = config_file or os.environ.get("CJIT_CONFIG") or default_config_file()
    present = "" if Path(source).is_file() else " (not present)"
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
        if PRINTING_REQUIRED:
            raise CheckFailed("app.printing.render_notice is not in this build") from None
        raise Skipped("app.printing not present") from None
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


# --- Qt: plugins and the PDF and print modules ---------------------------------------------


def _plugin_dirs() -> list[Path]:
    from PySide6.QtCore import QCoreApplication

    dirs = [Path(p) for p in QCoreApplication.libraryPaths()]
    dirs += [Path(p) for p in os.environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    return dirs


def _plugins(kind: str) -> list[str]:
    """Plugin names of a kind found on disk (e.g. 'platforms' -> ['offscreen', 'xcb'])."""
    names = set()
    for folder in _plugin_dirs():
        for path in glob.glob(str(folder / kind / "*")):
            stem = Path(path).name.split(".")[0]
            names.add(stem.removeprefix("lib").removeprefix("q"))
    return sorted(names)


def _qt_app() -> Any:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        return app
    # Creating the application without its platform plugin aborts the process: look first.
    _require_platform_plugin(os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0])
    return QApplication(["cjit-desk-selfcheck"])


def _require_platform_plugin(platform: str) -> None:
    if platform and platform not in _plugins("platforms"):
        raise CheckFailed(f"Qt platform plugin '{platform}' missing (plugins/platforms)")


def check_qt_platform() -> str:
    from PySide6.QtCore import qVersion

    app = _qt_app()
    return f"Qt {qVersion()}, platform '{app.platformName()}'"


def check_ui() -> str:
    import importlib

    _qt_app()
    # Import only, no window: a module the build left out fails here, not at a worker's desk.
    module = importlib.import_module("app.ui.main")
    if not callable(getattr(module, "run_gui", None)):
        raise CheckFailed("app.ui.main has no run_gui")
    return "the window modules import"


def check_qt_images() -> str:
    from PySide6.QtGui import QImageReader

    _qt_app()
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    missing = [f for f in ("png", "svg") if f not in formats]
    if missing:
        raise CheckFailed(f"Qt image format plugin(s) missing: {', '.join(missing)}")
    return "png, svg"


def check_qt_print() -> str:
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    _qt_app()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    if printer.outputFormat() != QPrinter.OutputFormat.PdfFormat:
        raise CheckFailed("QPrinter cannot write PDF")
    # Qt 6 builds the Windows and macOS printer backends into QtPrintSupport itself; only
    # Linux reaches printers through a plugin (CUPS), which must then be in the build.
    backends = _plugins("printsupport")
    if sys.platform.startswith("linux") and "cupsprintersupport" not in backends:
        raise CheckFailed("Qt print plugin missing (plugins/printsupport/cupsprintersupport)")
    backend = ", ".join(backends) or "built into QtPrintSupport"
    printers = len(QPrinterInfo.availablePrinterNames())
    return f"QPrinter PDF ok; printers via {backend}; {printers} printer(s) visible"


def check_qt_pdf() -> str:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtPdf import QPdfDocument

    _qt_app()
    buffer = QBuffer()
    buffer.setData(QByteArray(_tiny_pdf()))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() != 1:
        raise CheckFailed(f"QtPdf could not read a PDF ({document.error().name})")
    document.close()
    return "QPdfDocument read a one-page PDF from memory"


def _tiny_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, "CJIT Desk self-check")
    canvas.save()
    return out.getvalue()


# --- running -------------------------------------------------------------------------------

Check = tuple[str, Callable[[], str]]


def default_checks(cli: dict[str, Any] | None = None, config_file: Path | None = None) -> list:
    return [
        ("settings", lambda: check_settings(cli, config_file)),
        ("sqlcipher", check_sqlcipher),
        ("migrations", check_migrations),
        ("resources", check_resources),
        ("holidays", check_bank_holidays),
        ("store", check_store),
        ("printing", check_printing),
        ("qt-platform", check_qt_platform),
        ("qt-images", check_qt_images),
        ("ui", check_ui),
        ("qt-print", check_qt_print),
        ("qt-pdf", check_qt_pdf),
    ]


def run_checks(checks: Sequence[Check]) -> list[Result]:
    results = []
    for name, check in checks:
        try:
            results.append(Result(name, "ok", check()))
        except Skipped as exc:
            results.append(Result(name, "skip", f"skipped: {exc}"))
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
