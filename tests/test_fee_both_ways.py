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
from kiosk_app import staff_actions, submission, sync_actions
from kiosk_app.config import KioskConfig
from kiosk_app.enrollment import enroll
from tests.test_kiosk_cli_real_central import FIELDS, kiosk_app

SERVICE = "permanent-address-certificate"


@pytest.fixture(scope="module")
def module_database_url():
    """SQLite only: the fee's way between the two sides does not depend on central's database."""
    return None


@pytest.fixture(scope="module")
def staff_id(module_central_server) -> str:
    """A staff member of the Джулюница mayoralty, on the list every kiosk there receives."""
    with write(module_central_server.central.engine) as conn:
        return add_staff(conn, "dzhulyunitsa", "Донка Маринова", "482719", "admin:test")


@pytest.fixture
def central_cli(module_central_server):
    return module_central_server.cli()


@pytest.fixture
def issued(module_central_server, central_cli, staff_id, tmp_path):
    """A kiosk of this test's own (the kiosk's own code, in this process) with one request
    approved at central and its document printed here: (kiosk home, reference, staff id)."""
    home = tmp_path / "kiosk"
    config = KioskConfig(home=home)
    enroll(config, module_central_server.url, module_central_server.invite("dzhulyunitsa"))
    fields = dict(field.split("=", 1) for field in FIELDS)
    reference = submission.submit_request(config, SERVICE, fields)
    sync_actions.sync_now(config)
    central_cli("requests", "approve", reference, "--as", module_central_server.clerk)
    sync_actions.sync_now(config)
    assert submission.request_status(config, reference).status == "printed"
    return home, reference, staff_id


def _at_central(central_cli, reference) -> dict:
    listed = json.loads(central_cli("requests", "list", "--json").stdout)
    return next(r for r in listed if r["reference"] == reference)


def _ready(home, reference) -> dict:
    ready = staff_actions.ready_documents(KioskConfig(home=home))
    return next(document.to_json() for document in ready if document.reference == reference)


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


@pytest.mark.parametrize(
    ("status", "extra"),
    [("paid", ["--method", "card", "--receipt-number", "R-77"]), ("exempt", [])],
)
def test_paid_or_exempt_at_central_reaches_the_kiosk_and_allows_delivery(
    issued, central_cli, module_central_server, status, extra
):
    home, reference, staff_id = issued
    clerk = module_central_server.clerk
    central_cli("requests", "fee", reference, "--status", status, *extra, "--as", clerk)
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
