"""Audit trail, published keys, offline verification and revocation, from the central side."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from central_api.db import read, write
from central_api.db.schema import audit_log, documents

OCTET = {"Content-Type": "application/octet-stream"}


def issue_one(central_cli, central_client, sim_kiosk, clerk) -> str:
    record = sim_kiosk.submitted()
    central_client.post("/api/v1/bundles", data=sim_kiosk.bundle([record]), headers=OCTET)
    central_cli("requests", "approve", record["body"]["reference"], "--as", clerk)
    return record["body"]["reference"]


def test_actions_are_audited_and_the_chain_verifies(
    central, central_cli, central_client, sim_kiosk, central_clerk
):
    issue_one(central_cli, central_client, sim_kiosk, central_clerk)
    with read(central.engine) as conn:
        actions = conn.execute(select(audit_log.c.action).order_by(audit_log.c.id)).scalars().all()
    assert {"user.added", "kiosk.invited", "kiosk.enrolled", "document.issued"} <= set(actions)
    assert "intact" in central_cli("audit", "verify").stdout
    with write(central.engine) as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 2).values(actor="mallory"))
    broken = central_cli("audit", "verify", ok=False)
    assert broken.exit_code == 1 and "entry 2" in broken.stderr


def test_an_issued_pdf_verifies_offline_with_the_published_certificate(
    central, central_cli, central_client, sim_kiosk, central_clerk, tmp_path
):
    issue_one(central_cli, central_client, sim_kiosk, central_clerk)
    with read(central.engine) as conn:
        document = conn.execute(select(documents)).mappings().one()
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(document["pdf"])
    certificate = tmp_path / "municipality.pem"
    certificate.write_text(central_cli("keys", "show", "--pem").stdout)
    checked = json.loads(central_cli("verify", str(pdf), "--certificate", str(certificate)).stdout)
    assert checked["valid"] is True and checked["number"] == document["number"]
    by_qr = json.loads(central_cli("verify", "--qr", document["statement"]).stdout)
    assert by_qr["number"] == document["number"]
    pdf.write_bytes(document["pdf"].replace(b"/Producer", b"/Produker", 1))
    tampered = central_cli("verify", str(pdf), ok=False)
    assert tampered.exit_code == 1 and len(tampered.stderr.strip().splitlines()) == 1


def test_public_verify_shows_details_only_with_the_code_and_never_the_reason(
    central, central_cli, central_client, sim_kiosk, central_clerk
):
    issue_one(central_cli, central_client, sim_kiosk, central_clerk)
    with read(central.engine) as conn:
        number, code, statement = conn.execute(
            select(documents.c.number, documents.c.verification_code, documents.c.statement)
        ).one()
    assert len(code) == 10
    assert json.loads(central_cli("verify", "--qr", statement).stdout)["code"] == code

    # Without the code, or with a wrong one: that it exists and is valid, nothing more.
    bare = central_client.get(f"/verify/{number}").get_json()
    assert bare == {
        "number": number,
        "status": "valid",
        "issuer": {"bg": "Община Лясковец", "en": "Lyaskovets Municipality"},
        "code": "required",
    }
    wrong = central_client.get(f"/verify/{number}?c=0000000000").get_json()
    assert wrong["code"] == "wrong" and "issued_on" not in wrong and "service" not in wrong
    valid = central_client.get(f"/verify/{number}?c={code.lower()}").get_json()
    assert valid["status"] == "valid" and valid["code"] == "right" and "fields" not in valid
    assert valid["service"] and valid["service_name"]["bg"]

    # A browser (the footer's address) gets a page: the prompt, then the details.
    page = central_client.get(f"/verify/{number}", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert "въведете кода за проверка" in html and valid["issued_on"] not in html
    page = central_client.get(f"/verify/{number}?c={code}", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert "е валиден" in html and valid["issued_on"] in html
    assert valid["service_name"]["bg"] in html

    central_cli("documents", "revoke", number, "--reason", "грешен ЕГН", "--as", central_clerk)
    revoked = central_client.get(f"/verify/{number}?c={code}").get_json()
    assert revoked["status"] == "revoked" and revoked["revoked_on"] == revoked["issued_on"]
    assert set(revoked) == {
        "number", "status", "issuer", "code", "issued_on", "service", "service_name",
        "revoked_on", "sha256",
    }  # fmt: skip
    assert "грешен" not in json.dumps(revoked, ensure_ascii=False)
    assert central_client.get(f"/verify/{number}").get_json()["status"] == "revoked"
    missing = central_client.get("/verify/1999-000001")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    page = central_client.get("/verify/1999-000001", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "не е издавала документ" in page.get_data(as_text=True)


def test_keys_rotate_announces_a_new_bundle_key_that_keys_show_then_prints(central_cli):
    before = central_cli("keys", "show").stdout.splitlines()[0]
    central_cli("kiosk", "invite", "dragizhevo")
    rotated = central_cli("keys", "rotate", "--yes").stdout.splitlines()
    new_fingerprint = rotated[-1].removeprefix("New key: ")
    assert before.endswith(rotated[0].removeprefix("Old key: ").split(" (kept in")[0])
    after = central_cli("keys", "show").stdout.splitlines()[0]
    assert after.endswith(new_fingerprint) and after != before


def test_revoking_on_the_command_line_tells_the_kiosk_that_holds_the_paper(
    central, central_cli, central_client, sim_kiosk, central_clerk
):
    reference = issue_one(central_cli, central_client, sim_kiosk, central_clerk)
    with read(central.engine) as conn:
        number = conn.execute(select(documents.c.number)).scalar_one()
    central_cli("documents", "revoke", number, "--reason", "грешен ЕГН", "--as", central_clerk)
    central_cli("documents", "revoke", number, "--reason", "again", "--as", central_clerk)

    downlink = central_client.get(f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/downlink?after=0")
    assert downlink.status_code == 200
    records = sim_kiosk.open(downlink.data).records
    revoked = [record["body"] for record in records if record["type"] == "document.revoked"]
    assert len(revoked) == 1  # revoking twice tells the kiosk once
    assert revoked[0]["reference"] == reference and revoked[0]["number"] == number
    assert revoked[0]["reason"] == "грешен ЕГН" and revoked[0]["by"] == central_clerk
