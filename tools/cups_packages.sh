#!/usr/bin/env bash
# CUPS and the cups-pdf virtual printer for the print-queue test (tests/printing/test_print_queue.py).
# Installs the Debian packages when they are missing and this is root with apt-get; otherwise
# says why. The test starts its own cupsd; nothing here touches the machine's CUPS settings.
# Under CI=true a missing package that cannot be installed fails the run.
set -uo pipefail
PACKAGES=(cups printer-driver-cups-pdf)
missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

fail() {
    if [ "${CI:-}" = "true" ]; then
        echo "CI: $1; the print-queue test cannot run." >&2
        exit 1
    fi
    echo "note: $1; the print-queue test will skip." >&2
    exit 0
}

command -v apt-get >/dev/null || fail "${missing[*]} missing and there is no apt-get"
[ "$(id -u)" -eq 0 ] || fail "${missing[*]} missing (install as root: apt-get install ${missing[*]})"
echo "Installing ${missing[*]} for the print-queue test…"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq "${missing[@]}" >/dev/null; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null \
        || fail "apt-get could not install ${missing[*]}"
fi
