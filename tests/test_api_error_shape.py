"""Every error the kiosk API can give has the one JSON shape (datasette's test_error_shape idea).

``{"error": {"code": str, "message": non-empty str, "status": the HTTP status}}`` with
``Content-Type: application/json``, whatever went wrong: routing, size, rate, input, trust,
sequence. The office's HTML pages keep HTML errors: they are for people, not for kiosks.
"""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import update

from central_api.api.ratelimit import RateLimiter
from central_api.db import write
from central_api.db.schema import invites
from sync import GENESIS, Identity, seal_bundle
from sync.receipt import make_receipt
from sync.request_auth import authorization_header
from tests.fixtures_central import SimKiosk

OCTET = {"Content-Type": "application/octet-stream"}


def assert_one_error_shape(status: int, content_type: str, body: bytes | dict) -> dict:
    """The error body of any API answer; fails unless it is in the one shape."""
    import json

    assert content_type.split(";")[0].strip() == "application/json", content_type
    document = json.loads(body) if isinstance(body, bytes | str) else body
    assert isinstance(document, dict) and set(document) == {"error"}, document
    error = document["error"]
    assert isinstance(error, dict) and set(error) == {"code", "message", "status"}, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert type(error["status"]) is int and error["status"] == status, (error, status)
    return error


def error_of(response, status: int, code: str | None = None) -> dict:
    """The error of a Flask test-client or requests answer that must be ``status``."""
    body = response.data if hasattr(response, "data") else response.content
    assert response.status_code == status, (response.status_code, body)
    error = assert_one_error_shape(status, response.headers.get("Content-Type", ""), body)
    if code is not None:
        assert error["code"] == code, error
    return error


def invite(central_cli, village: str = "merdanya") -> str:
    return central_cli("kiosk", "invite", village).stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v1/kiosks",
        "/api/v1/kiosks//downlink",
        "/api/v2/enroll",
        "/api/",
        "/verify/",
    ],
)
def test_unknown_api_routes_are_a_404_in_the_shape(central_client, path):
    error_of(central_client.get(path), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/bundles"),
        ("PUT", "/api/v1/bundles"),
        ("DELETE", "/api/v1/receipts"),
        ("GET", "/api/v1/enroll"),
        ("PATCH", "/api/v1/enroll"),
        ("POST", "/api/v1/openapi.json"),
        ("POST", "/api/v1/kiosks/dzhulyunitsa-1/downlink"),
        ("POST", "/healthz"),
        ("DELETE", "/verify/2026-1"),
    ],
)
def test_wrong_methods_are_a_405_in_the_shape(central_client, method, path):
    answer = central_client.open(path, method=method)
    error_of(answer, 405, "method_not_allowed")
    assert answer.headers["Allow"]


def test_office_pages_keep_html_errors_for_people(central_client):
    for path in ("/office/nothing-here", "/nothing-here"):
        answer = central_client.get(path)
        assert answer.status_code == 404
        assert answer.content_type.startswith("text/html")


@pytest.mark.parametrize("path", ["/api/v1/bundles", "/api/v1/receipts", "/api/v1/enroll"])
def test_oversized_bodies_are_a_413_in_the_shape(central_app, central_client, sim_kiosk, path):
    central_app.config["MAX_CONTENT_LENGTH"] = 4096
    content_type = "application/json" if path.endswith("enroll") else "application/octet-stream"
    body = b"{" * 4097
    headers = {"Authorization": authorization_header(sim_kiosk.identity, "POST", path, body)}
    answer = central_client.post(path, data=body, content_type=content_type, headers=headers)
    error_of(answer, 413, "request_entity_too_large")


def test_the_real_server_answers_an_oversized_upload_with_a_413(module_central_server):
    from central_api.config import MAX_CONTENT_LENGTH

    base_url = module_central_server.url
    kiosk = SimKiosk()
    token = module_central_server.invite("merdanya")
    kiosk.enrolled(
        requests.post(
            f"{base_url}/api/v1/enroll", json=kiosk.enrollment_payload(token), timeout=30
        ).json()
    )
    body = b"\0" * (MAX_CONTENT_LENGTH + 1)
    signed = {
        **OCTET,
        "Authorization": authorization_header(kiosk.identity, "POST", "/api/v1/bundles", body),
    }
    try:
        answer = requests.post(f"{base_url}/api/v1/bundles", data=body, headers=signed, timeout=60)
    except requests.ConnectionError:
        pytest.fail("the server dropped the connection instead of answering 413")
    error_of(answer, 413, "request_entity_too_large")


def test_rate_limit_is_a_429_in_the_shape_for_each_limited_route(
    central_app, central_client, sim_kiosk
):
    central_app.extensions["rate_limiter"] = RateLimiter(1)
    for path in ("/verify/2026-1", "/api/v1/enroll"):  # anonymous: limited by address
        call = central_client.post if path.endswith("enroll") else central_client.get
        call(path, data=b"x" * 64) if path.endswith("enroll") else call(path)
        again = call(path, data=b"x" * 64) if path.endswith("enroll") else call(path)
        error_of(again, 429, "rate_limited")
    # A kiosk's calls: limited by the authenticated kiosk, all its routes together.
    central_client.get(f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/downlink")
    for path, body in (
        ("/api/v1/bundles", sim_kiosk.bundle([])),
        ("/api/v1/receipts", make_receipt(sim_kiosk.identity, "ab" * 32, "central", 1, [])),
    ):
        error_of(central_client.post(path, data=body, headers=OCTET), 429, "rate_limited")
    digest = central_client.post(f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/digest", json={})
    error_of(digest, 429, "rate_limited")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"null",
        b"[]",
        b'"token"',
        b"\xff\xfe{}",
        b'{"token": ',
    ],
)
def test_malformed_enrollment_json_is_a_400_in_the_shape(central_client, body):
    answer = central_client.post(
        "/api/v1/enroll", data=body, headers={"Content-Type": "application/json"}
    )
    error_of(answer, 400, "invalid_input")


@pytest.mark.parametrize(
    "identity",
    [
        None,
        [],
        "keys",
        {},
        {"signing_key": "!!", "encryption_key": "!!"},
        {"signing_key": 1, "encryption_key": 2},
        {"signing_key": None, "encryption_key": None},
        {"signing_key": ["a"], "encryption_key": {"b": 1}},
        {"signing_key": "AAAA", "encryption_key": "AAAA"},
    ],
)
def test_unusable_kiosk_keys_are_a_400_in_the_shape(central_client, central_cli, identity):
    payload = {"token": invite(central_cli), "identity": identity, "software_version": 7}
    error_of(central_client.post("/api/v1/enroll", json=payload), 400, "invalid_input")


@pytest.mark.parametrize("token", [None, "", "   ", 5, [], {}, "not-a-token", "a\x00b"])
def test_bad_invite_tokens_are_a_403_in_the_shape(central_client, token):
    payload = {"token": token, "identity": SimKiosk().identity.public.to_json()}
    error_of(central_client.post("/api/v1/enroll", json=payload), 403, "enrollment_refused")


def test_used_and_expired_invites_are_a_403_in_the_shape(central_client, central_cli, central):
    token = invite(central_cli)
    first = central_client.post("/api/v1/enroll", json=SimKiosk().enrollment_payload(token))
    assert first.status_code == 201
    again = central_client.post("/api/v1/enroll", json=SimKiosk().enrollment_payload(token))
    error_of(again, 403, "enrollment_refused")
    expiring = invite(central_cli)
    with write(central.engine) as conn:
        conn.execute(update(invites).values(expires_at="2000-01-01T00:00:00Z"))
    late = central_client.post("/api/v1/enroll", json=SimKiosk().enrollment_payload(expiring))
    error_of(late, 403, "enrollment_refused")


def test_trust_errors_are_a_403_in_the_shape(central_client, sim_kiosk, central_cli):
    stranger = Identity.generate("dzhulyunitsa-9")
    unknown = seal_bundle(stranger, sim_kiosk.central, 1, GENESIS, [])
    error_of(central_client.post("/api/v1/bundles", data=unknown, headers=OCTET), 401)
    foreign_receipt = make_receipt(stranger, "0" * 64, "central", 1, [])
    receipt_answer = central_client.post("/api/v1/receipts", data=foreign_receipt, headers=OCTET)
    error_of(receipt_answer, 401, "unauthenticated")  # no enrolled kiosk signed the call
    # Signed by a real kiosk, but carrying another's bundle: refused before it is opened.
    signed = authorization_header(sim_kiosk.identity, "POST", "/api/v1/bundles", unknown)
    carried = central_client.post(
        "/api/v1/bundles", data=unknown, headers={**OCTET, "Authorization": signed}
    )
    error_of(carried, 403, "wrong_kiosk")

    central_cli("kiosk", "revoke", sim_kiosk.kiosk_id)
    revoked = sim_kiosk.bundle([sim_kiosk.submitted()])
    error_of(central_client.post("/api/v1/bundles", data=revoked, headers=OCTET), 403)
    downlink = central_client.get(f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/downlink")
    error_of(downlink, 403, "kiosk_revoked")


def test_a_receipt_for_a_bundle_never_sent_is_an_error_in_the_shape(central_client, sim_kiosk):
    receipt = make_receipt(sim_kiosk.identity, "ab" * 32, "central", 7, [])
    answer = central_client.post("/api/v1/receipts", data=receipt, headers=OCTET)
    assert 400 <= answer.status_code < 500
    error_of(answer, answer.status_code)


def test_sequence_conflicts_and_gaps_are_a_409_in_the_shape(central_client, sim_kiosk):
    first = sim_kiosk.bundle([sim_kiosk.submitted()])
    assert central_client.post("/api/v1/bundles", data=first, headers=OCTET).status_code == 200
    other = seal_bundle(sim_kiosk.identity, sim_kiosk.central, 1, GENESIS, [sim_kiosk.submitted()])
    conflict = central_client.post("/api/v1/bundles", data=other, headers=OCTET)
    error_of(conflict, 409, "sequence_conflict")
    sim_kiosk.bundle([sim_kiosk.submitted()])  # seq 2 is never sent
    gap = central_client.post(
        "/api/v1/bundles", data=sim_kiosk.bundle([sim_kiosk.submitted()]), headers=OCTET
    )
    error_of(gap, 409, "sequence_gap")


@pytest.mark.parametrize("after", ["-1", "abc", "1e9", "", "1.5", "0x10", "\x00", "9" * 5000])
def test_bad_after_is_a_400_in_the_shape(central_client, sim_kiosk, after):
    answer = central_client.get(
        f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/downlink", query_string={"after": after}
    )
    error_of(answer, 400, "invalid_input")


@pytest.mark.parametrize("after", [str(2**31), str(2**63), str(10**30)])
def test_an_after_beyond_any_32_bit_seq_is_a_400_not_a_crash(central_client, sim_kiosk, after):
    answer = central_client.get(
        f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/downlink", query_string={"after": after}
    )
    assert "between 0 and" in error_of(answer, 400, "invalid_input")["message"]


def test_the_largest_32_bit_after_is_answered(central_client, sim_kiosk):
    answer = central_client.get(
        f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/downlink", query_string={"after": str(2**31 - 1)}
    )
    assert answer.status_code in (200, 204)


def test_unknown_kiosks_are_a_401_and_documents_a_404_in_the_shape(central_client):
    error_of(central_client.get("/api/v1/kiosks/nobody-1/downlink"), 401, "unauthenticated")
    error_of(central_client.get("/api/v1/kiosks/a%00b/downlink"), 401, "unauthenticated")
    error_of(central_client.get("/verify/2026-999999"), 404, "not_found")
    error_of(central_client.get("/verify/a%00b"), 404, "not_found")


def test_the_real_server_answers_errors_in_the_shape(module_central_server):
    base_url = module_central_server.url
    with requests.Session() as session:
        error_of(session.get(f"{base_url}/api/v1/nothing-here", timeout=10), 404)
        error_of(session.get(f"{base_url}/api/v1/bundles", timeout=10), 405)
        error_of(session.post(f"{base_url}/api/v1/enroll", data=b"{", timeout=10), 400)
        error_of(
            session.post(f"{base_url}/api/v1/bundles", data=b"<html>" * 40, timeout=10),
            401,
            "unauthenticated",
        )
        error_of(
            session.get(f"{base_url}/api/v1/kiosks/nobody-1/downlink?after=-1", timeout=10),
            401,
        )


def test_a_nul_in_the_software_version_does_not_break_enrollment(central_client, central_cli):
    payload = {**SimKiosk().enrollment_payload(invite(central_cli)), "software_version": "1\x002"}
    assert central_client.post("/api/v1/enroll", json=payload).status_code == 201
