#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, only those missing (apt-get, as root or sudo).
# Used by `make demo` and `make test`; safe to run again.
set -euo pipefail

packages=(
  gcc python3-dev python3-venv libcups2-dev pkg-config    # build pycups
  cups printer-driver-cups-pdf                            # printing tests and the demo's printer
  postgresql                                              # central on PostgreSQL (tests)
  chromium chromium-driver                                # web-office browser tests, screenshots
  poppler-utils zbar-tools fonts-dejavu-core              # pdfinfo/pdftotext/pdftoppm, QR decode, Cyrillic font
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0   # Qt offscreen
  espeak-ng                                               # the kiosk's offline voice (Bulgarian 'bg')
  softhsm2                                                # a PKCS#11 token: signing tests and bench
  faketime                                                # libfaketime: a kiosk clock a year off (tests)
  nginx systemd shellcheck                                # deploy checks (nginx -t, systemd-analyze, shellcheck)
  make git
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Packages' own post-install scripts may try to start services; without systemd they only warn.
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
