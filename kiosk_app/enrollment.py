"""Enrollment: the kiosk makes its keys, presents an invite token, and pins central's key.

Central's answer (POST /api/v1/enroll) gives the kiosk its id (``<village>-<n>``), its number
``n`` (used in references), central's public identity (pinned here: only bundles and receipts
signed by that key are believed from now on) and the service catalogue.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from sync import Identity, PublicIdentity, SyncError
from sync.transport import HttpTransport

from .catalogue import check_catalogue
from .config import KioskConfig
from .errors import AlreadyEnrolledError, EnrollmentError
from .municipality import SETTING as MUNICIPALITY_SETTING
from .municipality import from_enrollment
from .pinned import save_pinned
from .store import store_for, utc_now

_KIOSK_ID = re.compile(r"^(?P<village>[a-z-]+)-(?P<number>\d+)$")
UNENROLLED = "unenrolled"


@dataclass(frozen=True)
class EnrollmentResult:
    kiosk_id: str
    kiosk_no: int
    village: str
    central_fingerprint: str
    kiosk_fingerprint: str
    catalogue_version: str | None

    def to_json(self) -> dict:
        return asdict(self)


def parse_enrollment_answer(answer: dict) -> tuple[str, int, str, PublicIdentity, dict | None]:
    """(kiosk id, kiosk number, village, central's identity, catalogue) from central's JSON."""
    if not isinstance(answer, dict):
        raise EnrollmentError("Central's answer to enrollment is not a JSON object.")
    missing = [key for key in ("kiosk_id", "kiosk_no", "village", "central") if key not in answer]
    if missing:
        raise EnrollmentError(
            f"Central's answer to enrollment lacks {', '.join(missing)}: is the address that of "
            "the central office (`central-api serve`)?"
        )
    kiosk_id, village, central_json = answer["kiosk_id"], answer["village"], answer["central"]
    match = _KIOSK_ID.match(str(kiosk_id))
    if not match or match.group("village") != village:
        raise EnrollmentError(f"Central gave an unusable kiosk id ({kiosk_id!r}).")
    from_enrollment(answer, village)  # the answer must carry a profile holding the village
    kiosk_no = answer["kiosk_no"]
    if not isinstance(kiosk_no, int) or str(kiosk_no) != match.group("number"):
        raise EnrollmentError(f"Central gave a kiosk number ({kiosk_no!r}) unlike its id.")
    if not isinstance(central_json, dict):
        raise EnrollmentError("Central's answer lacks its public identity.")
    try:
        central = PublicIdentity.from_json(central_json)
    except SyncError as exc:
        raise EnrollmentError(f"Central's public identity is unusable: {exc.message}") from exc
    claimed = central_json.get("fingerprint")
    if claimed and claimed != central.display_fingerprint:
        raise EnrollmentError(
            "Central's fingerprint does not match its key: the answer was altered on the way."
        )
    catalogue = answer.get("catalogue")
    if catalogue is not None:
        problem = check_catalogue(catalogue)
        if problem:
            raise EnrollmentError(f"Central's catalogue is not usable: {problem}")
    return kiosk_id, kiosk_no, village, central, catalogue if isinstance(catalogue, dict) else None


def enroll(
    config: KioskConfig, central_url: str, token: str, transport=None, force: bool = False
) -> EnrollmentResult:
    """Enroll this kiosk with central; keys are kept under ``$KIOSK_HOME/keys``."""
    config.ensure_home()
    with store_for(config, create=True) as store:
        if store.get_setting("enrollment") and not force:
            raise AlreadyEnrolledError(
                "This kiosk is already enrolled as "
                f"{store.get_setting('enrollment')['kiosk_id']}; enrolling again would orphan "
                "its queue. Use a fresh KIOSK_HOME for a new kiosk."
            )
        transport = transport or HttpTransport(central_url, timeout=config.http_timeout)
        draft = Identity.generate(UNENROLLED)
        answer = transport.enroll(token, draft.public.to_json())
        kiosk_id, kiosk_no, village, central, catalogue = parse_enrollment_answer(answer)
        municipality = from_enrollment(answer, village)
        identity = Identity(kiosk_id, draft.signing, draft.encryption)
        identity.save(config.keys_dir)
        with store.transaction():
            store.set_setting(
                "enrollment",
                {
                    "kiosk_id": kiosk_id,
                    "kiosk_no": kiosk_no,
                    "village": village,
                    "central_url": central_url.rstrip("/"),
                    "central": central.to_json(),
                    "central_fingerprint": central.display_fingerprint,
                    "enrolled_at": utc_now(),
                },
            )
            store.set_setting(MUNICIPALITY_SETTING, municipality.to_json())
            if catalogue is not None:
                store.set_catalogue(catalogue)
            for key, value in (answer.get("settings") or {}).items():
                store.set_setting(f"central.{key}", value)
        save_pinned(config, store.get_setting("enrollment"))
        return EnrollmentResult(
            kiosk_id=kiosk_id,
            kiosk_no=kiosk_no,
            village=village,
            central_fingerprint=central.display_fingerprint,
            kiosk_fingerprint=identity.public.display_fingerprint,
            catalogue_version=str(catalogue.get("version")) if catalogue else None,
        )
