"""Publishing a service catalogue: an administrator's command and office page, checked before it
is published, a version above the one in force, taken by the kiosks at their next exchange."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from central_api.catalogues import current_catalogue
from central_api.db import read
from central_api.db.schema import outbound_records
from tests.fixtures_central import LYASKOVETS, ROOT, SimKiosk


def edited_catalogue(central, **changes) -> dict:
    """The catalogue in force with its first service renamed (and ``changes`` applied)."""
    with read(central.engine) as conn:
        catalogue = copy.deepcopy(current_catalogue(conn))
    catalogue["services"][0]["name"] = {"bg": "Ново удостоверение", "en": "New certificate"}
    catalogue.update(changes)
    return catalogue


def write_json(path: Path, value) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def test_publish_checks_the_file_raises_the_version_and_queues_it_for_every_kiosk(
    central, central_cli, central_app, tmp_path
):
    kiosk = SimKiosk.enroll(central_app.test_client(), central_cli, "merdanya")
    catalogue = edited_catalogue(central, version=1)  # a stale number does not lower the version
    published = central_cli("catalogue", "publish", str(write_json(tmp_path / "c.json", catalogue)))
    assert "Catalogue version 2 published" in published.stdout
    with read(central.engine) as conn:
        in_force = current_catalogue(conn)
        queued = (
            conn.execute(
                select(outbound_records.c.kiosk_id).where(
                    outbound_records.c.type == "catalogue.updated"
                )
            )
            .scalars()
            .all()
        )
    assert (
        in_force["version"] == 2 and in_force["services"][0]["name"]["bg"] == "Ново удостоверение"
    )
    assert queued == [kiosk.kiosk_id]
    # The settlement choices are filled from the municipality profile on publishing.
    sketch = next(s for s in in_force["services"] if s["id"] == "plot-sketch")
    choice = next(f for f in sketch["fields"] if f["name"] == "property_settlement")
    assert [o["value"] for o in choice["options"]] == [s.code for s in LYASKOVETS.settlements]
    again = central_cli("catalogue", "publish", str(write_json(tmp_path / "c.json", catalogue)))
    assert "Catalogue version 3 published" in again.stdout


@pytest.mark.parametrize(
    ("breaks", "message"),
    [
        (lambda c: c["services"][0].pop("name"), "permanent-address-certificate"),
        (lambda c: c["services"][0]["fields"][0].update(type="colour"), "type 'colour'"),
        (lambda c: c.update(services="none"), "A catalogue is"),
    ],
)
def test_a_catalogue_that_fails_its_checks_is_not_published(
    central, central_cli, tmp_path, breaks, message
):
    catalogue = edited_catalogue(central)
    breaks(catalogue)
    refused = central_cli(
        "catalogue", "publish", str(write_json(tmp_path / "bad.json", catalogue)), ok=False
    )
    assert refused.exit_code == 1 and message in refused.stderr
    assert "Traceback" not in refused.stderr
    with read(central.engine) as conn:
        assert current_catalogue(conn)["version"] == 1


def test_the_office_page_checks_then_publishes_for_the_administrator_only(central, office_client):
    admin = office_client("admin")
    page = admin.get("/office/catalogue")
    assert page.status_code == 200 and "Каталог в сила: версия 1" in page.get_data(as_text=True)
    shown = page.get_data(as_text=True)
    # what the administrator is to check against the council's ordinance and the laws
    assert "Основание: чл. 87, ал. 6 от Данъчно-осигурителния процесуален кодекс" in shown
    assert "Издава: Служител по местни приходи" in shown
    assert "Обикновена услуга: 1,02 евро — Example from other municipalities" in shown
    assert "Непотвърдено: register_code, legal_basis, fee, deadline" in shown
    good = json.dumps(edited_catalogue(central)).encode()
    bad = json.dumps({"format": 2, "version": 9, "services": [{"id": "x"}]}).encode()

    def upload(client, data: bytes, action: str):
        return client.post(
            "/office/catalogue",
            {"catalogue": (io.BytesIO(data), "catalogue.json"), "action": action},
            content_type="multipart/form-data",
        )

    checked = upload(admin, bad, "check")
    assert checked.status_code == 422
    assert "Каталогът не е публикуван" in checked.get_data(as_text=True)
    assert upload(admin, good, "check").status_code == 200  # checked, nothing published
    assert "Каталог в сила: версия 1" in admin.get("/office/catalogue").get_data(as_text=True)
    assert upload(admin, bad, "publish").status_code == 422
    assert upload(office_client("clerk"), good, "publish").status_code == 403
    done = upload(admin, good, "publish")
    assert done.status_code == 302
    shown = admin.get("/office/catalogue").get_data(as_text=True)
    assert "публикуван като версия 2" in shown and "Ново удостоверение" in shown


def kiosk_app(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIOSK_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("KIOSK_PRINTER", None)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, f"kiosk-app {' '.join(args)} failed: {result.stderr}"
    return result


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_a_published_catalogue_reaches_a_real_kiosk_at_its_next_exchange(
    central, central_server, central_cli, tmp_path
):
    base_url, _ = central_server
    home = tmp_path / "kiosk"
    token = central_cli("kiosk", "invite", "kozarevets").stdout.strip().splitlines()[-1]
    kiosk_app(home, "enroll", "--central", base_url, "--token", token)
    catalogue = edited_catalogue(central)
    catalogue["services"] = catalogue["services"][:3]
    catalogue["guides"] = []  # its guide points to services no longer offered
    central_cli("catalogue", "publish", str(write_json(tmp_path / "new.json", catalogue)))
    before = json.loads(kiosk_app(home, "services", "--json").stdout)
    assert len(before) > 3
    kiosk_app(home, "sync")
    after = json.loads(kiosk_app(home, "services", "--json").stdout)
    assert [s["id"] for s in after] == [s["id"] for s in catalogue["services"]]
