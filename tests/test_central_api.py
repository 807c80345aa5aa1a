"""The kiosk-facing API (/api/v1) through Flask's test client, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, update

from central_api.db import write
from central_api.db.schema import applied_records, invites, requests
from sync import open_receipt

OCTET = {"Content-Type": "application/octet-stream"}


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "status"}
    assert error["status"] == status and error["message"]
    if code:
        assert error["code"] == code
    return error


def test_healthz_answers_once_ready(central_client, central):
    answer = central_client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json()["central"] == central.identity.public.display_fingerprint


def test_enrollment_gives_an_id_and_central_keys(central_client, central_cli, central):
    from tests.fixtures_central import SimKiosk

    token = central_cli("kiosk", "invite", "kozarevets").stdout.strip().splitlines()[-1]
    kiosk = SimKiosk()
    answer = central_client.post("/api/v1/enroll", json=kiosk.enrollment_payload(token))
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["kiosk_id"] == "kozarevets-1" and body["kiosk_no"] == 1
    assert body["village"] == "kozarevets"
    assert body["central"]["fingerprint"] == central.identity.public.display_fingerprint
    assert body["settings"] == {"retention_days": 30}
    assert "catalogue" in body


def test_invite_token_works_once(central_client, central_cli):
    from tests.fixtures_central import SimKiosk

    token = central_cli("kiosk", "invite", "merdanya").stdout.strip().splitlines()[-1]
    first = central_client.post("/api/v1/enroll", json=SimKiosk().enrollment_payload(token))
    assert first.status_code == 201
    again = central_client.post("/api/v1/enroll", json=SimKiosk().enrollment_payload(token))
    assert "already used" in assert_error_shape(again, 403, "enrollment_refused")["message"]


def test_unknown_and_expired_tokens_are_refused(central_client, central_cli, central):
    from tests.fixtures_central import SimKiosk

    unknown = central_client.post("/api/v1/enroll", json=SimKiosk().enrollment_payload("nope"))
    assert_error_shape(unknown, 403, "enrollment_refused")
    token = central_cli("kiosk", "invite", "merdanya").stdout.strip().splitlines()[-1]
    with write(central.engine) as conn:
        conn.execute(update(invites).values(expires_at="2000-01-01T00:00:00Z"))
    expired = central_client.post("/api/v1/enroll", json=SimKiosk().enrollment_payload(token))
    assert "expired" in assert_error_shape(expired, 403)["message"]


def test_enrollment_with_garbage_is_a_clear_400(central_client, central_cli):
    token = central_cli("kiosk", "invite", "merdanya").stdout.strip().splitlines()[-1]
    no_json = central_client.post("/api/v1/enroll", data=b"xx", headers=OCTET)
    assert_error_shape(no_json, 400, "invalid_input")
    bad_keys = central_client.post(
        "/api/v1/enroll", json={"token": token, "identity": {"signing_key": "!!"}}
    )
    assert_error_shape(bad_keys, 400, "invalid_input")


def test_uploaded_bundle_is_applied_and_answered_with_a_receipt(central_client, sim_kiosk, central):
    records = [sim_kiosk.submitted(), sim_kiosk.submitted()]
    data = sim_kiosk.bundle(records)
    answer = central_client.post("/api/v1/bundles", data=data, headers=OCTET)
    assert answer.status_code == 200
    receipt = open_receipt(answer.data, sim_kiosk.keyring())
    assert receipt.seq == 1 and receipt.body["sender"] == sim_kiosk.kiosk_id
    assert [r["status"] for r in receipt.record_results] == ["applied", "applied"]
    with central.engine.connect() as conn:
        rows = conn.execute(select(requests.c.reference, requests.c.status)).all()
    assert sorted(rows) == [("DZH1-00001", "received"), ("DZH1-00002", "received")]


def test_replayed_bundle_gets_the_identical_receipt_and_nothing_twice(
    central_client, sim_kiosk, central
):
    data = sim_kiosk.bundle([sim_kiosk.submitted()])
    first = central_client.post("/api/v1/bundles", data=data, headers=OCTET)
    second = central_client.post("/api/v1/bundles", data=data, headers=OCTET)
    assert second.status_code == 200 and second.data == first.data
    with central.engine.connect() as conn:
        assert len(conn.execute(select(requests)).all()) == 1
        assert len(conn.execute(select(applied_records)).all()) == 1


def test_a_record_sent_again_in_a_new_bundle_is_a_duplicate(central_client, sim_kiosk):
    record = sim_kiosk.submitted()
    central_client.post("/api/v1/bundles", data=sim_kiosk.bundle([record]), headers=OCTET)
    again = central_client.post("/api/v1/bundles", data=sim_kiosk.bundle([record]), headers=OCTET)
    results = open_receipt(again.data, sim_kiosk.keyring()).record_results
    assert results == [{"id": record["id"], "status": "duplicate"}]


def test_another_bundle_with_a_used_seq_is_a_409(central_client, sim_kiosk):
    from sync import GENESIS, seal_bundle

    central_client.post(
        "/api/v1/bundles",
        data=sim_kiosk.bundle([sim_kiosk.submitted()]),
        headers=OCTET,
    )
    other = seal_bundle(sim_kiosk.identity, sim_kiosk.central, 1, GENESIS, [sim_kiosk.submitted()])
    answer = central_client.post("/api/v1/bundles", data=other, headers=OCTET)
    assert_error_shape(answer, 409, "sequence_conflict")


def test_a_gap_in_the_stream_is_a_409_naming_it(central_client, sim_kiosk):
    sim_kiosk.bundle([sim_kiosk.submitted()])  # seq 1 never sent
    answer = central_client.post(
        "/api/v1/bundles", data=sim_kiosk.bundle([sim_kiosk.submitted()]), headers=OCTET
    )
    assert_error_shape(answer, 409, "sequence_gap")


def test_bundle_from_an_unknown_kiosk_is_refused(central_client, sim_kiosk):
    from sync import Identity, seal_bundle

    stranger = Identity.generate("dzhulyunitsa-9")
    data = seal_bundle(stranger, sim_kiosk.central, 1, "0" * 64, [])
    assert_error_shape(  # no enrolled kiosk can sign for it
        central_client.post("/api/v1/bundles", data=data, headers=OCTET), 401, "unauthenticated"
    )


def test_revoked_kiosk_cannot_send_or_fetch(central_client, sim_kiosk, central_cli):
    central_cli("kiosk", "revoke", sim_kiosk.kiosk_id)
    data = sim_kiosk.bundle([sim_kiosk.submitted()])
    answer = central_client.post("/api/v1/bundles", data=data, headers=OCTET)
    assert_error_shape(answer, 403, "kiosk_revoked")
    downlink = central_client.get(f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/downlink?after=0")
    assert_error_shape(downlink, 403, "kiosk_revoked")


def test_garbage_upload_and_unknown_paths_use_the_error_shape(central_client):
    assert_error_shape(  # not signed by any kiosk: refused before it is read
        central_client.post("/api/v1/bundles", data=b"<html>" * 40, headers=OCTET),
        401,
        "unauthenticated",
    )
    assert_error_shape(central_client.get("/api/v1/nothing-here"), 404)
    assert_error_shape(central_client.get("/api/v1/bundles"), 405)
    assert_error_shape(central_client.get("/api/v1/kiosks/nobody-1/downlink"), 401)
    assert_error_shape(central_client.get("/api/v1/kiosks/nobody-1/downlink?after=x"), 401)


def test_oversized_upload_is_a_413(central_app, central_client, sim_kiosk):
    from sync.request_auth import authorization_header

    central_app.config["MAX_CONTENT_LENGTH"] = 1024
    body = b"x" * 4096
    signed = {
        **OCTET,
        "Authorization": authorization_header(sim_kiosk.identity, "POST", "/api/v1/bundles", body),
    }
    answer = central_client.post("/api/v1/bundles", data=body, headers=signed)
    assert_error_shape(answer, 413)


def test_openapi_document_names_every_endpoint(central_client):
    document = central_client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v1/enroll",
        "/api/v1/bundles",
        "/api/v1/kiosks/{kiosk_id}/downlink",
        "/api/v1/receipts",
        "/healthz",
    } <= set(document["paths"])


def test_rate_limit_answers_429(central_app, central_client, sim_kiosk):
    from central_api.api.ratelimit import RateLimiter

    central_app.extensions["rate_limiter"] = RateLimiter(2)
    url = f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/downlink"
    for _ in range(2):
        central_client.get(url)
    assert_error_shape(central_client.get(url), 429, "rate_limited")
