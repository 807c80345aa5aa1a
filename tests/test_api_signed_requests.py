"""Every kiosk API call is signed by the kiosk's key (sync.request_auth): an unsigned, replayed,
stale or forged call changes nothing and gets a 401; a kiosk cannot speak for another; the rate
limit belongs to the authenticated kiosk, so nobody else can spend it."""

from __future__ import annotations

import time

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from central_api.api.ratelimit import RateLimiter
from central_api.db import read, write
from central_api.db.schema import kiosks, outbound_records
from central_api.workflow import queue_record
from sync import Identity
from sync.errors import StaleRequestError, UnauthenticatedRequestError
from sync.request_auth import (
    authorization_header,
    parse_authorization,
    signed_message,
    verify_request,
)
from tests.fixtures_central import SimKiosk
from tests.test_api_error_shape import error_of, invite

LONG_AGO = "2026-01-01T00:00:00Z"


@pytest.fixture
def waiting(central, sim_kiosk):
    """sim_kiosk with a record queued for it, not sealed, and a last contact long ago."""
    with write(central.engine) as conn:
        queue_record(
            conn, sim_kiosk.kiosk_id, "settings.updated", {"retention_days": 30, "at": LONG_AGO}
        )
        conn.execute(
            update(kiosks).where(kiosks.c.id == sim_kiosk.kiosk_id).values(last_contact=LONG_AGO)
        )
    return sim_kiosk


def state_of(central, kiosk_id: str) -> tuple:
    with read(central.engine) as conn:
        contact = conn.execute(
            select(kiosks.c.last_contact).where(kiosks.c.id == kiosk_id)
        ).scalar()
        sealed = (
            conn.execute(
                select(outbound_records.c.bundle_seq).where(outbound_records.c.kiosk_id == kiosk_id)
            )
            .scalars()
            .all()
        )
    return contact, sealed


def signed(kiosk: SimKiosk, target: str, method: str = "GET", body: bytes = b"", **options) -> dict:
    return {"Authorization": authorization_header(kiosk.identity, method, target, body, **options)}


def test_an_unsigned_downlink_call_changes_nothing_and_is_a_401(central, central_app, waiting):
    anonymous = FlaskClient(central_app)  # Flask's own client: it never signs
    before = state_of(central, waiting.kiosk_id)
    for query in ("?after=0", "?after=0&wait=5"):
        answer = anonymous.get(f"/api/v1/kiosks/{waiting.kiosk_id}/downlink{query}")
        error_of(answer, 401, "unauthenticated")
    assert state_of(central, waiting.kiosk_id) == before == (LONG_AGO, [None])


def test_a_replayed_downlink_call_changes_nothing_and_is_a_401(central, central_client, waiting):
    target = f"/api/v1/kiosks/{waiting.kiosk_id}/downlink?after=0"
    headers = signed(waiting, target)
    assert central_client.get(target, headers=headers).status_code == 200  # the kiosk's own call
    with write(central.engine) as conn:
        conn.execute(
            update(kiosks).where(kiosks.c.id == waiting.kiosk_id).values(last_contact=LONG_AGO)
        )
    before = state_of(central, waiting.kiosk_id)
    error_of(central_client.get(target, headers=headers), 401, "replayed_request")
    assert state_of(central, waiting.kiosk_id) == before


def test_a_stale_or_forged_call_is_a_401_and_seals_nothing(central, central_client, waiting):
    target = f"/api/v1/kiosks/{waiting.kiosk_id}/downlink?after=0"
    stale = signed(waiting, target, now=time.time() - 3600)
    error_of(central_client.get(target, headers=stale), 401, "stale_request")
    elsewhere = signed(waiting, target.replace("after=0", "after=1"))  # signed another query
    error_of(central_client.get(target, headers=elsewhere), 401, "unauthenticated")
    impostor = SimKiosk()
    impostor.identity = Identity(
        waiting.kiosk_id, impostor.identity.signing, impostor.identity.encryption
    )
    error_of(central_client.get(target, headers=signed(impostor, target)), 401, "unauthenticated")
    assert state_of(central, waiting.kiosk_id) == (LONG_AGO, [None])


def test_a_kiosk_cannot_fetch_or_check_for_another_kiosk(central_client, central_cli, sim_kiosk):
    other = SimKiosk()
    answer = central_client.post(
        "/api/v1/enroll", json=other.enrollment_payload(invite(central_cli))
    )
    other.enrolled(answer.get_json())
    target = f"/api/v1/kiosks/{other.kiosk_id}/downlink"
    error_of(central_client.get(target, headers=signed(sim_kiosk, target)), 403, "wrong_kiosk")
    digest = f"/api/v1/kiosks/{other.kiosk_id}/digest"
    answer = central_client.post(
        digest, data=b"{}", headers=signed(sim_kiosk, digest, "POST", b"{}")
    )
    error_of(answer, 403, "wrong_kiosk")


def test_anonymous_calls_cannot_spend_a_kiosks_rate_limit(central_app, central_client, sim_kiosk):
    central_app.extensions["rate_limiter"] = RateLimiter(3)
    anonymous = FlaskClient(central_app)
    target = f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/downlink"
    for _ in range(10):
        error_of(anonymous.get(target), 401)
    assert central_client.get(target).status_code in (200, 204)  # the kiosk itself still may


def test_the_signed_message_covers_method_path_query_and_body():
    message = signed_message(
        "merdanya-1", 1764621000, "n" * 22, "post", "/api/v1/bundles?x=1", b"ab"
    )
    assert message.decode().split("\n") == [
        "VIC-REQUEST-1",
        "merdanya-1",
        "1764621000",
        "n" * 22,
        "POST",
        "/api/v1/bundles?x=1",
        "fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603",
    ]


def test_a_signature_verifies_only_for_what_was_signed():
    kiosk = Identity.generate("merdanya-1")
    header = authorization_header(kiosk, "POST", "/api/v1/receipts", b"body", now=1000)
    request = parse_authorization(header)
    verify_request(request, kiosk.public.signing_key, "POST", "/api/v1/receipts", b"body", now=1001)
    with pytest.raises(UnauthenticatedRequestError):
        verify_request(
            request, kiosk.public.signing_key, "POST", "/api/v1/receipts", b"other", now=1001
        )
    with pytest.raises(StaleRequestError):
        verify_request(
            request, kiosk.public.signing_key, "POST", "/api/v1/receipts", b"body", now=2000
        )


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer x",
        'VIC-Ed25519 kiosk="a"',
        'VIC-Ed25519 kiosk="A B", time="1", nonce="' + "n" * 22 + '", signature="' + "A" * 88 + '"',
        "VIC-Ed25519 " + "x" * 600,
    ],
)
def test_malformed_authorization_headers_are_refused(header):
    with pytest.raises(UnauthenticatedRequestError):
        parse_authorization(header)
