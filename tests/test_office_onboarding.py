"""A kiosk enrolled after the staff and notices were set up receives them at once."""

import json

from sqlalchemy import select

from central_api.db import write
from central_api.db.schema import outbound_records
from central_api.notices import publish
from central_api.staff import add_staff
from tests.fixtures_central import SimKiosk


def test_a_new_kiosk_is_sent_its_villages_staff_and_the_recent_notices(
    central, central_client, central_cli
):
    with write(central.engine) as conn:
        add_staff(conn, "merdanya", "Донка Маринова", "482915", by="admin")
        add_staff(conn, "kozarevets", "Пенка Колева", "739164", by="admin")
        notice = {
            "kind": "announcement",
            "date": "2026-11-20",
            "title_bg": "Събрание",
            "title_en": "",
            "body_bg": "Общо събрание в читалището.",
            "body_en": "",
        }
        publish(conn, notice, None, None, by="admin")

    token = central_cli("kiosk", "invite", "merdanya").stdout.strip().splitlines()[-1]
    kiosk = SimKiosk()
    answer = central_client.post("/api/v1/enroll", json=kiosk.enrollment_payload(token))
    assert answer.status_code == 201
    kiosk_id = answer.get_json()["kiosk_id"]

    with central.engine.connect() as conn:
        queued = conn.execute(
            select(outbound_records.c.type, outbound_records.c.record).where(
                outbound_records.c.kiosk_id == kiosk_id
            )
        ).all()
    by_type = {row.type: json.loads(row.record)["body"] for row in queued}
    assert [s["name"] for s in by_type["staff.updated"]["staff"]] == ["Донка Маринова"]
    assert by_type["staff.updated"]["staff"][0]["pin_hash"].startswith("$argon2")
    assert by_type["notice.published"]["title"]["bg"] == "Събрание"
