"""Does Qt's X11 platform plugin find its system libraries? (``cjit-desk --self-check``)

The PySide6 wheels bring Qt but not the X11 helper libraries Qt's ``xcb`` plugin links
against. When one is missing, Qt aborts at start-up naming ``libxcb-cursor0`` whatever the
missing one is (issue 14: it was ``libxcb-icccm4`` and ``libxcb-keysyms1``). This check asks
the dynamic linker (``ldd``) which libraries of the plugin are not found and names the Debian
/ Ubuntu packages that provide them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from app.selfcheck import CheckFailed

# soname -> Debian/Ubuntu package (bookworm/jammy names)
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libdbus-1.so.3": "libdbus-1-3",
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def missing_packages(ldd_output: str) -> tuple[list[str], list[str]]:
    """(packages to install, libraries with no known package) from ``ldd``'s output."""
    libraries = sorted(set(_NOT_FOUND.findall(ldd_output)))
    packages = sorted({PACKAGES[lib] for lib in libraries if lib in PACKAGES})
    return packages, [lib for lib in libraries if lib not in PACKAGES]


def _plugin() -> Path | None:
    import PySide6

    found = sorted(Path(PySide6.__file__).parent.glob("Qt/plugins/platforms/libqxcb*.so"))
    return found[0] if found else None


def check_xcb_libraries() -> str:
    if not sys.platform.startswith("linux"):
        return f"not needed on {sys.platform}"
    plugin, ldd = _plugin(), shutil.which("ldd")
    if plugin is None or ldd is None:
        return "xcb plugin or ldd not present: not checked"
    output = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=30).stdout
    packages, unknown = missing_packages(output)
    if packages or unknown:
        hint = f"sudo apt-get install {' '.join(packages)}" if packages else ""
        others = f"; also missing: {', '.join(unknown)}" if unknown else ""
        raise CheckFailed(f"Qt's X11 plugin needs system libraries: {hint}{others}")
    return "every library Qt's X11 plugin links against is installed"


def require_platform_libraries() -> None:
    """Before the window opens on X11: a missing library is named with its package, in one
    line, instead of Qt's abort naming libxcb-cursor0 whatever is missing."""
    import os

    from app.errors import UserFacingError

    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not (platform == "" or platform.startswith("xcb")) or not os.environ.get("DISPLAY"):
        return
    try:
        check_xcb_libraries()
    except CheckFailed as exc:
        raise UserFacingError(f"{exc}. Then start CJIT Desk again.") from None
