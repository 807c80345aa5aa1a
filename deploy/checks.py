"""Checks of rendered deployment files with the real tools: systemd-analyze, nginx, openssl.

Used by the tests and handy on a server before a reload:

    python -m deploy.checks units /etc/systemd/system/central-api.service
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def systemd_verify(units: list[Path]) -> list[str]:
    """Run ``systemd-analyze verify`` and return its complaints about these units (empty: clean).

    systemd-analyze exits 0 on many problems (an unknown key is only "ignored"), so the output
    is read: any line that names one of the unit files, or says a command is not executable,
    counts.
    """
    result = subprocess.run(
        ["systemd-analyze", "verify", *map(str, units)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    names = [unit.name for unit in units]
    problems = []
    for line in (result.stdout + result.stderr).splitlines():
        if any(name in line for name in names) or "not executable" in line:
            problems.append(line.strip())
    if result.returncode != 0 and not problems:
        problems.append(
            f"systemd-analyze verify exited {result.returncode}: {result.stderr.strip()}"
        )
    return problems


def self_signed_certificate(folder: Path, name: str = "localhost") -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1/localhost (tests, a demo behind nginx)."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def nginx_main_conf(folder: Path, site: Path, *, daemon: bool = False) -> Path:
    """A minimal nginx.conf in ``folder`` that includes ``site``; every path nginx writes is inside."""
    folder.mkdir(parents=True, exist_ok=True)
    # nginx creates these itself, owned by its worker user.
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    # Started as root, nginx's workers would run as nobody, who cannot enter a private temporary
    # folder; a throwaway config lets them stay root instead.
    worker_user = "user root root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{worker_user}daemon {"on" if daemon else "off"};
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format upstream '$request $status upstream=$upstream_addr';
    access_log {folder / "access.log"} upstream;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {site};
}}
""",
        encoding="utf-8",
    )
    return conf


def nginx_test(conf: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [nginx_binary(), "-t", "-c", str(conf)], capture_output=True, text=True, timeout=60
    )


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or args[0] != "units":
        print("usage: python -m deploy.checks units UNIT_FILE...", file=sys.stderr)
        return 2
    problems = systemd_verify([Path(arg) for arg in args[1:]])
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
