"""Hostile inputs of a security test each get a 400 in the one error shape (not a 500), weak
kiosk keys are refused at enrollment, key rotation reports the kiosks it could not serve, /verify
tells nothing personal, the audit page verifies only what is new, and ``init`` keeps its files
private."""

from __future__ import annotations

import base64
import stat

import pytest
from sqlalchemy import insert, select

from central_api.db import read, write
from central_api.db.schema import audit_checkpoint, audit_log, kiosks
from tests.fixtures_central import SimKiosk
from tests.test_api_error_shape import error_of, invite

DEEP = b'{"a": ' * 5000 + b"1" + b"}" * 5000

# Small-order points: the identity and the point of order 4 on Curve25519 (X25519), and
# Ed25519's identity (1, 0) and a point of order 8 (from libsodium's blocklist).
X25519_WEAK = [
    bytes(32),
    bytes([1]) + bytes(31),
    bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
]
ED25519_WEAK = [
    bytes(32),
    bytes([1]) + bytes(31),
    bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
]


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_deeply_nested_json_on_enroll_is_a_400(central_client):
    answer = central_client.post(
        "/api/v1/enroll", data=DEEP, headers={"Content-Type": "application/json"}
    )
    error_of(answer, 400, "invalid_input")


def test_json_nested_beyond_the_limit_but_parseable_is_a_400(central_client):
    nested = b'{"token": ' + b"[" * 100 + b"]" * 100 + b"}"
    error_of(central_client.post("/api/v1/enroll", data=nested), 400, "invalid_input")


def test_deeply_nested_json_on_digest_is_a_400(central_client, sim_kiosk):
    answer = central_client.post(f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/digest", data=DEEP)
    assert answer.status_code in (400, 401)  # refused before anything reads it
    error_of(answer, answer.status_code)


@pytest.mark.parametrize("raw", X25519_WEAK)
def test_weak_encryption_keys_are_refused_at_enrollment(central_client, central_cli, raw):
    identity = SimKiosk().identity.public.to_json()
    payload = {"token": invite(central_cli), "identity": {**identity, "encryption_key": b64(raw)}}
    error = error_of(central_client.post("/api/v1/enroll", json=payload), 400, "invalid_input")
    assert "X25519" in error["message"] and "small-order" in error["message"]


@pytest.mark.parametrize("raw", ED25519_WEAK)
def test_weak_signing_keys_are_refused_at_enrollment(central_client, central_cli, raw):
    identity = SimKiosk().identity.public.to_json()
    payload = {"token": invite(central_cli), "identity": {**identity, "signing_key": b64(raw)}}
    error = error_of(central_client.post("/api/v1/enroll", json=payload), 400, "invalid_input")
    assert "Ed25519" in error["message"]


def test_key_rotation_reports_a_kiosk_it_could_not_serve_and_serves_the_others(
    central, central_cli, sim_kiosk
):
    with write(central.engine) as conn:  # a row enrolled before the check existed
        conn.execute(
            insert(kiosks).values(
                id="merdanya-9",
                village="merdanya",
                kiosk_no=9,
                signing_key=SimKiosk().identity.public.signing_key,
                encryption_key=bytes(32),
                fingerprint="ab" * 32,
                enrolled_at="2026-11-25T09:00:00Z",
                last_contact="2026-11-25T09:00:00Z",
            )
        )
    rotated = central_cli("keys", "rotate", "--yes", ok=False)
    assert rotated.exit_code == 1
    assert "NOT announced to merdanya-9" in rotated.stderr
    assert "Announced to 1 kiosk;" in rotated.stdout  # the healthy kiosk got it


@pytest.mark.parametrize(
    "path",
    [
        "/office/reports?weeks=" + "9" * 5000,
        "/office/reports?weeks=%C2%B2",
        "/office/audit?before=" + "9" * 5000,
    ],
)
def test_absurd_numbers_in_office_pages_are_a_400(office_client, path):
    role = "auditor" if "audit" in path else "clerk"
    answer = office_client(role).get(path)
    assert answer.status_code == 400, answer.status_code
    assert "<html" in answer.get_data(as_text=True).lower()  # the office's own error page


@pytest.mark.parametrize("target", ["/office/queue\r\nSet-Cookie: x=1", "/office/queue%0d%0a"])
def test_cr_lf_in_next_is_a_400(office_client, target):
    visitor = office_client(None)
    answer = visitor.client.get("/office/sign-in", query_string={"next": target})
    if "%0d" in target:  # percent-encoded: decoded once by the server, still control chars
        answer = visitor.client.get("/office/sign-in?next=/office/queue%0d%0aX:1")
    assert answer.status_code == 400
    language = visitor.post("/office/language", {"lang": "en", "next": "/office/queue\r\nX: 1"})
    assert language.status_code == 400


def test_an_invite_of_99999999_days_is_refused(central_cli, office_client):
    cli = central_cli("kiosk", "invite", "merdanya", "--days", "99999999", ok=False)
    assert cli.exit_code == 1 and "1 to 90 days" in cli.stderr
    admin = office_client("admin")
    admin.refresh_token("/office/fleet")
    answer = admin.post("/office/fleet/invite", {"village": "merdanya", "days": "99999999"})
    assert answer.status_code == 400


def test_the_audit_page_verifies_from_the_last_verified_entry(central, office_client):
    auditor = office_client("auditor")
    assert auditor.get("/office/audit").status_code == 200
    with read(central.engine) as conn:
        kept = conn.execute(select(audit_checkpoint)).mappings().one()
        newest = conn.execute(select(audit_log.c.id).order_by(audit_log.c.id.desc())).first()
    assert kept["entry_id"] == newest.id
    # Tamper with an entry already verified: the incremental check does not re-read it, the
    # full check on demand finds it.
    with write(central.engine) as conn:
        first = conn.execute(select(audit_log.c.id).order_by(audit_log.c.id)).first().id
        conn.execute(audit_log.update().where(audit_log.c.id == first).values(actor="mallory"))
    assert "нарушена" not in auditor.get("/office/audit").get_data(as_text=True)
    full = auditor.get("/office/audit?verify=all").get_data(as_text=True)
    assert "нарушена" in full and f"{first}" in full


def test_a_changed_checkpoint_entry_is_found_by_the_incremental_check(central, office_client):
    auditor = office_client("auditor")
    auditor.get("/office/audit")
    with read(central.engine) as conn:
        kept = conn.execute(select(audit_checkpoint.c.entry_id)).scalar_one()
    with write(central.engine) as conn:
        conn.execute(audit_log.update().where(audit_log.c.id == kept).values(hash="0" * 64))
    assert "нарушена" in auditor.get("/office/audit").get_data(as_text=True)


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_init_makes_the_home_keys_and_database_private(central):
    home = central.home
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for path in home.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    assert (home / "central.db").exists()
