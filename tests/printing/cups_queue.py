"""A private CUPS scheduler with a cups-pdf queue, for the print-queue tests.

Its own cupsd (own config, spool, logs and socket under a temporary folder), so the machine's
CUPS set-up is neither used nor changed; clients reach it through ``CUPS_SERVER``. cups-pdf reads
its settings only from ``/etc/cups/cups-pdf-<instance>.conf``: a file with a unique instance
name is written there for the test and removed after it. cups-pdf's backend runs only under a
root cupsd, so the tests need root (CI runs as root); elsewhere they skip with the reason,
except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONFIG_DIR = Path("/etc/cups")
INSTALL = "tools/system_packages.sh installs cups and printer-driver-cups-pdf (as root, Debian)"


def unavailable_reason() -> str | None:
    if not sys.platform.startswith("linux"):
        return "the print-queue test drives CUPS on Linux"
    if shutil.which("cupsd") is None or shutil.which("lp") is None:
        return f"CUPS is not installed: {INSTALL}"
    if not CUPS_PDF_BACKEND.exists() or not CUPS_PDF_PPD.exists():
        return f"the cups-pdf printer is not installed: {INSTALL}"
    if os.geteuid() != 0:
        return "cups-pdf's backend runs only under a cupsd started as root (CI runs as root)"
    return None


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the print-queue test, but {reason}", pytrace=False)
    pytest.skip(reason)


class PrivateCups:
    """cupsd with one cups-pdf queue; ``preserve`` is what cupsd keeps after a job."""

    queue = "CJIT-Test-PDF"

    def __init__(self, *, preserve: bool) -> None:
        # Not under pytest's tmp_path: CUPS filters run as the 'lp' user, which must be able to
        # reach the spool, and pytest's folders are private to the user running the tests.
        root = Path(tempfile.mkdtemp(prefix="cjit-cups-"))
        root.chmod(0o755)
        self.root, self.preserve = root, preserve
        self.instance = f"cjittest{uuid.uuid4().hex[:8]}"
        self.spool = root / "spool"  # cupsd's RequestRoot: the jobs and their control files
        self.out = root / "cups-pdf-out"  # where cups-pdf writes the PDF it makes
        self.pdf_spool = root / "cups-pdf-spool"  # cups-pdf's own PostScript spool
        self.gs_tmp = root / "gs-tmp"  # Ghostscript's temporary files
        self.logs = root / "logs"
        self.socket = root / "cups.sock"
        self.pdf_config = CUPS_PDF_CONFIG_DIR / f"cups-pdf-{self.instance}.conf"
        self.process: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": str(self.socket)}

    def places_a_copy_could_stay(self) -> list[Path]:
        return [self.spool, self.pdf_spool, self.gs_tmp, Path("/var/spool/cups")]

    def start(self) -> None:
        for folder in (self.spool / "tmp", self.out, self.pdf_spool, self.gs_tmp, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        for folder in (self.out, self.pdf_spool, self.gs_tmp):
            folder.chmod(0o1777)  # cups-pdf drops to the job's user or 'nobody' to write
        etc = self.root / "etc"
        etc.mkdir()
        (etc / "cups-files.conf").write_text(
            f"ServerRoot {etc}\nRequestRoot {self.spool}\nTempDir {self.spool / 'tmp'}\n"
            f"CacheDir {self.root / 'cache'}\nStateDir {self.root / 'state'}\n"
            f"AccessLog {self.logs / 'access_log'}\nErrorLog {self.logs / 'error_log'}\n"
            f"PageLog {self.logs / 'page_log'}\nPrintcap {self.root / 'printcap'}\n"
            "SystemGroup root\n"
        )
        keep = "Yes" if self.preserve else "No"
        # The deployment settings of docs/deployment.md ("Printing"), or CUPS' defaults.
        (etc / "cupsd.conf").write_text(
            f"Listen {self.socket}\nBrowsing No\nLogLevel info\n"
            f"PreserveJobFiles {keep}\nPreserveJobHistory {keep}\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        )
        self.pdf_config.write_text(
            f"Out {self.out}\nAnonDirName {self.out}\nSpool {self.pdf_spool}\n"
            f"GSTmp {self.gs_tmp}\nLog {self.logs}\nUserUMask 0077\n"
        )
        self.process = subprocess.Popen(
            ["cupsd", "-f", "-c", str(etc / "cupsd.conf"), "-s", str(etc / "cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=(self.logs / "cupsd.stderr").open("wb"),
        )
        deadline = time.monotonic() + 20
        while not self.socket.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"cupsd did not start: {self.log_tail()}")
            time.sleep(0.1)
        self.lpadmin(
            "-p", self.queue, "-E", "-v", f"cups-pdf:/{self.instance}", "-P", str(CUPS_PDF_PPD)
        )

    def lpadmin(self, *args: str) -> None:
        done = subprocess.run(
            ["lpadmin", *args], env=self.env, capture_output=True, text=True, timeout=30
        )
        if done.returncode != 0:
            raise RuntimeError(f"lpadmin failed: {done.stderr.strip()}; {self.log_tail()}")

    def wait_for_output(self, seconds: float = 90) -> Path:
        """The PDF cups-pdf wrote, once the queue is empty and the file complete."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pending = subprocess.run(
                ["lpstat", "-o", self.queue], env=self.env, capture_output=True, text=True
            ).stdout.strip()
            made = sorted(self.out.rglob("*.pdf"))
            if made and not pending and made[0].read_bytes().rstrip().endswith(b"%%EOF"):
                return made[0]
            time.sleep(0.3)
        raise AssertionError(f"no PDF from cups-pdf within {seconds:.0f} s; {self.log_tail()}")

    def log_tail(self) -> str:
        parts = []
        for log in sorted(self.logs.glob("*")):
            if log.is_file():
                parts.append(f"{log.name}: {log.read_text(errors='replace')[-1500:]}")
        return "\n".join(parts) or "no logs"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.pdf_config.unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)
