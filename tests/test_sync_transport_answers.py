"""Central's JSON answers through sync.transport: a page instead of JSON (a captive portal, a
proxy) is one clear CentralUnreachableError naming the call, whichever call it was. Narrow: the
HTTP session gets a plain adapter that answers like a portal."""

from __future__ import annotations

import pytest
import requests
from requests.adapters import BaseAdapter

from sync.errors import CentralUnreachableError
from sync.transport import HttpTransport


class Answering(BaseAdapter):
    """Every request answered 200 with ``body``."""

    def __init__(self, body: bytes, content_type: str):
        super().__init__()
        self.body, self.content_type = body, content_type

    def send(self, request, **kwargs):
        response = requests.Response()
        response.status_code, response._content, response.request = 200, self.body, request
        response.headers["Content-Type"] = self.content_type
        response.url = request.url
        return response

    def close(self):
        pass


def transport_answering(body: bytes, content_type: str) -> HttpTransport:
    session = requests.Session()
    session.mount("http://", Answering(body, content_type))
    return HttpTransport("http://127.0.0.1:9", session=session)


CALLS = {
    "enrollment": lambda transport: transport.enroll("token", {}),
    "stream positions": lambda transport: transport.post_streams("merdanya-1", {}),
    "document given back": lambda transport: transport.post_held_document("merdanya-1", {}),
    "recovery": lambda transport: transport.fetch_recovery("merdanya-1"),
    "check": lambda transport: transport.post_digest("merdanya-1", {}),
}


@pytest.mark.parametrize("what", sorted(CALLS))
def test_a_portal_page_instead_of_json_names_the_call(what):
    portal = transport_answering(
        b"<html><body>Welcome to the village Wi-Fi</body></html>", "text/html"
    )
    with pytest.raises(CentralUnreachableError, match=f"answer to the {what} is not JSON"):
        CALLS[what](portal)


def test_json_that_is_not_an_object_is_refused_too():
    listing = transport_answering(b"[1, 2, 3]", "application/json")
    with pytest.raises(CentralUnreachableError, match="not a JSON object"):
        listing.post_streams("merdanya-1", {})
    with pytest.raises(CentralUnreachableError, match="names no challenge"):
        transport_answering(b'{"challenge": 5}', "application/json").challenge("merdanya-1")
