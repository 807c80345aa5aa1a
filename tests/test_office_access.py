"""Who may open what in the web office: every route, as every role and as an anonymous visitor;
CSRF on every form; every control labelled; every text in both languages."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest

from central_api.office.roles import ACCESS, COUNCIL_ROLES, PUBLIC, ROLES

TEMPLATES = Path(__file__).resolve().parent.parent / "central_api/office/templates/office"


def _sample_url(rule, known: dict) -> str:
    values = {name: known.get(name, "x") for name in rule.arguments}
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", value, url)
    return url


def office_routes(app, known: dict) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every office route; sign-out last (it ends the session)."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("office."):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, _sample_url(rule, known)))
    return sorted(routes, key=lambda route: route[0] == "office.sign_out")


def test_every_office_endpoint_says_who_may_use_it(central_app):
    endpoints = {
        r.endpoint for r in central_app.url_map.iter_rules() if r.endpoint[:7] == "office."
    }
    assert endpoints - set(ACCESS) == set()
    for roles in ACCESS.values():
        assert set(roles) <= {*ROLES, *COUNCIL_ROLES, PUBLIC}


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_route_as_every_role(central_app, office_client, office_kiosk, role):
    known = {
        "reference": office_kiosk["references"][0],
        "kiosk_id": office_kiosk["kiosk"]["id"],
        "staff_id": office_kiosk["staff_id"],
        "village": "dzhulyunitsa",
        "filename": "office.css",
        "number": "2026-999999",
        "notice_id": "none",
    }
    client = office_client(role)
    walked = 0
    for endpoint, method, url in office_routes(central_app, known):
        allowed = ACCESS[endpoint]
        answer = client.get(url) if method == "GET" else client.post(url, {"reason": "test"})
        answer.close()  # static files are streamed
        location = answer.headers.get("Location", "")
        where = f"{method} {url} as {role or 'anonymous'}"
        if PUBLIC in allowed:
            assert answer.status_code in (200, 302, 401), where  # 401: a wrong password
        elif role is None:
            assert answer.status_code == 302 and "/office/sign-in" in location, where
        elif role not in allowed:
            assert answer.status_code == 403, where
        else:
            assert answer.status_code not in (401, 403, 500), where
            if endpoint != "office.sign_out":  # which sends you, signed out, to the sign-in
                assert "/office/sign-in" not in location, where
        walked += 1
    assert walked >= 25


def test_a_form_without_its_csrf_token_is_refused(office_client, office_kiosk):
    clerk = office_client("clerk")
    reference = office_kiosk["references"][0]
    answer = clerk.post(f"/office/requests/{reference}/ask", {"question": "?"}, csrf=False)
    assert answer.status_code == 400
    forged = clerk.post(
        f"/office/requests/{reference}/ask", {"question": "?", "csrf_token": "forged"}, csrf=False
    )
    assert forged.status_code == 400
    anonymous = office_client(None)
    assert anonymous.post("/office/sign-in", {"name": "maria"}, csrf=False).status_code == 400


class _Controls(HTMLParser):
    """Forms (with whether they carry a CSRF token) and controls (with whether labelled)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.controls: list[dict] = []
        self.label_targets: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attributes.get("method") or "get").lower(), "csrf": 0})
        elif tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"])
        elif tag in ("input", "select", "textarea"):
            if attributes.get("name") == "csrf_token" and self.forms:
                self.forms[-1]["csrf"] += 1
            if attributes.get("type") not in ("hidden", "submit"):
                self.controls.append(attributes)


PAGES = {
    "admin": [
        "/office/queue",
        "/office/fleet",
        "/office/staff",
        "/office/notices",
        "/office/reports",
    ],
    "clerk": ["/office/queue", "/office/notices", "/office/reports", "/office/register?q=Петр"],
    "auditor": ["/office/audit", "/office/reports", "/office/register/lookups"],
    "registrar": ["/office/register", "/office/register?q=Иван"],
}


@pytest.mark.parametrize("role", ROLES)
def test_every_post_form_has_a_token_and_every_control_a_label(office_client, office_kiosk, role):
    client = office_client(role)
    pages = PAGES[role] + (
        [f"/office/requests/{office_kiosk['references'][0]}"] if role != "auditor" else []
    )
    for path in [*pages, "/office/sign-in"]:
        html = client.get(path).get_data(as_text=True)
        parsed = _Controls()
        parsed.feed(html)
        for form in parsed.forms:
            if form["method"] == "post":
                assert form["csrf"] == 1, f"a POST form on {path} lacks its CSRF token"
        for control in parsed.controls:
            labelled = control.get("id") in parsed.label_targets or control.get("aria-label")
            assert labelled, f"unlabelled control on {path}: {control}"


def test_every_text_exists_in_both_languages_with_the_same_places():
    from central_api.office.texts import TEXTS

    fields = string.Formatter()
    for key, entry in TEXTS.items():
        assert entry["bg"].strip() and entry["en"].strip(), key
        places = [{name for _, name, _, _ in fields.parse(entry[lang]) if name} for lang in entry]
        assert places[0] == places[1], key
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(["']([a-z0-9_]+)["']""", template.read_text()))
    prefixes = {key for key in used if key.endswith("_")}  # t("fee_" + status) and the like
    assert used - prefixes - set(TEXTS) == set()
    from central_api.notices import KINDS
    from central_api.review import PERSON_FIELDS
    from central_api.workflow import FEE_STATUSES, STATES, VIAS

    families = {
        "status_": STATES,
        "fee_": FEE_STATUSES,
        "via_": VIAS,
        "role_": ROLES,
        "kind_": KINDS,
        "level_": ("ok", "warn", "bad", "revoked"),
        "method_": ("cash", "card", "bank"),
        "register_": ("first_name", "middle_name", "last_name"),
        "register_sex_": ("M", "F"),
        "register_kind_": ("permanent", "current"),
        "register_how_": ("divorce", "death"),
        "issuance_": ("generated", "attached"),  # in_person and filed have texts of their own
        "sex_": ("M", "F"),
        "who_": ("applicant", "subject"),
        "field_": (*PERSON_FIELDS, "birth_date"),
    }
    assert prefixes <= set(families)
    for prefix, members in families.items():
        assert {f"{prefix}{member}" for member in members} <= set(TEXTS), prefix


def test_the_office_speaks_bulgarian_first_and_english_on_request(office_client):
    visitor = office_client(None)
    page = visitor.get("/office/sign-in").get_data(as_text=True)
    assert '<html lang="bg">' in page and "Вход" in page
    visitor.post("/office/language", {"lang": "en", "next": "/office/sign-in"})
    page = visitor.get("/office/sign-in").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page


def test_the_language_switch_never_sends_you_off_site(office_client):
    visitor = office_client(None)
    answer = visitor.post("/office/language", {"lang": "en", "next": "https://evil.example/"})
    assert answer.headers["Location"].endswith("/office/")


def test_office_pages_forbid_framing_and_foreign_scripts(office_client):
    answer = office_client("clerk").get("/office/queue")
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Cache-Control"] == "no-store"


def test_switching_language_on_a_form_answer_goes_back_to_a_page(office_client):
    admin = office_client("admin")
    answer = admin.post("/office/language", {"lang": "en", "next": "/office/fleet/invite"})
    assert answer.headers["Location"].endswith("/office/")
    answer = admin.post("/office/language", {"lang": "bg", "next": "/office/fleet"})
    assert answer.headers["Location"].endswith("/office/fleet")
