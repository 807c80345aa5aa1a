"""Moving bundle bytes over HTTP to central; on a USB stick they are files (:mod:`sync.stick`).
Same bytes either way.

Foreign errors (requests) are translated here into :mod:`sync.errors`.
"""

from __future__ import annotations

import time

import requests

from .clock import TIME_HEADER, Clock, central_time
from .errors import CentralUnreachableError, RemoteRejectedError, SyncError
from .identity import Identity, PublicIdentity
from .request_auth import KioskRequestAuth, parse_authorization

OCTET = "application/octet-stream"


class HttpTransport:
    """The kiosk's HTTP client for central's /api/v1. Each call is bounded by ``timeout``.

    ``identity``: the enrolled kiosk's keys; every call is then signed with them
    (:mod:`sync.request_auth`), as central requires of everything but enrollment.
    ``central``: central's pinned identity; its signed time on each answer (:mod:`sync.clock`)
    is measured into ``clock``, which the calls are signed with. A call central refuses as
    signed at a stale time is made once more with the time its refusal carried.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        identity: Identity | None = None,
        central: PublicIdentity | None = None,
        clock: Clock | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self.central = central
        self.clock = clock if clock is not None else Clock()
        self.auth = KioskRequestAuth(identity, self.clock) if identity is not None else None

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        url = f"{self.base_url}{path}"
        timeout = kwargs.pop("timeout", self.timeout)
        # A long-poll's answer may come seconds after it was asked: its time is no measure of
        # the offset, unless it is an immediate refusal.
        long_poll = kwargs.pop("long_poll", False)
        for attempt in (1, 2):
            sent = time.time()
            try:
                response = self.session.request(
                    method, url, timeout=timeout, auth=self.auth, **kwargs
                )
            except requests.RequestException as exc:
                raise CentralUnreachableError(
                    f"Central ({self.base_url}) cannot be reached: {type(exc).__name__}. Nothing "
                    "is lost: requests stay queued and go at the next exchange, or carry them on "
                    "a USB stick."
                ) from exc
            measured = (not long_poll or response.status_code >= 400) and self._measure(
                response, sent, time.time()
            )
            if response.status_code < 400:
                return response
            rejection = _rejection(response)
            stale = (
                isinstance(rejection, RemoteRejectedError)
                and rejection.remote_code == "stale_request"
            )
            if not (attempt == 1 and stale and measured):
                raise rejection
        raise AssertionError("unreachable")

    def _measure(self, response: requests.Response, sent: float, received: float) -> bool:
        """Take central's signed time from the answer into the clock; whether there was one."""
        if self.central is None or self.auth is None:
            return False
        try:
            nonce = parse_authorization(response.request.headers.get("Authorization")).nonce
        except SyncError:
            return False
        central = central_time(response.headers.get(TIME_HEADER), self.central, nonce)
        if central is None:
            return False
        self.clock.observe(central, sent, received)
        return True

    def enroll(self, token: str, public_identity: dict, village: str | None = None) -> dict:
        payload = {"token": token, "identity": public_identity}
        if village:
            payload["village"] = village
        return _json_answer(
            self._call("POST", "/api/v1/enroll", json=payload),
            "enrollment",
            "check the address",
        )

    def upload_bundle(self, data: bytes) -> bytes:
        """POST a bundle; the answer's bytes, which the caller must verify as a receipt."""
        return self._call(
            "POST", "/api/v1/bundles", data=data, headers={"Content-Type": OCTET}
        ).content

    def fetch_downlink(self, kiosk_id: str, after: int, wait: float = 0) -> bytes | None:
        """The next central → kiosk bundle after ``after``, or None. ``wait`` long-polls."""
        params = {"after": after}
        if wait:
            params["wait"] = wait
        response = self._call(
            "GET",
            f"/api/v1/kiosks/{kiosk_id}/downlink",
            params=params,
            timeout=self.timeout + wait,
            long_poll=bool(wait),
        )
        if response.status_code == 204:
            return None
        return response.content

    def send_receipt(self, data: bytes) -> None:
        self._call("POST", "/api/v1/receipts", data=data, headers={"Content-Type": OCTET})

    def fetch_recovery(self, kiosk_id: str) -> dict:
        """What central holds from and for this kiosk (`kiosk-app recover`)."""
        return _json_answer(self._call("GET", f"/api/v1/kiosks/{kiosk_id}/recovery"), "recovery")

    def challenge(self, kiosk_id: str) -> str:
        """A nonce from central for the next digest (its clock judges the digest, not ours)."""
        answer = _json_answer(self._call("GET", f"/api/v1/kiosks/{kiosk_id}/challenge"), "check")
        if not isinstance(answer.get("challenge"), str):
            raise CentralUnreachableError(
                "Central's answer to the check names no challenge: a proxy may be in the way."
            )
        return answer["challenge"]

    def post_digest(self, kiosk_id: str, body: dict, repair: bool = True) -> dict:
        """The divergence check: post the kiosk's signed digest; central's comparison."""
        response = self._call(
            "POST",
            f"/api/v1/kiosks/{kiosk_id}/digest",
            json=body,
            params={"repair": "1" if repair else "0"},
        )
        return _json_answer(response, "check")

    def post_streams(self, kiosk_id: str, positions: dict) -> dict:
        """Where the kiosk's streams stand (``streams.positions``); central's ``streams.answer``:
        what it holds from the kiosk (newest bundle, highest reference), where its downlink
        continues, and what a restored central wants back. The one call about positions."""
        return _json_answer(
            self._call("POST", f"/api/v1/kiosks/{kiosk_id}/streams", json=positions),
            "stream positions",
        )

    def post_held_document(self, kiosk_id: str, held: dict) -> dict:
        """A document given back to a restored central (``document.held``); its answer."""
        return _json_answer(
            self._call("POST", f"/api/v1/kiosks/{kiosk_id}/documents", json=held),
            "document given back",
        )


def _json_answer(
    response: requests.Response, what: str, hint: str = "a proxy may be in the way"
) -> dict:
    """The JSON object central answered with; anything else (a captive portal's page, a proxy's
    HTML) is a CentralUnreachableError that names the call."""
    try:
        answer = response.json()
    except ValueError as exc:
        raise CentralUnreachableError(
            f"Central's answer to the {what} is not JSON: {hint}."
        ) from exc
    if not isinstance(answer, dict):
        raise CentralUnreachableError(f"Central's answer to the {what} is not a JSON object.")
    return answer


def _rejection(response: requests.Response) -> SyncError:
    try:
        error = response.json()["error"]
        return RemoteRejectedError(
            error.get("message") or "Central refused the request.",
            remote_code=error.get("code", ""),
            status=response.status_code,
        )
    except (ValueError, KeyError, TypeError):
        return CentralUnreachableError(
            f"Central answered HTTP {response.status_code} without an explanation; a proxy may "
            "be in the way. Nothing is lost; try again later."
        )
