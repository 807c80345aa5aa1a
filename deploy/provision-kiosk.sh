#!/usr/bin/env bash
# Provision a new village kiosk (Debian 12): software, user, enrollment, printer, services.
#
#   sudo deploy/provision-kiosk.sh --central https://central.lyaskovets.bg \
#        --token <invite token from `central-api kiosk invite VILLAGE`> \
#        [--fingerprint "3F2A 9C01 ..."] [--printer-uri usb://... --ppd /path/model.ppd] [--yes]
#
# Run it from a checkout (or unpacked release) of the project. --dry-run prints every step
# without changing anything (no root needed). docs/operations.md explains each step.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: provision-kiosk.sh --central URL --token TOKEN [options]

  --central URL         the central office's address (https://...)
  --token TOKEN         the one-time invite token (central-api kiosk invite VILLAGE)
  --fingerprint FP      central's key fingerprint as shown at the central office; compared
                        with the one the kiosk pins at enrollment (otherwise you are asked)
  --printer-uri URI     CUPS device URI of the kiosk's printer (lpinfo -v lists them)
  --ppd FILE            the printer's PPD (default: IPP Everywhere, driverless)
  --printer-name NAME   CUPS queue name (default: kiosk)
  --source DIR          project source to install (default: this script's checkout)
  --prefix DIR          where the software goes (default: /opt/village-info-centres)
  --user NAME           the kiosk's system user (default: kiosk)
  --yes                 do not ask (automation); the fingerprint is then not compared
                        unless --fingerprint is given
  --dry-run             print the steps, change nothing
  -h, --help            this help
USAGE
}

central="" token="" fingerprint="" printer_uri="" ppd="" printer_name="kiosk"
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="/opt/village-info-centres" kiosk_user="kiosk" assume_yes=0 dry_run=0

die() { echo "provision-kiosk: $*" >&2; exit 1; }
need_value() {
  if [ $# -lt 2 ] || [ -z "$2" ]; then
    echo "provision-kiosk: $1 needs a value" >&2
    usage >&2
    exit 2
  fi
}

while [ $# -gt 0 ]; do
  case "$1" in
    --central) need_value "$@"; central="$2"; shift 2 ;;
    --token) need_value "$@"; token="$2"; shift 2 ;;
    --fingerprint) need_value "$@"; fingerprint="$2"; shift 2 ;;
    --printer-uri) need_value "$@"; printer_uri="$2"; shift 2 ;;
    --ppd) need_value "$@"; ppd="$2"; shift 2 ;;
    --printer-name) need_value "$@"; printer_name="$2"; shift 2 ;;
    --source) need_value "$@"; source_dir="$2"; shift 2 ;;
    --prefix) need_value "$@"; prefix="$2"; shift 2 ;;
    --user) need_value "$@"; kiosk_user="$2"; shift 2 ;;
    --yes) assume_yes=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "provision-kiosk: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

[ -n "$central" ] || { echo "provision-kiosk: --central is required" >&2; usage >&2; exit 2; }
[ -n "$token" ] || { echo "provision-kiosk: --token is required" >&2; usage >&2; exit 2; }
case "$central" in
  https://*) ;;
  http://*) echo "provision-kiosk: warning: $central is plain HTTP; use https:// outside a lab" >&2 ;;
  *) die "--central must be an http(s):// address, got $central" ;;
esac
[ -z "$ppd" ] || [ -n "$printer_uri" ] || die "--ppd needs --printer-uri"
[ "$dry_run" -eq 1 ] || [ "$(id -u)" -eq 0 ] || die "run as root (or with --dry-run to see the steps)"
[ -f "$source_dir/setup.cfg" ] || die "$source_dir is not the project's source (no setup.cfg); pass --source"

venv="$prefix/venv"
kiosk_home="/var/lib/$kiosk_user"
config_dir="/etc/village-info-centres"
unit_dir="/etc/systemd/system"

step_number=0
step() { step_number=$((step_number + 1)); echo; echo "== Step $step_number: $*"; }

# Every command that changes the machine goes through run: printed always, executed unless --dry-run.
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  [ "$dry_run" -eq 1 ] || "$@"
}

# write_file PATH MODE < content
write_file() {
  local path="$1" mode="$2" content
  content="$(cat)"
  echo "+ write $path (mode $mode)"
  if [ "$dry_run" -eq 1 ]; then
    printf '%s\n' "$content" | sed 's/^/    | /'
  else
    install -d -m 0755 "$(dirname "$path")"
    printf '%s\n' "$content" >"$path"
    chmod "$mode" "$path"
  fi
}

as_kiosk() { run runuser -u "$kiosk_user" -- env "KIOSK_HOME=$kiosk_home" "$@"; }

normalize_fingerprint() { tr -d ' :\n' | tr '[:lower:]' '[:upper:]'; }

step "Debian packages"
run apt-get update -qq
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  python3 python3-venv python3-dev gcc pkg-config libcups2-dev cups cage \
  fonts-dejavu-core libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
  libwayland-client0 libwayland-cursor0 libwayland-egl1

step "The kiosk user ($kiosk_user, home $kiosk_home)"
if [ "$dry_run" -eq 0 ] && id "$kiosk_user" >/dev/null 2>&1; then
  echo "user $kiosk_user exists"
else
  run useradd --system --user-group --home-dir "$kiosk_home" --create-home \
    --shell /usr/sbin/nologin --comment "Village info-centre kiosk" "$kiosk_user"
fi
# The screen, touch and GPU devices for cage; lp for the printer.
for group in video input render lp; do
  if [ "$dry_run" -eq 1 ] || getent group "$group" >/dev/null; then
    run usermod -a -G "$group" "$kiosk_user"
  fi
done
run install -d -m 0700 -o "$kiosk_user" -g "$kiosk_user" "$kiosk_home"

step "The software ($venv)"
run python3 -m venv "$venv"
run "$venv/bin/pip" install -q --upgrade pip
run "$venv/bin/pip" install -q "$source_dir"

step "Enrollment with the central office ($central)"
if [ "$dry_run" -eq 0 ] && [ -d "$kiosk_home/keys" ]; then
  die "$kiosk_home/keys exists: this kiosk is already enrolled. To enroll again, revoke it at central, move $kiosk_home away and rerun."
fi
enroll_output=""
# The token is a secret until used: it is never echoed.
if [ "$dry_run" -eq 1 ]; then
  as_kiosk "$venv/bin/kiosk-app" enroll --central "$central" --token '<token>'
else
  printf '+'
  printf ' %q' runuser -u "$kiosk_user" -- env "KIOSK_HOME=$kiosk_home" "$venv/bin/kiosk-app" enroll --central "$central" --token '<token>'
  printf '\n'
  enroll_output="$(runuser -u "$kiosk_user" -- env "KIOSK_HOME=$kiosk_home" \
    "$venv/bin/kiosk-app" enroll --central "$central" --token "$token")" ||
    die "enrollment failed (see the message above); the token may be used or expired: ask central for a new one"
  printf '%s\n' "$enroll_output"
fi

step "Central's fingerprint"
# The kiosk pinned central's key at enrollment; a person confirms it is the right one.
pinned="$(printf '%s\n' "$enroll_output" | grep -oE '([0-9A-F]{4} ){7}[0-9A-F]{4}' | head -n 1 || true)"
unenroll() {
  echo "provision-kiosk: removing this kiosk's keys; revoke it at central: central-api kiosk revoke <KIOSK_ID>" >&2
  run rm -rf "$kiosk_home/keys" "$kiosk_home/kiosk.db"
  exit 1
}
if [ "$dry_run" -eq 1 ]; then
  echo "(dry run: the fingerprint the kiosk pins is shown and compared here)"
elif [ -z "$pinned" ]; then
  echo "warning: the enrollment output shows no fingerprint; check it with the kiosk's status screen" >&2
elif [ -n "$fingerprint" ]; then
  if [ "$(printf '%s' "$pinned" | normalize_fingerprint)" = "$(printf '%s' "$fingerprint" | normalize_fingerprint | cut -c1-32)" ]; then
    echo "Central's fingerprint $pinned matches the one given. Pinned."
  else
    echo "provision-kiosk: MISMATCH: the kiosk was answered by key $pinned, not $fingerprint." >&2
    echo "Someone may be between this kiosk and the central office." >&2
    unenroll
  fi
elif [ "$assume_yes" -eq 1 ]; then
  echo "Central's fingerprint: $pinned (not compared: --yes without --fingerprint)"
else
  echo "Central's fingerprint as this kiosk sees it:"
  echo
  echo "    $pinned"
  echo
  echo "Compare it with the fingerprint shown at the central office (central-api init / the fleet page)."
  read -r -p "Do they match exactly? [y/N] " answer
  case "$answer" in
    y|Y|yes|YES|да|Да) echo "Pinned." ;;
    *) unenroll ;;
  esac
fi

step "Printer queue"
if [ -n "$printer_uri" ]; then
  if [ -n "$ppd" ]; then
    run lpadmin -p "$printer_name" -E -v "$printer_uri" -P "$ppd"
  else
    run lpadmin -p "$printer_name" -E -v "$printer_uri" -m everywhere
  fi
  run cupsenable "$printer_name"
  run cupsaccept "$printer_name"
  run lpoptions -d "$printer_name"
  write_file "$config_dir/kiosk.env" 0644 <<ENV
# Read by kiosk-app.service and kiosk-sync.service (deploy/provision-kiosk.sh).
KIOSK_PRINTER=$printer_name
ENV
else
  echo "no --printer-uri: documents go to $kiosk_home/printed/ until a printer is set up"
fi

step "Services (kiosk-sync.service, kiosk-app.service)"
for unit in kiosk-sync.service kiosk-app.service; do
  render_args=(--set "venv=$venv" --set "user=$kiosk_user" --set "group=$kiosk_user"
    --set "kiosk_home=$kiosk_home" --set "state_directory=$kiosk_user"
    --set "environment_file=$config_dir/kiosk.env")
  run env -C "$source_dir" "$venv/bin/python" -m deploy.render "systemd/$unit" "${render_args[@]}" --out "$unit_dir/$unit"
done
if [ "$dry_run" -eq 1 ] || [ -d /run/systemd/system ]; then
  run systemctl daemon-reload
  run systemctl enable --now kiosk-sync.service kiosk-app.service
  run systemctl set-default graphical.target
else
  echo "systemd is not running here: the units are installed in $unit_dir but not started"
fi

echo
echo "Done. The kiosk syncs with $central; its data is in $kiosk_home."
[ "$dry_run" -eq 0 ] || echo "(dry run: nothing was changed)"
