"""The fleet (administrator): every kiosk on a map of the municipality, coloured by health, with
its last contact, queue, printer, audio out, software and key; enrolling (invite token as text and QR) and
revoking kiosks.

Health is judged from what the kiosk last reported (its ``kiosk.health`` record) and when it was
last heard from; the colour always comes with a word and a shape, never alone.
"""

from __future__ import annotations

import json
from datetime import timedelta

import segno
from flask import current_app, make_response, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import func, select

from sync import display_fingerprint
from sync.records import RECORD_TYPES

from .. import kiosks as kiosk_registry
from ..db import read, write
from ..db.schema import kiosks, office_staff, outbound_records
from ..errors import CentralError
from .actions import refusal
from .auth import actor, engine, now, parse
from .blueprint import bp
from .common import municipality
from .geo import outline, places_of, projection, scale_bar
from .i18n import flash_t, language, t_or
from .roles import access

WARN_AFTER = timedelta(hours=2)
BAD_AFTER = timedelta(hours=24)
PRINTER_BAD = ("error", "offline", "stopped", "not-found", "unavailable")
PRINTER_WARN = ("paused", "no-paper", "low-toner", "folder")
QUEUE_WARN = 50


def _age(text: str | None) -> timedelta | None:
    if not text:
        return None
    try:
        return now() - parse(text)
    except ValueError:
        return None


_HEALTH = RECORD_TYPES["kiosk.health"]


def stored_health(text: str | None) -> dict:
    """The stored health report, or {} when it is missing or does not pass the checks of
    ``kiosk.health`` (sync/records.py): stored before the checks existed, say. The fleet page
    never fails on what a kiosk once sent."""
    if not text or len(text) > 2 * _HEALTH.max_bytes:
        return {}
    try:
        health = json.loads(text)
    except ValueError:
        return {}
    return {} if _HEALTH.problem(health) else health


def judge(kiosk: dict, health: dict) -> tuple[str, list[str]]:
    """(level, reasons): level is ok, warn, bad or revoked; reasons are text keys."""
    if kiosk["revoked_at"]:
        return "revoked", ["health_revoked"]
    reasons, level = [], "ok"

    def worse(new_level: str, reason: str):
        nonlocal level
        reasons.append(reason)
        if new_level == "bad" or level == "ok":
            level = new_level

    contact = _age(kiosk["last_contact"])
    if contact is None or contact > BAD_AFTER:
        worse("bad", "health_silent")
    elif contact > WARN_AFTER:
        worse("warn", "health_quiet")
    printer = str(health.get("printer_state") or "")
    if printer in PRINTER_BAD:
        worse("bad", "health_printer")
    elif printer in PRINTER_WARN:
        worse("warn", "health_printer_attention")
    if health.get("audio_state") == "no-audio":
        # The kiosk cannot speak (EN 301 549 5.1.3): like a printer that needs attention.
        worse("warn", "health_audio")
    unsent = _age(health.get("oldest_unsent_at"))
    if unsent is not None and unsent > BAD_AFTER:
        worse("bad", "health_backlog")
    elif (unsent is not None and unsent > WARN_AFTER) or int(
        health.get("queue_depth") or 0
    ) > QUEUE_WARN:
        worse("warn", "health_queue")
    return level, reasons or ["health_ok"]


def fleet_rows(conn) -> list[dict]:
    pending = dict(
        conn.execute(
            select(outbound_records.c.kiosk_id, func.count())
            .where(outbound_records.c.bundle_seq.is_(None))
            .group_by(outbound_records.c.kiosk_id)
        ).all()
    )
    stale = kiosks_missing_staff_list(conn)
    rows = []
    for kiosk in conn.execute(select(kiosks).order_by(kiosks.c.village, kiosks.c.kiosk_no)):
        kiosk = dict(kiosk._mapping)
        health = stored_health(kiosk["health"])
        level, reasons = judge(kiosk, health)
        if kiosk["id"] in stale and level != "revoked":
            reasons = [r for r in reasons if r != "health_ok"] + ["health_staff_list"]
            level = "warn" if level == "ok" else level
        unsent = _age(health.get("oldest_unsent_at"))
        rows.append(
            {
                **kiosk,
                "health": health,
                "level": level,
                "reasons": reasons,
                "fingerprint_display": display_fingerprint(bytes.fromhex(kiosk["fingerprint"])),
                "oldest_unsent_hours": round(unsent.total_seconds() / 3600, 1) if unsent else None,
                "downlink_pending": pending.get(kiosk["id"], 0),
                "printer_label": _printer_label(health.get("printer_state")),
                "audio_label": _audio_label(health.get("audio_state")),
            }
        )
    return rows


def kiosks_missing_staff_list(conn) -> set[str]:
    """Active kiosks that were not sent their village's newest staff list (enrolled after the
    last change, say): the administrator sends it again from the staff page."""
    changed = dict(
        conn.execute(
            select(office_staff.c.village, func.max(office_staff.c.updated_at)).group_by(
                office_staff.c.village
            )
        ).all()
    )
    sent = dict(
        conn.execute(
            select(outbound_records.c.kiosk_id, func.max(outbound_records.c.created_at))
            .where(outbound_records.c.type == "staff.updated")
            .group_by(outbound_records.c.kiosk_id)
        ).all()
    )
    missing = set()
    for kiosk_id, village in conn.execute(
        select(kiosks.c.id, kiosks.c.village).where(kiosks.c.revoked_at.is_(None))
    ):
        if village in changed and (sent.get(kiosk_id) or "") < changed[village]:
            missing.add(kiosk_id)
    return missing


def _printer_label(state) -> str:
    return t_or(f"printer_{state}", state) if state else "—"


def _audio_label(state) -> str:
    return t_or(f"audio_{state.replace('-', '_')}", state) if state else "—"


def map_data(rows: list[dict], profile) -> dict:
    """The schematic map of ``profile``'s settlements with ``rows``' kiosks on it."""
    all_places = places_of(profile)
    proj = projection(all_places)
    by_village: dict[str, list[dict]] = {}
    for row in rows:
        by_village.setdefault(row["village"], []).append(row)
    places = []
    for place in all_places:
        x, y = proj.point(place.lat, place.lon)
        marks = []
        for index, row in enumerate(by_village.get(place.code, [])):
            marks.append({"row": row, "x": x + 24 * index, "y": y})
        places.append(
            {
                "place": place,
                "x": x,
                "y": y,
                "name": place.name_bg if language() == "bg" else place.name_en,
                "marks": marks,
                "is_town": profile.settlement(place.code).is_centre,
            }
        )
    return {
        "width": proj.width,
        "height": proj.height,
        "outline": outline(proj, all_places),
        "places": places,
        "scale": scale_bar(proj),
    }


@bp.get("/fleet")
@access("admin")
def fleet():
    with read(engine()) as conn:
        rows = fleet_rows(conn)
    return render_template(
        "office/fleet.html", rows=rows, map=map_data(rows, municipality()), now=now()
    )


@bp.post("/fleet/invite")
@access("admin")
def invite():
    village = request.form.get("village", "")
    days = kiosk_registry.invite_days(request.form.get("days", ""))
    try:
        with write(engine()) as conn:
            token = kiosk_registry.create_invite(conn, village, days, created_by=actor())
    except CentralError as exc:
        refusal(exc)
        return redirect(url_for("office.fleet"))
    central = _central_fingerprint()
    qr = segno.make(token, error="m")
    svg = qr.svg_inline(scale=6, border=2, title=token)
    response = make_response(
        render_template(
            "office/invite.html",
            token=token,
            village=village,
            days=days,
            qr=Markup(svg),
            central=central,
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the token is shown once, never cached
    return response


def _central_fingerprint() -> str:
    return current_app.extensions["central"].identity.public.display_fingerprint


@bp.post("/fleet/<kiosk_id>/revoke")
@access("admin")
def revoke_kiosk(kiosk_id: str):
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash_t("reason_required", "error")
        return redirect(url_for("office.fleet"))
    try:
        with write(engine()) as conn:
            kiosk_registry.revoke(conn, kiosk_id, reason, actor=actor())
    except CentralError as exc:
        refusal(exc)
    else:
        flash_t("done_kiosk_revoked", "success", kiosk=kiosk_id)
    return redirect(url_for("office.fleet"))
