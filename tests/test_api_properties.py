"""Property test of the kiosk API: whatever is sent to any documented operation, no 5xx.

Every operation of /api/v1/openapi.json gets requests drawn by hypothesis: random bytes, random
JSON, objects with the documented keys but wrong types, real bundles and receipts (made with the
sync library for an enrolled kiosk) cut short or with a bit flipped, odd query parameters
(``after=-1``, ``after=abc``, ``wait=1e9``), bodies just over the size limit. Every answer must
be below 500, use a status the document lists for the operation (or a routing 404/405), and
every error must be the one JSON shape. The Flask test client takes most examples, a REAL
``central-api serve`` a few; PostgreSQL gets fewer than SQLite.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from central_api.api.openapi import OPENAPI
from central_api.api.ratelimit import RateLimiter
from sync.receipt import make_receipt
from sync.request_auth import KioskRequestAuth
from tests.fixtures_central import SimKiosk
from tests.test_api_error_shape import assert_one_error_shape

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
OPERATIONS = [
    (path, method)
    for path, item in OPENAPI["paths"].items()
    for method in HTTP_METHODS
    if method in item
]
SIZE_LIMIT = 64 * 1024  # the test app's MAX_CONTENT_LENGTH, so that "too large" is cheap to draw
EXAMPLES = {"sqlite": 60, "postgresql": 15}
SERVER_EXAMPLES = {"sqlite": 12, "postgresql": 6}
ODD_NUMBERS = ["-1", "abc", "1e9", "", "NaN", "inf", "-0", "1.5", "0x10", " 7 ", "٣", "\x00"]
JSON_TYPES = {"application/json", "application/octet-stream", "text/plain", "", "x/y; a=b"}


@pytest.fixture
def example_counts(central_database_url):
    name = "sqlite" if central_database_url is None else "postgresql"
    return EXAMPLES[name], SERVER_EXAMPLES[name]


@pytest.fixture
def long_polls_short(monkeypatch):
    """A ``wait`` parameter, where the downlink has one, is held at most 50 ms here."""
    import central_api.longpoll as longpoll

    monkeypatch.setattr(longpoll, "MAX_WAIT_SECONDS", 0.05)


class Seeds:
    """Real protocol bytes for one enrolled kiosk, and spare invite tokens."""

    def __init__(self, kiosk: SimKiosk, tokens: list[str], downlink: bytes | None):
        self.kiosk = kiosk
        self.tokens = tokens
        first = kiosk.bundle([kiosk.submitted()])
        second = kiosk.bundle([kiosk.submitted(), kiosk.submitted(fee="paid")])
        self.bundles = [first, second]
        if downlink is not None:
            receipt = kiosk.receipt_for(downlink)
            self.bundles.append(downlink)
        else:
            receipt = make_receipt(kiosk.identity, "ab" * 32, "central", 1, [])
        self.receipts = [receipt]

    @property
    def blobs(self) -> list[bytes]:
        return self.bundles + self.receipts

    def identity(self) -> dict:
        return SimKiosk().identity.public.to_json()


def make_seeds(post_json, get, kiosk: SimKiosk, central_cli) -> Seeds:
    tokens = [
        central_cli("kiosk", "invite", village).stdout.strip().splitlines()[-1]
        for village in ("merdanya", "kozarevets")
    ]
    answer = post_json(kiosk.enrollment_payload(tokens.pop()))
    kiosk.enrolled(answer)
    downlink = get(f"/api/v1/kiosks/{kiosk.kiosk_id}/downlink?after=0")
    return Seeds(kiosk, tokens, downlink)


# -- strategies ----------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def schema_of(reference: dict) -> dict:
    if "$ref" in reference:
        return OPENAPI["components"]["schemas"][reference["$ref"].rsplit("/", 1)[-1]]
    return reference


@st.composite
def mutated(draw, blobs: list[bytes]) -> bytes:
    """A real blob cut short, with bits flipped, spliced with noise, or padded."""
    data = bytearray(draw(st.sampled_from(blobs)))
    for _ in range(draw(st.integers(0, 3))):
        index = draw(st.integers(0, len(data) - 1))
        data[index] ^= 1 << draw(st.integers(0, 7))
    how = draw(st.sampled_from(["flip", "cut", "splice", "pad"]))
    if how == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "splice":
        start = draw(st.integers(0, len(data)))
        data[start : start + draw(st.integers(0, 64))] = draw(st.binary(max_size=64))
    elif how == "pad":
        data += draw(st.binary(max_size=32))
    return bytes(data)


@st.composite
def oversized(draw, blobs: list[bytes]) -> bytes:
    head = draw(st.sampled_from([b"", b"{", *blobs]))
    return head[:SIZE_LIMIT] + b"\0" * (SIZE_LIMIT + 1 - len(head[:SIZE_LIMIT]))


@st.composite
def wrong_types(draw, schema: dict, seeds: Seeds) -> dict:
    """An object with the documented keys, each a value of some type, real or wrong."""
    body = {}
    for key, sub in schema.get("properties", {}).items():
        if draw(st.booleans()):
            continue
        real = {"token": st.sampled_from(seeds.tokens), "identity": st.just(seeds.identity())}
        choices = [json_values]
        if key in real:
            choices.append(real[key])
        sub = schema_of(sub)
        if sub.get("properties"):
            choices.append(wrong_types(sub, seeds))
        body[key] = draw(st.one_of(choices))
    return body


def body_strategy(operation: dict, seeds: Seeds, oversize: bool):
    """(bytes or None, Content-Type) for the operation's documented request body."""
    content = operation.get("requestBody", {}).get("content", {})
    if not content:
        return st.one_of(st.just((None, None)), st.tuples(st.binary(max_size=64), st.just(None)))
    bodies = [
        st.binary(max_size=512),
        mutated(seeds.blobs),
        st.sampled_from(seeds.blobs),
        *([oversized(seeds.blobs)] if oversize else []),
        json_values.map(lambda v: json.dumps(v).encode()),
    ]
    json_schema = content.get("application/json", {}).get("schema")
    if json_schema:
        bodies.append(
            wrong_types(schema_of(json_schema), seeds).map(lambda v: json.dumps(v).encode())
        )
        bodies.append(st.text(max_size=64).map(str.encode))
    types = sorted(content) * 4 + sorted(JSON_TYPES - set(content))  # mostly the right one
    return st.tuples(st.one_of(bodies), st.sampled_from(types))


def path_value(name: str, seeds: Seeds):
    known = {"kiosk_id": seeds.kiosk.kiosk_id, "number": "2026-1"}
    return st.one_of(
        st.just(known.get(name, "x")),
        st.sampled_from([known.get(name, "x"), "nobody-1", "..", "%", "a b"]),
        st.text(min_size=1, max_size=40),
    )


def query_value(schema: dict):
    if schema.get("type") == "integer":
        return st.one_of(
            st.integers(min_value=-(2**70), max_value=2**70).map(str),
            st.integers(min_value=0, max_value=5).map(str),
            st.sampled_from(ODD_NUMBERS),
            st.floats().map(repr),
            st.text(max_size=10),
        )
    return st.one_of(st.sampled_from(ODD_NUMBERS), st.text(max_size=20))


@st.composite
def api_requests(draw, path: str, method: str, seeds: Seeds, real_server=False) -> dict:
    """One request to the operation; for a real server, no long waits and no 64 KiB bodies."""
    operation = OPENAPI["paths"][path][method]
    url = path
    query = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            value = draw(path_value(parameter["name"], seeds))
            segment = quote(value, safe="")
            if not segment.strip("."):  # clients resolve "." and ".." before sending
                segment = segment.replace(".", "%2E")
            url = url.replace("{" + parameter["name"] + "}", segment)
        elif parameter["in"] == "query" and draw(st.booleans()):
            query[parameter["name"]] = draw(query_value(parameter.get("schema", {})))
    if draw(st.booleans()):  # parameters nobody documented, a long-poll's wait among them
        waits = ["-1", "abc", "nan", "0", "0.01"] + ([] if real_server else ["1e9", "inf"])
        query["wait"] = draw(st.sampled_from(waits))
        query.update(draw(st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=2)))
    body, content_type = draw(body_strategy(operation, seeds, oversize=not real_server))
    return Sent(method.upper(), url, query, body, content_type)


class Sent:
    """One drawn request; its repr stays short however large the body."""

    def __init__(self, method, url, query, body, content_type):
        self.method, self.url, self.query = method, url, query
        self.body, self.type = body, content_type

    def __repr__(self):
        body = "no body" if self.body is None else f"{len(self.body)} bytes {self.body[:60]!r}"
        return f"<{self.method} {self.url} {self.query!r} {self.type!r} {body}>"


# -- the property --------------------------------------------------------------------------


def check_answer(path: str, method: str, status: int, content_type: str, body: bytes, sent):
    event(f"{method.upper()} {path} answered {status}")  # --hypothesis-show-statistics
    documented = set(OPENAPI["paths"][path][method]["responses"])
    assert status < 500, (sent, status, body[:300])
    assert str(status) in documented | {"404", "405"}, (sent, status, body[:300])
    if status >= 400:
        assert_one_error_shape(status, content_type, body)


def run_property(draw_requests, send, check, examples: int):
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(draw_requests)
    def no_request_breaks_the_api(sent):
        check(*send(sent), sent)

    no_request_breaks_the_api()


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_no_request_to_an_operation_gets_a_5xx(
    central_app, central_client, central_cli, example_counts, long_polls_short, path, method
):
    central_app.config["MAX_CONTENT_LENGTH"] = SIZE_LIMIT
    central_app.extensions["rate_limiter"] = RateLimiter(0)

    def get(url):
        answer = central_client.get(url)
        return answer.data if answer.status_code == 200 else None

    def post_json(payload):
        answer = central_client.post("/api/v1/enroll", json=payload)
        assert answer.status_code == 201, answer.data
        return answer.get_json()

    seeds = make_seeds(post_json, get, SimKiosk(), central_cli)

    def send(sent):
        headers = {"Content-Type": sent.type} if sent.type is not None else {}
        answer = central_client.open(
            sent.url,
            method=sent.method,
            query_string=sent.query,
            data=sent.body,
            headers=headers,
        )
        return answer.status_code, answer.headers.get("Content-Type", ""), answer.data

    def check(status, content_type, body, sent):
        check_answer(path, method, status, content_type, body, sent)

    run_property(api_requests(path, method, seeds), send, check, example_counts[0])


class _SignedAsSeedKiosk(requests.auth.AuthBase):
    """Sign as the seed kiosk once it is enrolled (sync.request_auth); before, send unsigned."""

    def __init__(self, kiosk: SimKiosk):
        self.kiosk = kiosk

    def __call__(self, prepared):
        if self.kiosk.kiosk_id:
            return KioskRequestAuth(self.kiosk.identity)(prepared)
        return prepared


def test_no_request_to_the_real_server_gets_a_5xx(central_server, central_cli, example_counts):
    base_url, _home = central_server
    session = requests.Session()

    def get(url):
        answer = session.get(base_url + url, timeout=30)
        return answer.content if answer.status_code == 200 else None

    def post_json(payload):
        answer = session.post(f"{base_url}/api/v1/enroll", json=payload, timeout=30)
        assert answer.status_code == 201, answer.content
        return answer.json()

    kiosk = SimKiosk()
    session.auth = _SignedAsSeedKiosk(kiosk)  # every call signed by the enrolled seed kiosk
    seeds = make_seeds(post_json, get, kiosk, central_cli)
    # The real server keeps its real 33 MiB limit (over-size bodies are the error tests' part)
    # and its real long-poll, so its requests are small and never wait long.
    operations = st.sampled_from(OPERATIONS).flatmap(
        lambda op: api_requests(*op, seeds, real_server=True)
    )

    def send(sent):
        headers = {"Content-Type": sent.type} if sent.type is not None else {}
        answer = session.request(
            sent.method,
            base_url + sent.url,
            params=sent.query,
            data=sent.body,
            headers=headers,
            timeout=60,
        )
        return answer.status_code, answer.headers.get("Content-Type", ""), answer.content

    def check(status, content_type, body, sent):
        path = next(p for p, m in OPERATIONS if matches(p, sent.url) and m == sent.method.lower())
        check_answer(path, sent.method.lower(), status, content_type, body, sent)

    try:
        run_property(operations, send, check, example_counts[1] * len(OPERATIONS))
    finally:
        session.close()


def matches(template: str, url: str) -> bool:
    import re

    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]*", re.escape(template))
    return re.fullmatch(pattern, url) is not None
