"""The systemd units and gunicorn settings of deploy/ pass systemd's own checks."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.checks import systemd_verify
from deploy.render import RenderError, render, render_named

ROOT = Path(__file__).resolve().parent.parent
UNITS = [
    "central-api.service",
    "kiosk-app.service",
    "kiosk-sync.service",
    "central-backup.service",
    "central-backup.timer",
    "central-longpoll.service",
]
SERVICES = [unit for unit in UNITS if unit.endswith(".service")]
VENV_BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze missing (apt install systemd)"
)


def executable(path: Path, real: str | None) -> Path:
    """``path`` runs ``real`` when it exists on this machine, else a stand-in that exits 0."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if real and Path(real).exists():
        path.symlink_to(real)
    else:
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(0o755)
    return path


@pytest.fixture
def rendered_units(tmp_path):
    """The three units rendered against a venv whose scripts exist here, run as user daemon."""
    venv = tmp_path / "venv"
    for script in ("gunicorn", "kiosk-app", "central-api", "python"):
        executable(venv / "bin" / script, str(VENV_BIN / script))
    cage = executable(tmp_path / "cage", shutil.which("cage"))
    values = {
        "venv": venv,
        "cage": cage,
        "user": "daemon",
        "group": "daemon",
        "gunicorn_conf": ROOT / "deploy" / "gunicorn.conf.py",
        "source": ROOT,
        "backup_dir": tmp_path / "backups",
    }
    paths = []
    for unit in UNITS:
        path = tmp_path / "units" / unit
        path.parent.mkdir(exist_ok=True)
        path.write_text(render_named(f"systemd/{unit}", values))
        paths.append(path)
    return paths


def test_every_unit_passes_systemd_analyze_verify(rendered_units):
    assert systemd_verify(rendered_units) == []


def test_the_verify_check_catches_a_broken_unit(rendered_units):
    # The check must be able to fail: a misspelt key only makes systemd-analyze warn, exit 0.
    broken = rendered_units[0].with_name("broken.service")
    broken.write_text(rendered_units[0].read_text().replace("NoNewPrivileges", "NoNewPrivilege"))
    assert any("NoNewPrivilege" in line for line in systemd_verify([broken]))


def test_a_missing_executable_is_reported(rendered_units):
    gone = rendered_units[2].with_name("gone.service")
    gone.write_text(rendered_units[2].read_text().replace("/bin/kiosk-app", "/bin/no-such-app"))
    assert systemd_verify([gone]) != []


@pytest.mark.parametrize("unit", SERVICES)
def test_units_are_hardened_and_run_as_their_own_user(unit):
    text = render_named(f"systemd/{unit}")
    for option in ("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "UMask=0077"):
        assert option in text
    assert ("User=central" if unit.startswith("central") else "User=kiosk") in text
    assert "StateDirectory=" in text


def test_the_kiosk_screen_restarts_always_and_owns_its_terminal():
    text = render_named("systemd/kiosk-app.service")
    assert "Restart=always" in text
    assert (
        "ExecStart=/usr/bin/cage -d -s -- /opt/village-info-centres/venv/bin/kiosk-app run" in text
    )
    assert "Conflicts=getty@tty1.service" in text


def test_sync_daemon_unit_runs_the_sync_loop():
    text = render_named("systemd/kiosk-sync.service")
    assert "ExecStart=/opt/village-info-centres/venv/bin/kiosk-app sync --daemon" in text


def test_gunicorn_settings_load_and_bind_to_loopback(tmp_path):
    result = subprocess.run(
        [
            VENV_BIN / "gunicorn",
            "--check-config",
            "--config",
            ROOT / "deploy/gunicorn.conf.py",
            "json:dumps",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    settings: dict = {}
    exec((ROOT / "deploy/gunicorn.conf.py").read_text(), settings)
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["worker_class"] == "gthread"
    # gunicorn must outwait nginx's downlink long-poll timeout (330 s).
    assert settings["timeout"] > 330


def test_renderer_refuses_a_placeholder_without_a_value():
    with pytest.raises(RenderError, match="no value for"):
        render("User={{ user }}\n", {})


def test_renderer_repeats_a_line_for_a_list():
    text = render("up {\n    server {{ upstreams }};\n}\n", {"upstreams": ["a:1", "b:2"]})
    assert text == "up {\n    server a:1;\n    server b:2;\n}\n"


def test_render_cli_writes_a_unit(tmp_path):
    out = tmp_path / "central-api.service"
    result = subprocess.run(
        [sys.executable, "-m", "deploy.render", "systemd/central-api.service",
         "--set", "venv=/srv/venv", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "ExecStart=/srv/venv/bin/gunicorn" in out.read_text()


def test_render_cli_reports_an_unknown_template():
    result = subprocess.run(
        [sys.executable, "-m", "deploy.render", "systemd/nope.service"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "unknown template" in result.stderr


def test_nightly_backup_runs_the_backup_module_and_prunes():
    service = render_named("systemd/central-backup.service")
    assert (
        "ExecStart=/opt/village-info-centres/venv/bin/python -m deploy.backup create "
        "--out /var/backups/central --keep 14"
    ) in service
    assert "WorkingDirectory=/opt/village-info-centres" in service
    timer = render_named("systemd/central-backup.timer")
    assert "OnCalendar=*-*-* 02:30:00" in timer
    assert "Persistent=true" in timer


def test_the_central_unit_command_line_serves_healthz(tmp_path):
    """Run the rendered unit's ExecStart as systemd would (same command, same environment)."""
    import os
    import shlex

    from deploy.procs import command_for, free_port, stop_process, wait_for_http

    home = tmp_path / "central"
    env = {**os.environ, "CENTRAL_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    init = subprocess.run(
        [
            *command_for("central-api"),
            "init",
            "--municipality",
            str(ROOT / "deploy/profiles/lyaskovets.toml"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert init.returncode == 0, init.stderr

    unit = render_named(
        "systemd/central-api.service",
        {"venv": VENV_BIN.parent, "gunicorn_conf": ROOT / "deploy" / "gunicorn.conf.py"},
    )
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(exec_start.removeprefix("ExecStart="))
    port = free_port()
    env.update(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", GUNICORN_ACCESSLOG="-")
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        argv, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60, process=server)
    finally:
        stop_process(server, timeout=20)
    assert "GET /healthz" in (tmp_path / "gunicorn.log").read_text()


def test_the_production_gunicorn_settings_serve_and_prepare_each_worker(
    central, central_env, tmp_path
):
    """deploy/gunicorn.conf.py prepares the app once in the master (when_ready runs
    central_api.serve.prepare_app) and starts each forked worker (post_worker_init)."""
    import requests

    from tests.fixtures_central import free_port, stop_server, wait_healthy

    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **central_env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESSLOG": "-",
        "PYTHONPATH": str(ROOT),
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [VENV_BIN / "gunicorn", "--config", ROOT / "deploy/gunicorn.conf.py"]
            + ["central_api:create_app()"],
            env={**__import__("os").environ, **env},
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, log)
        assert requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=10).ok
    finally:
        stop_server(process)
    text = log.read_text(errors="replace")
    assert "app loaded and prepared; the workers are forked from it" in text
    if central_env["DATABASE_URL"].startswith("sqlite"):
        assert "WAL checkpoints run in the background" in text
