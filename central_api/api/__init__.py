"""The kiosk-facing HTTP API (/api/v1, docs/protocol.md "Transports") and /healthz.

Resources are thin: each parses its input, calls one library function in a transaction and
answers. Every error has one JSON shape: ``{"error": {"code", "message", "status"}}``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, jsonify, render_template, request
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from sync import SyncError

from .. import (
    bundles,
    catalogues,
    decisions,
    divergence,
    kiosk_auth,
    kiosk_recovery,
    kiosks,
    longpoll,
    onboarding,
    retention,
    streams,
)
from ..context import Central
from ..db import read, write
from ..errors import (
    CentralError,
    NotFoundError,
    RateLimitedError,
    WrongKioskError,
)
from ..municipality import current_municipality
from ..request_json import json_object
from ..signed_time import TIME_HEADER, issue_challenge, signed_time_for
from .openapi import OPENAPI
from .ratelimit import RateLimiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
verify_bp = Blueprint("verify", __name__, template_folder="templates")
OCTET = "application/octet-stream"


def _central() -> Central:
    return current_app.extensions["central"]


def error_response(code: str, message: str, status: int) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "status": status}})
    response.status_code = status
    return response


def register_errors(app: Flask) -> None:
    @app.errorhandler(CentralError)
    def _central_error(exc: CentralError):
        return error_response(exc.code, exc.message, exc.http_status)

    @app.errorhandler(SyncError)
    def _sync_error(exc: SyncError):
        return error_response(exc.code, exc.message, exc.http_status)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if not request.path.startswith(("/api/", "/healthz", "/verify/")):
            return exc
        code = (exc.name or "error").lower().replace(" ", "_")
        response = error_response(code, exc.description or exc.name, exc.code or 500)
        for name, value in exc.get_headers():  # Allow on a 405, Retry-After, ...
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Unexpected error on %s", request.path)
        return error_response(
            "internal_error",
            "Central could not finish this; nothing was half-done. Try again; if it repeats, "
            "tell the administrator.",
            500,
        )

    app.extensions["rate_limiter"] = RateLimiter(app.config.get("KIOSK_RATE_LIMIT", 600))

    @app.get("/healthz")
    def healthz():
        central = _central()
        fingerprint = central.identity.public.display_fingerprint
        with read(central.engine) as conn:
            conn.execute(text("SELECT 1"))
        return jsonify({"status": "ok", "central": fingerprint})


# Everything else on /api/v1 is a kiosk's call and must be signed by it (central_api.kiosk_auth).
ANONYMOUS_ENDPOINTS = {"api.enroll", "api.openapi"}


@bp.after_request
def sign_the_time(response: Response) -> Response:
    """Every answer to a kiosk's signed call carries central's signed time (sync.clock)."""
    value = signed_time_for(_central().identity, request.headers.get("Authorization"))
    if value is not None:
        response.headers[TIME_HEADER] = value
    return response


@bp.before_request
def authenticate_kiosk():
    """The one check of who is calling, before any work: a kiosk's signed request, its rate
    limit keyed by the authenticated kiosk, and its id in the path or its key in the bundle
    or receipt must be its own."""
    if request.endpoint in ANONYMOUS_ENDPOINTS:
        return None
    query = request.query_string.decode("latin-1")
    target = f"{request.path}?{query}" if query else request.path
    kiosk = kiosk_auth.authenticate(
        _central().engine,
        request.headers.get("Authorization"),
        request.method,
        target,
        lambda: request.get_data(cache=True),
    )
    body = request.get_data(cache=True)
    g.kiosk = kiosk
    _limit(f"kiosk:{kiosk['id']}")
    named = (request.view_args or {}).get("kiosk_id")
    if named is not None and named != kiosk["id"]:
        raise WrongKioskError(f"Kiosk {kiosk['id']} may not call for kiosk {named!r}.")
    if request.endpoint in ("api.upload_bundle", "api.receipt") and body[8:40] != bytes.fromhex(
        kiosk["fingerprint"]
    ):
        raise WrongKioskError(
            f"This bundle or receipt is not signed by kiosk {kiosk['id']}'s key: each kiosk "
            "sends its own."
        )
    return None


def _limit(key: str) -> None:
    if not current_app.extensions["rate_limiter"].allow(key):
        raise RateLimitedError("Too many calls from this kiosk in a minute: wait and try again.")


def _no_nul(name: str, message: str) -> None:
    """No id holds a NUL, and PostgreSQL text cannot even be compared with one."""
    if "\x00" in name:
        raise NotFoundError(message)


@verify_bp.get("/verify/<number>")
def verify_document(number: str):
    """Public: is Изх. № <number> a valid document of the municipality? No personal data; the
    details only with the verification code printed on it (``?c=``). JSON, or a page for a
    browser (the address printed in the document's footer)."""
    _limit(f"verify:{request.remote_addr}")
    _no_nul(number, f"No document Изх. № {number!r} was issued by the municipality.")
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) != "text/html":
        return jsonify(decisions.public_status(_central().engine, number, request.args.get("c")))
    try:
        status = decisions.public_status(_central().engine, number, request.args.get("c"))
    except NotFoundError:
        return render_template("verify.html", number=number, status=None), 404
    return render_template("verify.html", number=number, status=status)


@bp.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


@bp.post("/enroll")
def enroll():
    _limit(f"enroll:{request.remote_addr}")
    payload = json_object(request.get_data(cache=False), "the token and the kiosk's public keys")
    central = _central()
    version = payload.get("software_version")
    with write(central.engine) as conn:
        kiosk = onboarding.enroll_kiosk(
            conn,
            payload.get("token"),
            payload.get("identity"),
            str(version).replace("\x00", "")[:64] if version is not None else None,
        )
        catalogue = catalogues.current_catalogue(conn)
        municipality = current_municipality(conn)
    body = {
        "kiosk_id": kiosk["id"],
        "village": kiosk["village"],
        "kiosk_no": kiosk["kiosk_no"],
        "fingerprint": kiosks.describe(kiosk)["fingerprint"],
        "central": central.identity.public.to_json(),
        "catalogue": catalogue,
        "municipality": municipality.to_json(),
        "settings": {"retention_days": retention.kiosk_retention_days(current_app.config)},
    }
    return jsonify(body), 201


@bp.post("/bundles")
def upload_bundle():
    data = request.get_data(cache=False)
    central = _central()
    received = bundles.receive(central.engine, central.identity, data)
    return Response(received.receipt, status=200, mimetype=OCTET)


@bp.get("/kiosks/<kiosk_id>/downlink")
def downlink(kiosk_id: str):
    after = longpoll.parse_after(request.args.get("after"))
    central = _central()
    wait = longpoll.parse_wait(request.args.get("wait"))  # long-poll: docs/sync.md, "Push"
    if wait:
        data = longpoll.wait_for_downlink(central.engine, central.identity, kiosk_id, after, wait)
    else:
        data = bundles.next_downlink(central.engine, central.identity, kiosk_id, after)
    if data is None:
        return Response(status=204)
    return Response(data, status=200, mimetype=OCTET)


@bp.get("/kiosks/<kiosk_id>/challenge")
def challenge(kiosk_id: str):
    """A nonce from central for the kiosk's next signed digest (central_api.signed_time)."""
    return jsonify({"challenge": issue_challenge(_central().identity, kiosk_id)})


@bp.post("/kiosks/<kiosk_id>/digest")
def digest(kiosk_id: str):
    """The divergence check (central_api.divergence): what differs, and what central repaired."""
    central = _central()
    body = json_object(request.get_data(cache=False), "{digest, signature}")
    repair = request.args.get("repair", "1") not in ("0", "false", "no")
    return jsonify(
        divergence.compare_digest(central.engine, central.identity, kiosk_id, body, repair)
    )


@bp.get("/kiosks/<kiosk_id>/recovery")
def recovery(kiosk_id: str):
    """What central holds from and for this kiosk, to rebuild its store (`kiosk-app recover`)."""
    central = _central()
    settings = {"retention_days": retention.kiosk_retention_days(current_app.config)}
    return jsonify(
        kiosk_recovery.recovery_view(central.engine, central.identity, kiosk_id, settings)
    )


@bp.post("/kiosks/<kiosk_id>/streams")
def stream_positions(kiosk_id: str):
    """Where the kiosk's streams stand; central's answer heals them (central_api.streams)."""
    body = json_object(request.get_data(cache=False), "the kiosk's stream positions")
    return jsonify(streams.report_positions(_central().engine, kiosk_id, body))


@bp.post("/kiosks/<kiosk_id>/documents")
def held_document(kiosk_id: str):
    """A document the kiosk holds, given back to a central that was restored."""
    central = _central()
    body = json_object(request.get_data(cache=False), "a document held (document.held)")
    roots = central.config.get("TSA_ROOTS")
    return jsonify(
        streams.take_held_document(
            central.engine,
            kiosk_id,
            body,
            central.document_certificate_pem(),
            Path(roots).read_bytes() if roots else None,
        )
    )


@bp.post("/receipts")
def receipt():
    data = request.get_data(cache=False)
    central = _central()
    return jsonify(bundles.acknowledge(central.engine, central.identity, data))
