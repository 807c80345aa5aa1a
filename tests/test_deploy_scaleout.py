"""Scale-out: two stateless central instances on one PostgreSQL, behind the rendered nginx site.

A kiosk enrolls and uploads through nginx (TLS); everything lands once in the shared database;
with one instance stopped, the other carries on. Central's commands (init, the invite, the
lists) and the kiosk's submissions run in process: the set-up and the reading back; the
serve processes, nginx and `kiosk-app enroll`/`sync` through it are the real processes.
"""

import json
import os
import shutil
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from deploy.checks import nginx_binary, nginx_main_conf, nginx_test, self_signed_certificate
from deploy.procs import command_for, free_port, stop_process, wait_for_http, wait_until
from deploy.render import render_named
from kiosk_app import submission
from kiosk_app.config import KioskConfig
from tests.fixtures_central import CentralCli, start_from_migrated

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
        reason="nginx missing (apt install nginx)",
    ),
]

PERSON = {
    "first_name": "Мария",
    "middle_name": "Иванова",
    "last_name": "Петрова",
    "personal_number_kind": "egn",
    "personal_number": "0550290476",
    "phone": "0888123456",
}


def run(argv, env, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, env=env, input=stdin, capture_output=True, text=True, timeout=120, cwd=ROOT
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, module_postgres_database, migrated_databases):
    """Two `central-api serve` on one database (each with its own copy of the keys) + nginx, one
    cluster for the module (the test that stops an instance is its last)."""
    tmp_path, postgres_database = tmp_path_factory.mktemp("scaleout"), module_postgres_database
    processes = []
    base_env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_PRINTER", "KIOSK_HOME")}
    base_env["DATABASE_URL"] = postgres_database
    homes = [tmp_path / "central-a", tmp_path / "central-b"]
    # The session's migrated schema copied in; `init` then makes the keys and installs the
    # profile (its upgrade finds the schema at head).
    start_from_migrated({"DATABASE_URL": postgres_database}, migrated_databases)
    central_cli = CentralCli({"CENTRAL_HOME": str(homes[0]), "DATABASE_URL": postgres_database})
    central_cli("init", "--municipality", str(ROOT / "deploy/profiles/lyaskovets.toml"))
    # A second host gets a copy of the home (keys, municipality profile and its coat of arms),
    # nothing else: all state is in PostgreSQL.
    shutil.copytree(homes[0], homes[1])

    ports = [free_port(), free_port()]
    try:
        for home, port in zip(homes, ports, strict=True):
            log = (tmp_path / f"{home.name}.log").open("wb")
            processes.append(
                subprocess.Popen(
                    [
                        *command_for("central-api"),
                        "serve",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--workers",
                        "1",
                    ],
                    env={**base_env, "CENTRAL_HOME": str(home)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    cwd=ROOT,
                )  # fmt: skip
            )
            log.close()
        for process, port in zip(processes, ports, strict=True):
            wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60, process=process)

        cert, key = self_signed_certificate(tmp_path / "tls")
        https_port = free_port()
        site = tmp_path / "central.conf"
        site.write_text(
            render_named(
                "nginx/central.conf",
                {
                    "upstreams": [f"127.0.0.1:{port}" for port in ports],
                    # `serve` answers the long-poll too (on its threads): enough for one kiosk.
                    "longpoll_upstreams": [f"127.0.0.1:{port}" for port in ports],
                    "ssl_certificate": cert,
                    "ssl_certificate_key": key,
                    "cache_dir": tmp_path / "nginx-cache",
                    "listen_http": f"127.0.0.1:{free_port()}",
                    "listen_https": f"127.0.0.1:{https_port}",
                    "server_name": "localhost",
                },
            )
        )
        conf = nginx_main_conf(tmp_path / "nginx", site)
        checked = nginx_test(conf)
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen(
            [nginx_binary(), "-c", str(conf)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        processes.append(nginx)
        tls = ssl.create_default_context(cafile=str(cert))
        url = f"https://127.0.0.1:{https_port}"
        wait_for_http(f"{url}/healthz", timeout=30, process=nginx, context=tls)
        yield {
            "url": url,
            "tls": tls,
            "cert": cert,
            "servers": processes[:2],
            "access_log": tmp_path / "nginx" / "access.log",
            "central_cli": central_cli,
            "kiosk_env": {**base_env, "KIOSK_HOME": str(tmp_path / "kiosk"),
                          "REQUESTS_CA_BUNDLE": str(cert)},
        }  # fmt: skip
    finally:
        for process in reversed(processes):
            stop_process(process, timeout=20)


def central(cluster, *args):
    return cluster["central_cli"](*args).stdout


def kiosk(cluster, *args):
    result = run([*command_for("kiosk-app"), *args], cluster["kiosk_env"])
    assert result.returncode == 0, f"kiosk-app {args}: {result.stderr}"
    return result.stdout


def submit(cluster) -> str:
    config = KioskConfig(home=Path(cluster["kiosk_env"]["KIOSK_HOME"]))
    return submission.submit_request(
        config, "permanent-address-certificate", PERSON, fee={"status": "due"}
    )


def get(cluster, path: str):
    try:
        return urllib.request.urlopen(f"{cluster['url']}{path}", context=cluster["tls"], timeout=30)
    except urllib.error.HTTPError as answer:
        return answer


def test_nginx_answers_healthz_and_balances_calls_over_both_instances(cluster):
    with get(cluster, "/healthz") as answer:
        assert answer.status == 200
        assert answer.headers.get_all("X-Content-Type-Options") == ["nosniff"]
        assert answer.headers.get_all("X-Frame-Options") == ["DENY"]
        assert "max-age" in answer.headers["Strict-Transport-Security"]
        assert len(answer.headers.get_all("Content-Security-Policy")) == 1
    # The web office sets its own, stricter headers: nginx adds no second copy.
    with get(cluster, "/office/sign-in") as answer:
        policies = answer.headers.get_all("Content-Security-Policy") or []
        assert len(policies) == 1 and "script-src 'self'" in policies[0], policies
        assert answer.headers.get_all("X-Frame-Options") == ["DENY"]
    # /healthz is not logged (load balancers poll it), so count calls to another path.
    for _ in range(6):
        get(cluster, "/api/v1/kiosks/nobody/downlink?after=0").close()
    log = cluster["access_log"].read_text()
    used = {line.rsplit("upstream=", 1)[1] for line in log.splitlines() if "/downlink" in line}
    assert len(used) == 2, f"expected both instances to answer, saw {used}"


def test_enrollment_and_bundles_through_nginx_land_once_in_the_shared_database(cluster):
    token = central(cluster, "kiosk", "invite", "kozarevets").strip().splitlines()[-1]
    kiosk(cluster, "enroll", "--central", cluster["url"], "--token", token)
    first = submit(cluster)
    kiosk(cluster, "sync")
    kiosk(cluster, "sync")  # a second exchange changes nothing

    kiosks = json.loads(central(cluster, "kiosk", "list", "--json"))
    assert [k["village"] for k in kiosks] == ["kozarevets"]
    requests = json.loads(central(cluster, "requests", "list", "--json"))
    assert [r["reference"] for r in requests] == [first]

    # Stateless: with one instance gone, the other serves the same kiosk from the same data
    # (the module's last test: the cluster keeps one instance from here on).
    stop_process(cluster["servers"][0], timeout=20)
    second = submit(cluster)

    def synced():
        return run([*command_for("kiosk-app"), "sync"], cluster["kiosk_env"]).returncode == 0

    wait_until(synced, timeout=60, interval=1, what="a sync through the remaining instance")
    requests = json.loads(central(cluster, "requests", "list", "--json"))
    assert sorted(r["reference"] for r in requests) == sorted([first, second])
