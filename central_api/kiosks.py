"""Kiosks: one-time invites, enrollment of a kiosk's keys, revocation, and the keyring.

An invite token is shown once and stored only as its SHA-256. Enrolling spends it, gives the
kiosk its party id ``<village>-<n>`` and pins its public keys; the keyring that checks bundles
and receipts is read from this table, so a revocation takes effect at the next bundle.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, func, insert, select, update

from sync import Keyring, PublicIdentity, SyncError, display_fingerprint, fingerprint_of

from . import restore
from .audit import record as audit_record
from .db import lock, utc_now
from .db.schema import invites, kiosks
from .errors import EnrollmentError, InvalidInputError, KioskRevokedError, NotFoundError
from .municipality import current_municipality

MAX_INVITE_DAYS = 90


def invite_days(text: str | None, default: int = 7) -> int:
    """The validity of an invite typed in a form: 1 to :data:`MAX_INVITE_DAYS` days."""
    text = (text or "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 3:
        raise InvalidInputError(
            f"An invite is valid for a whole number of days, 1 to {MAX_INVITE_DAYS}."
        )
    return int(text)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def create_invite(conn: Connection, village: str, valid_days: int = 7, created_by=None) -> str:
    """A new one-time enrollment token for ``village`` (returned once, stored hashed)."""
    villages = [settlement.code for settlement in current_municipality(conn).villages]
    if village not in villages:
        raise InvalidInputError(
            f"Unknown village {village!r}: use one of {', '.join(villages)} "
            "(a new one is added to municipality.toml first, see docs/operations.md)."
        )
    if not 1 <= valid_days <= MAX_INVITE_DAYS:
        raise InvalidInputError(
            f"An invite is valid for 1 to {MAX_INVITE_DAYS} days: ask for a new one when it "
            "runs out rather than making one that never does."
        )
    token = secrets.token_urlsafe(24)
    expires = datetime.now(UTC) + timedelta(days=valid_days)
    conn.execute(
        insert(invites).values(
            token_hash=_hash_token(token),
            village=village,
            created_at=utc_now(),
            expires_at=expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            created_by=created_by,
        )
    )
    audit_record(
        conn, created_by or "admin", "kiosk.invited", village, {"expires_at": str(expires)}
    )
    return token


def enroll(conn: Connection, token: str, identity: dict, software_version=None) -> dict:
    """Spend ``token`` and register the kiosk's public keys; the new kiosk row.

    Only the registration: :func:`central_api.onboarding.enroll_kiosk` also sends the new kiosk
    what it needs at once (staff list, notices)."""
    if not isinstance(token, str) or not token.strip():
        raise EnrollmentError("No invite token was given: ask the office for one.")
    invite = (
        conn.execute(lock(select(invites).where(invites.c.token_hash == _hash_token(token)), conn))
        .mappings()
        .first()
    )
    if invite is None:
        raise EnrollmentError("This invite token is not known: check it, or ask for a new one.")
    if invite["used_at"]:
        raise EnrollmentError("This invite token was already used: ask the office for a new one.")
    if invite["expires_at"] < utc_now():
        raise EnrollmentError("This invite token has expired: ask the office for a new one.")
    if not isinstance(identity, dict):
        raise InvalidInputError("The enrollment must carry the kiosk's public keys.")
    village = invite["village"]
    kiosk_no = (
        conn.execute(
            select(func.max(kiosks.c.kiosk_no)).where(kiosks.c.village == village)
        ).scalar()
        or 0
    ) + 1
    kiosk_id = f"{village}-{kiosk_no}"
    try:
        public = PublicIdentity.from_json({**identity, "party_id": kiosk_id})
        weakness = public.weakness()
    except (SyncError, ValueError) as exc:
        raise InvalidInputError(f"The kiosk's public keys are not usable: {exc}") from exc
    if weakness:
        raise InvalidInputError(
            f"The kiosk's public keys are refused: {weakness}. Generate the kiosk's keys again "
            "(kiosk-app enroll makes new ones) and enroll with them."
        )
    fingerprint = fingerprint_of(public.signing_key).hex()
    if conn.execute(select(kiosks.c.id).where(kiosks.c.fingerprint == fingerprint)).first():
        raise EnrollmentError("These keys are already enrolled: generate new keys to re-enroll.")
    now = utc_now()
    conn.execute(
        insert(kiosks).values(
            id=kiosk_id,
            village=village,
            kiosk_no=kiosk_no,
            signing_key=public.signing_key,
            encryption_key=public.encryption_key,
            fingerprint=fingerprint,
            software_version=software_version,
            enrolled_at=now,
            last_contact=now,
        )
    )
    used = conn.execute(
        update(invites)
        .where(invites.c.id == invite["id"], invites.c.used_at.is_(None))
        .values(used_at=now, kiosk_id=kiosk_id)
    )
    if used.rowcount != 1:
        raise EnrollmentError("This invite token was already used: ask the office for a new one.")
    audit_record(
        conn, f"kiosk:{kiosk_id}", "kiosk.enrolled", kiosk_id, {"fingerprint": fingerprint}
    )
    return get_kiosk(conn, kiosk_id)


def get_kiosk(conn: Connection, kiosk_id: str) -> dict:
    row = conn.execute(select(kiosks).where(kiosks.c.id == kiosk_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"No kiosk {kiosk_id!r}: see `central-api kiosk list`.")
    return dict(row)


def require_active(conn: Connection, kiosk_id: str) -> dict:
    kiosk = get_kiosk(conn, kiosk_id)
    if kiosk["revoked_at"]:
        raise KioskRevokedError(f"Kiosk {kiosk_id} was revoked: it may not exchange any more.")
    return kiosk


def public_identity(kiosk: dict) -> PublicIdentity:
    return PublicIdentity(kiosk["id"], bytes(kiosk["signing_key"]), bytes(kiosk["encryption_key"]))


def describe(kiosk: dict, municipality=None) -> dict:
    """The JSON a person or a script sees of a kiosk (``municipality`` names its village)."""
    return {
        "id": kiosk["id"],
        "village": kiosk["village"],
        "village_name": municipality.settlement_name(kiosk["village"]) if municipality else "",
        "kiosk_no": kiosk["kiosk_no"],
        "fingerprint": display_fingerprint(bytes.fromhex(kiosk["fingerprint"])),
        "revoked": bool(kiosk["revoked_at"]),
        "revoked_at": kiosk["revoked_at"],
        "enrolled_at": kiosk["enrolled_at"],
        "last_contact": kiosk["last_contact"],
        "software_version": kiosk["software_version"],
    }


def list_kiosks(conn: Connection) -> list[dict]:
    rows = conn.execute(select(kiosks).order_by(kiosks.c.village, kiosks.c.kiosk_no)).mappings()
    municipality = current_municipality(conn)
    return [describe(dict(row), municipality) for row in rows]


def revoke(conn: Connection, kiosk_id: str, reason: str = "", actor: str = "admin") -> dict:
    kiosk = get_kiosk(conn, kiosk_id)
    if not kiosk["revoked_at"]:
        conn.execute(
            update(kiosks)
            .where(kiosks.c.id == kiosk_id)
            .values(revoked_at=utc_now(), revoke_reason=reason or None)
        )
        audit_record(conn, actor, "kiosk.revoked", kiosk_id, {"reason": reason})
        restore.forget_kiosk_rows(conn, kiosk_id)  # a restored central does not wait for it
    return describe(get_kiosk(conn, kiosk_id), current_municipality(conn))


def touch(conn: Connection, kiosk_id: str) -> None:
    """Remember that the kiosk was heard from just now."""
    conn.execute(update(kiosks).where(kiosks.c.id == kiosk_id).values(last_contact=utc_now()))


def keyring(conn: Connection) -> Keyring:
    """Every enrolled kiosk's key, revoked ones marked so."""
    ring = Keyring()
    for row in conn.execute(select(kiosks)).mappings():
        ring.add(public_identity(dict(row)), revoked=bool(row["revoked_at"]))
    return ring
