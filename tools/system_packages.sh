#!/usr/bin/env bash
# The Debian packages some tests need from the machine, installed when they are missing and
# this is root with apt-get; otherwise says why. Under CI=true a missing package that cannot be
# installed fails the run.
# - CUPS and the cups-pdf virtual printer, for the print-queue test
#   (tests/printing/test_print_queue.py; it starts its own cupsd, nothing here touches the
#   machine's CUPS settings);
# - the X11 libraries Qt's xcb plugin needs and the wheels do not bring (README, "Two
#   commands"), for the self-check tests (tests/test_selfcheck.py, tests/test_cli_errors.py,
#   tests/test_installer.py: `cjit-desk --self-check` passes on a machine that has them).
set -uo pipefail
PACKAGES=(cups printer-driver-cups-pdf
          libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
          libxcb-xkb1 libxkbcommon-x11-0)
missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

fail() {
    if [ "${CI:-}" = "true" ]; then
        echo "CI: $1; the print-queue and self-check tests cannot run." >&2
        exit 1
    fi
    echo "note: $1; the print-queue test will skip and the self-check tests will fail." >&2
    exit 0
}

command -v apt-get >/dev/null || fail "${missing[*]} missing and there is no apt-get"
[ "$(id -u)" -eq 0 ] || fail "${missing[*]} missing (install as root: apt-get install ${missing[*]})"
echo "Installing ${missing[*]} for the print-queue and self-check tests…"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq "${missing[@]}" >/dev/null; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null \
        || fail "apt-get could not install ${missing[*]}"
fi
