"""The fee travels both ways, with real processes: `central-api serve` and the `kiosk-app` CLI;
and the villager's signed request form is filed before the hand-over (request.form_filed).

Paid at the kiosk: central hears of it (request.fee_paid) and accepts the hand-over. Paid or
exempted at central: the kiosk hears of it (request.fee_changed) and lets staff hand over.
"""

from __future__ import annotations

import json

import pytest

from central_api.db import write
from central_api.staff import add_staff
from kiosk_app import services
from kiosk_app.config import KioskConfig
from tests.test_kiosk_cli_real_central import FIELDS, kiosk_app

SERVICE = "permanent-address-certificate"


@pytest.fixture
def issued(central, central_server, central_cli, central_clerk, tmp_path):
    """A real kiosk with one request approved at central and its document printed here:
    (kiosk home, reference, staff id)."""
    base_url, _ = central_server
    with write(central.engine) as conn:
        staff_id = add_staff(conn, "dzhulyunitsa", "Донка Маринова", "482719", "admin:test")
    home = tmp_path / "kiosk"
    token = central_cli("kiosk", "invite", "dzhulyunitsa").stdout.strip().splitlines()[-1]
    kiosk_app(home, "enroll", "--central", base_url, "--token", token)
    fields = [arg for field in FIELDS for arg in ("--field", field)]
    submitted = kiosk_app(home, "submit", SERVICE, *fields, "--json")
    reference = json.loads(submitted.stdout)["reference"]
    kiosk_app(home, "sync")
    central_cli("requests", "approve", reference, "--as", central_clerk)
    kiosk_app(home, "sync")
    assert json.loads(kiosk_app(home, "status", reference, "--json").stdout)["status"] == "printed"
    return home, reference, staff_id


def _at_central(central_cli, reference) -> dict:
    listed = json.loads(central_cli("requests", "list", "--json").stdout)
    return next(r for r in listed if r["reference"] == reference)


def _ready(home, reference) -> dict:
    ready = services.ready_documents(KioskConfig(home=home))
    return next(document.to_json() for document in ready if document.reference == reference)


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_paid_at_the_kiosk_then_delivered_central_holds_both(issued, central_cli):
    home, reference, staff_id = issued
    assert _at_central(central_cli, reference)["fee"]["status"] == "due"
    assert _ready(home, reference)["fee_amount_cents"] == 256  # the ordinary tier: 2.56 €

    refused = kiosk_app(home, "staff", "deliver", reference, "--staff", staff_id, ok=False)
    assert refused.returncode != 0 and "fee" in refused.stderr and "still due" in refused.stderr
    empty = kiosk_app(
        home, "staff", "fee", reference, "--receipt", " ", "--staff", staff_id, ok=False
    )
    assert empty.returncode != 0 and "касовата бележка" in empty.stderr
    stranger = kiosk_app(
        home, "staff", "fee", reference, "--receipt", "1", "--staff", "x", ok=False
    )
    assert stranger.returncode != 0 and "staff list" in stranger.stderr

    paid = kiosk_app(
        home, "staff", "fee", reference, "--method", "cash", "--receipt", "0004512",
        "--staff", staff_id, "--json",
    )  # fmt: skip
    fee = json.loads(paid.stdout)["fee"]
    assert (fee["status"], fee["receipt_number"], fee["staff_id"]) == ("paid", "0004512", staff_id)
    # Paid, but the villager's signed request form is not filed: not handed over, central knows.
    unsigned = kiosk_app(home, "staff", "deliver", reference, "--staff", staff_id, ok=False)
    assert unsigned.returncode != 0 and "Подписаното искане" in unsigned.stderr
    kiosk_app(home, "sync")
    assert _at_central(central_cli, reference)["signed_form"] is None
    filed = kiosk_app(home, "staff", "form-filed", reference, "--staff", staff_id, "--json")
    assert json.loads(filed.stdout)["staff_id"] == staff_id
    delivered = kiosk_app(
        home, "staff", "deliver", reference, "--staff", staff_id, "--id-document", "645123456",
        "--json",
    )  # fmt: skip
    assert json.loads(delivered.stdout)["status"] == "delivered"
    kiosk_app(home, "sync")

    at_central = _at_central(central_cli, reference)
    assert at_central["status"] == "delivered"
    assert at_central["signed_form"] == {
        "filed_at": json.loads(filed.stdout)["at"],
        "filed_by": staff_id,
    }
    assert at_central["fee"] == {
        "status": "paid",
        "method": "cash",
        "receipt_number": "0004512",
        "amount_cents": 256,
    }
    assert json.loads(kiosk_app(home, "quarantine", "--json").stdout) == []


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("status", "extra"),
    [("paid", ["--method", "card", "--receipt-number", "R-77"]), ("exempt", [])],
)
def test_paid_or_exempt_at_central_reaches_the_kiosk_and_allows_delivery(
    issued, central_cli, central_clerk, status, extra
):
    home, reference, staff_id = issued
    central_cli("requests", "fee", reference, "--status", status, *extra, "--as", central_clerk)
    kiosk_app(home, "sync")
    ready = _ready(home, reference)
    assert (ready["fee_status"], ready["fee_amount_cents"]) == (status, 256)

    kiosk_app(home, "staff", "form-filed", reference, "--staff", staff_id)
    delivered = kiosk_app(
        home, "staff", "deliver", reference, "--staff", staff_id, "--id-document", "645123456",
        "--json",
    )  # fmt: skip
    assert json.loads(delivered.stdout)["status"] == "delivered"
    kiosk_app(home, "sync")
    at_central = _at_central(central_cli, reference)
    assert (at_central["status"], at_central["fee"]["status"]) == ("delivered", status)
    assert json.loads(kiosk_app(home, "quarantine", "--json").stdout) == []
