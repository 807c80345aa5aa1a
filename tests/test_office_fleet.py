"""The fleet page (map, health, enrolment, revocation), mayoralty staff and notices."""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from central_api.db import read, write
from central_api.db.schema import kiosks, office_staff, outbound_records
from central_api.office.fleet import judge
from central_api.office.geo import places_of, projection

from .fixtures_central import SimKiosk


def _outbound(central, record_type: str) -> list[dict]:
    with read(central.engine) as conn:
        rows = conn.execute(
            select(outbound_records.c.kiosk_id, outbound_records.c.record).where(
                outbound_records.c.type == record_type
            )
        ).all()
    return [{"kiosk_id": kiosk_id, **json.loads(record)["body"]} for kiosk_id, record in rows]


def _ago(**delta) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_map_places_every_village_inside_the_picture(municipality):
    places = places_of(municipality)
    assert [place.code for place in places] == [s.code for s in municipality.settlements]
    proj = projection(places)
    for place in places:
        assert place.approximate
        x, y = proj.point(place.lat, place.lon)
        assert 0 < x < proj.width and 0 < y < proj.height, place.code
    west = min(places, key=lambda p: p.lon)
    assert proj.point(west.lat, west.lon)[0] == min(proj.point(p.lat, p.lon)[0] for p in places)


@pytest.mark.parametrize(
    ("contact", "health", "level"),
    [
        ({"minutes": 5}, {"printer_state": "ready", "queue_depth": 0}, "ok"),
        ({"hours": 3}, {"printer_state": "ready"}, "warn"),
        ({"hours": 30}, {"printer_state": "ready"}, "bad"),
        ({"minutes": 5}, {"printer_state": "error"}, "bad"),
        ({"minutes": 5}, {"queue_depth": 80}, "warn"),
        ({"minutes": 5}, {"oldest_unsent_at": _ago(hours=26)}, "bad"),
        ({"minutes": 5}, {"printer_state": "ready", "audio_state": "no-audio"}, "warn"),
        ({"minutes": 5}, {"printer_state": "ready", "audio_state": "ready"}, "ok"),
    ],
)
def test_health_is_judged_from_contact_printer_and_queue(contact, health, level):
    kiosk = {"revoked_at": None, "last_contact": _ago(**contact)}
    assert judge(kiosk, health)[0] == level
    assert judge({**kiosk, "revoked_at": _ago(minutes=1)}, health)[0] == "revoked"


def test_the_fleet_page_shows_each_kiosk_on_the_map_with_its_key(office_client, office_kiosk):
    page = office_client("admin").get("/office/fleet").get_data(as_text=True)
    assert page.count("<svg") >= 1 and "Джулюница" in page and "Мерданя" in page
    assert 'href="#kiosk-dzhulyunitsa-1"' in page  # the mark on the map links to its row
    fingerprint = office_kiosk["kiosk"]["fingerprint"][:4].upper()
    assert fingerprint in page


def test_a_kiosk_that_cannot_speak_is_shown_as_needing_attention(
    central, office_client, office_kiosk
):
    health = {
        "queue_depth": 0,
        "oldest_unsent_at": None,
        "printer_state": "ready",
        "software_version": "1.0",
        "audio_state": "no-audio",
    }
    with write(central.engine) as conn:
        conn.execute(
            update(kiosks)
            .where(kiosks.c.id == office_kiosk["kiosk"]["id"])
            .values(health=json.dumps(health), last_contact=_ago(minutes=1))
        )
    page = office_client("admin").get("/office/fleet").get_data(as_text=True)
    row = page[page.index(f'id="kiosk-{office_kiosk["kiosk"]["id"]}"') :]
    row = row[: row.index("</tr>")]
    assert "level-warn" in row
    assert "няма звук: киоскът не може да говори" in row
    assert "няма звукова карта" in row


def test_an_invite_is_shown_once_as_text_and_qr_and_enrolls_a_kiosk(
    central, central_client, office_client
):
    admin = office_client("admin")
    answer = admin.post("/office/fleet/invite", {"village": "merdanya", "days": "3"})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    page = answer.get_data(as_text=True)
    token = re.search(r'id="token" class="token" value="([^"]+)"', page).group(1)
    assert "<svg" in page and "<path" in page  # the QR code, drawn by segno
    kiosk = SimKiosk()
    enrolled = central_client.post("/api/v1/enroll", json=kiosk.enrollment_payload(token))
    assert enrolled.status_code == 201 and enrolled.get_json()["kiosk_id"] == "merdanya-1"
    page = admin.get("/office/fleet").get_data(as_text=True)
    assert "merdanya-1" in page


def test_revoking_a_kiosk_needs_a_reason_and_takes_effect(central, office_client, office_kiosk):
    admin = office_client("admin")
    kiosk_id = office_kiosk["kiosk"]["id"]
    admin.post(f"/office/fleet/{kiosk_id}/revoke", {"reason": ""})
    with read(central.engine) as conn:
        assert conn.execute(select(kiosks.c.revoked_at)).scalar() is None
    admin.post(f"/office/fleet/{kiosk_id}/revoke", {"reason": "Откраднат"})
    with read(central.engine) as conn:
        assert conn.execute(select(kiosks.c.revoke_reason)).scalar() == "Откраднат"
    assert "Откраднат" in admin.get("/office/fleet").get_data(as_text=True)


def test_staff_pins_leave_central_only_as_argon2_hashes(central, office_client, office_kiosk):
    from argon2 import PasswordHasher

    admin = office_client("admin")
    admin.post(
        "/office/staff/add",
        {"village": "dzhulyunitsa", "name": "Пенка Колева", "pin": "581739", "pin_again": "581739"},
    )
    with read(central.engine) as conn:
        stored = conn.execute(
            select(office_staff.c.staff_id, office_staff.c.pin_hash).where(
                office_staff.c.name == "Пенка Колева"
            )
        ).one()
        raw = " ".join(conn.execute(select(outbound_records.c.record)).scalars())
    assert stored.pin_hash.startswith("$argon2id$") and "581739" not in raw
    latest = _outbound(central, "staff.updated")[-1]
    assert latest["kiosk_id"] == "dzhulyunitsa-1" and latest["village"] == "dzhulyunitsa"
    listed = {person["name"]: person for person in latest["staff"]}
    assert set(listed) == {"Донка Маринова", "Пенка Колева"}
    assert PasswordHasher().verify(listed["Пенка Колева"]["pin_hash"], "581739")
    admin.post(f"/office/staff/{stored.staff_id}/remove")
    assert [p["name"] for p in _outbound(central, "staff.updated")[-1]["staff"]] == [
        "Донка Маринова"
    ]


@pytest.mark.parametrize(
    ("pin", "again", "message"),
    [
        ("12a4", "12a4", "от 6 до 12 цифри"),
        ("4827", "4827", "от 6 до 12 цифри"),
        ("581739", "581793", "различават"),
        ("111111", "111111", "лесен"),
    ],
)
def test_a_bad_pin_is_refused_with_a_reason(central, office_client, pin, again, message):
    admin = office_client("admin")
    form = {"village": "merdanya", "name": "Иван Иванов", "pin": pin, "pin_again": again}
    page = admin.post("/office/staff/add", form, follow_redirects=True).get_data(as_text=True)
    assert message in page
    with read(central.engine) as conn:
        assert conn.execute(select(office_staff)).first() is None


def test_a_notice_with_its_pdf_goes_to_every_active_kiosk(central, office_client, office_kiosk):
    from central_api.db import write
    from deploy.office_demo import enroll_kiosk

    with write(central.engine) as conn:
        enroll_kiosk(conn, "merdanya")
        revoked = enroll_kiosk(conn, "kozarevets")
        from central_api.kiosks import revoke

        revoke(conn, revoked["id"], "test")
    admin = office_client("admin")
    pdf = b"%PDF-1.4\n% a council decision\n%%EOF\n"
    form = {
        "kind": "council_decision",
        "date": "2026-11-20",
        "title_bg": "Решение № 7",
        "body_bg": "Общинският съвет реши.",
        "title_en": "",
        "body_en": "",
        "csrf_token": admin.token,
        "pdf": (io.BytesIO(pdf), "reshenie-7.pdf"),
    }
    answer = admin.client.post("/office/notices", data=form, content_type="multipart/form-data")
    assert answer.status_code == 302
    sent = _outbound(central, "notice.published")
    assert sorted(s["kiosk_id"] for s in sent) == ["dzhulyunitsa-1", "merdanya-1"]
    assert sent[0]["title"] == {"bg": "Решение № 7", "en": "Решение № 7"}
    assert base64.b64decode(sent[0]["pdf_b64"]) == pdf
    page = office_client("clerk").get("/office/notices").get_data(as_text=True)
    assert "Решение № 7" in page and "reshenie-7.pdf" in page
    link = re.search(r'href="(/office/notices/[^"]+\.pdf)"', page).group(1)
    assert office_client("clerk").get(link).data == pdf


def test_a_notice_must_have_a_title_and_text_and_a_real_pdf(central, office_client):
    admin = office_client("admin")
    base = {"kind": "announcement", "date": "2026-11-20", "title_bg": "", "body_bg": "Текст"}
    assert admin.post("/office/notices", base).status_code == 400
    form = {**base, "title_bg": "Заглавие", "csrf_token": admin.token}
    form["pdf"] = (io.BytesIO(b"MZ not a pdf"), "virus.pdf")
    answer = admin.client.post("/office/notices", data=form, content_type="multipart/form-data")
    assert answer.status_code == 400 and "не е PDF" in answer.get_data(as_text=True)
    assert _outbound(central, "notice.published") == []


def test_a_kiosk_enrolled_after_the_staff_list_gets_it_at_once_and_is_not_flagged(
    central, office_client, office_kiosk
):
    from central_api.db import write
    from deploy.office_demo import enroll_kiosk

    with write(central.engine) as conn:
        enroll_kiosk(conn, "dzhulyunitsa")  # dzhulyunitsa-2, after Донка Маринова was added
    assert {s["kiosk_id"] for s in _outbound(central, "staff.updated")} >= {"dzhulyunitsa-2"}
    admin = office_client("admin")
    row = re.search(r'id="kiosk-dzhulyunitsa-2".*?</tr>', admin.get("/office/fleet").text, re.S)
    assert "списъка на служителите" not in row.group(0)
