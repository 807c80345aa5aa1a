"""Fill the deployment templates (systemd units, nginx site) from a dict of values.

A template holds ``{{ name }}`` placeholders. A value that is a list repeats the whole line that
holds its placeholder once per item (the ``server`` lines of an nginx ``upstream`` block). A
placeholder without a value is an error, so a forgotten setting never reaches a server as text.

    python -m deploy.render nginx/central.conf --set server_name=central.lyaskovets.bg \\
        --set upstreams=127.0.0.1:8000 --set upstreams=127.0.0.1:8001 --out central.conf
    python -m deploy.render --list
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")

# Values that fit a standard install (docs/operations.md); every one can be overridden.
DEFAULTS: dict[str, dict[str, object]] = {
    "systemd/central-api.service": {
        "venv": "/opt/village-info-centres/venv",
        "user": "central",
        "group": "central",
        "state_directory": "central",
        "central_home": "/var/lib/central",
        "gunicorn_conf": "/opt/village-info-centres/deploy/gunicorn.conf.py",
        "environment_file": "/etc/village-info-centres/central.env",
    },
    "systemd/central-longpoll.service": {
        "venv": "/opt/village-info-centres/venv",
        "user": "central",
        "group": "central",
        "state_directory": "central",
        "central_home": "/var/lib/central",
        "environment_file": "/etc/village-info-centres/central.env",
        # Loopback when nginx runs on this host; a private address when it runs elsewhere.
        "host": "127.0.0.1",
        "port": "8100",
        "threads": "8",
        # Worker processes on that one port (each an event loop bound by its own GIL): about
        # one per core; nginx's upstream stays one line per host.
        "processes": "2",
    },
    "systemd/central-backup.service": {
        "venv": "/opt/village-info-centres/venv",
        "source": "/opt/village-info-centres",
        "user": "central",
        "group": "central",
        "state_directory": "central",
        "central_home": "/var/lib/central",
        "environment_file": "/etc/village-info-centres/central.env",
        "backup_dir": "/var/backups/central",
        "keep": "14",
    },
    "systemd/central-backup.timer": {"on_calendar": "*-*-* 02:30:00"},
    "systemd/kiosk-app.service": {
        "venv": "/opt/village-info-centres/venv",
        "cage": "/usr/bin/cage",
        "user": "kiosk",
        "group": "kiosk",
        "state_directory": "kiosk",
        "kiosk_home": "/var/lib/kiosk",
        "tty": "tty1",
        "environment_file": "/etc/village-info-centres/kiosk.env",
    },
    "systemd/kiosk-sync.service": {
        "venv": "/opt/village-info-centres/venv",
        "user": "kiosk",
        "group": "kiosk",
        "state_directory": "kiosk",
        "kiosk_home": "/var/lib/kiosk",
        "environment_file": "/etc/village-info-centres/kiosk.env",
    },
    "nginx/central.conf": {
        "server_name": "central.lyaskovets.bg",
        "listen_http": "80",
        "listen_https": "443",
        "ssl_certificate": "/etc/ssl/certs/central.lyaskovets.bg.pem",
        "ssl_certificate_key": "/etc/ssl/private/central.lyaskovets.bg.key",
        "upstreams": ["127.0.0.1:8000"],
        # The long-poll services (`central-api longpoll`, deploy/systemd/central-longpoll.service).
        "longpoll_upstreams": ["127.0.0.1:8100"],
        # nginx keeps copies of /static/ here (must be writable by nginx's worker user).
        "cache_dir": "/var/cache/nginx/central",
        # 32 MiB bundle limit (docs/protocol.md) plus HTTP framing.
        "client_max_body_size": "33m",
        # Longer than the longest downlink long-poll central holds open.
        "downlink_read_timeout": "330s",
        "content_security_policy": (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
        ),
    },
}


class RenderError(Exception):
    """A template could not be filled: a placeholder has no value, or the template is unknown."""


def render(template: str, values: Mapping[str, object]) -> str:
    """Return ``template`` with every placeholder replaced; list values repeat their line."""
    out_lines = []
    for line in template.splitlines(keepends=True):
        names = PLACEHOLDER.findall(line)
        missing = [name for name in names if name not in values]
        if missing:
            raise RenderError(f"no value for {{{{ {missing[0]} }}}}: pass --set {missing[0]}=...")
        lists = {name for name in names if isinstance(values[name], list | tuple)}
        if len(lists) > 1:
            raise RenderError(f"one line repeats over two lists ({', '.join(sorted(lists))})")
        if lists:
            (list_name,) = lists
            items = values[list_name]
            if not items:
                raise RenderError(f"{list_name} is an empty list: give at least one value")
            for item in items:
                out_lines.append(_fill(line, {**values, list_name: item}))
        else:
            out_lines.append(_fill(line, values))
    return "".join(out_lines)


def _fill(line: str, values: Mapping[str, object]) -> str:
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), line)


def render_named(name: str, overrides: Mapping[str, object] | None = None) -> str:
    """Render one of the shipped templates (a key of ``DEFAULTS``) with its defaults overridden."""
    if name not in DEFAULTS:
        raise RenderError(f"unknown template {name!r}; known: {', '.join(sorted(DEFAULTS))}")
    values = {**DEFAULTS[name], **(overrides or {})}
    return render((TEMPLATES_DIR / name).read_text(encoding="utf-8"), values)


def parse_settings(pairs: list[str]) -> dict[str, object]:
    """``["a=1", "b=x", "b=y"]`` -> ``{"a": "1", "b": ["x", "y"]}`` (a repeated key is a list)."""
    settings: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise RenderError(f"--set wants NAME=VALUE, got {pair!r}")
        if key in settings:
            previous = settings[key]
            settings[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            settings[key] = value
    for name, value in settings.items():
        # A name whose default is a list stays a list even when given once.
        if any(isinstance(d.get(name), list) for d in DEFAULTS.values()) and isinstance(value, str):
            settings[name] = [value]
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.render", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "template", nargs="?", help="a template under deploy/, e.g. nginx/central.conf"
    )
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--out", type=Path, help="write here instead of standard output")
    parser.add_argument("--list", action="store_true", help="list the templates and their defaults")
    args = parser.parse_args(argv)
    try:
        if args.list or not args.template:
            for name, defaults in sorted(DEFAULTS.items()):
                print(name)
                for key, value in defaults.items():
                    print(f"    {key} = {value}")
            return 0
        text = render_named(args.template, parse_settings(args.settings))
    except RenderError as exc:
        print(f"render: {exc}", file=sys.stderr)
        return 2
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
