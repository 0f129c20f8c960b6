#!/bin/sh
# Installs the Debian packages foresight needs, only those missing.
# Runs apt-get through sudo when not root. Safe to run again. chromium and
# poppler-utils (pdfinfo, pdftotext) are for tests/browser.sh, which loads
# and prints report.html in headless Chromium.
# `deps.sh fuzz` also installs clang and its libFuzzer runtime (make fuzz).
set -e
PKGS="make gcc pkg-config libgsl-dev libconfig-dev libcairo2-dev libpango1.0-dev \
fonts-dejavu-core librandom123-dev libopenmpi-dev openmpi-bin valgrind \
groff-base mandoc libcmark-dev chromium poppler-utils"
if [ "${1:-}" = fuzz ]; then
    PKGS="$PKGS clang libclang-rt-14-dev"
fi
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
