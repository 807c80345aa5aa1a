"""What this kiosk is and what it offers: its enrollment, the catalogue's services, the clock.

Plain functions, no Qt, over a kiosk configuration, like the rest of the kiosk's application
layer (``submission``, ``staff_actions``, ``queue_status``, ``sync_actions``, ``notice_board``,
``handover``): :class:`kiosk_app.app.KioskApp` binds them to one configuration for the
touchscreen, whose Qt bridge runs them on a worker thread; the CLI calls them directly. Each
call opens the store for its own duration (a SQLite connection belongs to one thread), so any
thread may call any function. Errors are :class:`kiosk_app.errors.KioskError` (local problems)
or :class:`sync.errors.SyncError` (central, the network, a bundle); both carry ``.message``.

- ``kiosk_info(config) -> KioskInfo`` — id, village, central's address and fingerprint.
- ``is_enrolled(config) -> bool``
- ``list_services(config) -> list[dict]`` — catalogue entries as central sent them.
- ``get_service(config, service_id) -> dict``
- ``validate_request(config, service_id, fields) -> list[problem]`` — problem.field, .code,
  .message {"bg", "en"}; empty when the fields are acceptable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sync.answers import normalize_fields, validate_fields
from sync.catalogue import describe_service, guides_of

from . import clock
from . import municipality as municipality_profile
from .catalogue import find_service, services_of
from .clock import central_today
from .config import KioskConfig
from .store import enrollment_of, has_keys, store_for


@dataclass(frozen=True)
class KioskInfo:
    kiosk_id: str
    kiosk_no: int
    village: str
    central_url: str
    central_fingerprint: str
    catalogue_version: str | None
    # From the municipality profile central sent: {"bg", "en"} each, and the mayoralty's phone.
    village_name: dict = field(default_factory=dict)
    municipality_name: dict = field(default_factory=dict)
    village_phone: str = ""
    municipality_version: int | None = None

    def to_json(self) -> dict:
        return asdict(self)


def is_enrolled(config: KioskConfig) -> bool:
    """False on a kiosk that never enrolled; a kiosk whose store was lost is an error
    (StoreMissingError names the recovery), not "not enrolled"."""
    if not config.db_path.is_file() and not has_keys(config):
        return False
    with store_for(config) as store:
        return bool(store.get_setting("enrollment"))


def kiosk_info(config: KioskConfig) -> KioskInfo:
    with store_for(config) as store:
        enrollment = enrollment_of(store)
        catalogue = store.catalogue()
        municipality = municipality_profile.required(store)
        village = municipality.settlement(enrollment["village"])
        return KioskInfo(
            kiosk_id=enrollment["kiosk_id"],
            kiosk_no=int(enrollment["kiosk_no"]),
            village=enrollment["village"],
            central_url=enrollment["central_url"],
            central_fingerprint=enrollment["central_fingerprint"],
            catalogue_version=catalogue["version"] if catalogue else None,
            village_name=village.name.to_json(),
            municipality_name=municipality.official_name.to_json(),
            village_phone=village.phone,
            municipality_version=municipality.version,
        )


def list_services(config: KioskConfig) -> list[dict]:
    with store_for(config) as store:
        return services_of(store.catalogue())


def list_guides(config: KioskConfig) -> list[dict]:
    """The catalogue's guides (what to do when a relative has died…): text only, no request."""
    with store_for(config) as store:
        return guides_of(store.catalogue())


def service_summaries(config: KioskConfig) -> list[dict]:
    """Each service with its tiers and fields (type, required, required_if, options, length):
    ``kiosk-app services --json``, enough for a script to fill in a form (sync.catalogue)."""
    return [describe_service(service) for service in list_services(config)]


def get_service(config: KioskConfig, service_id: str) -> dict:
    with store_for(config) as store:
        return find_service(store.catalogue(), service_id)


def validate_request(config: KioskConfig, service_id: str, fields: dict) -> list:
    """The problems with a form's answers; dates are judged against today by central's clock
    (a birth date of last month is not in the future even if this kiosk's clock is a year
    behind)."""
    with store_for(config) as store:
        service = find_service(store.catalogue(), service_id)
        today = central_today(store)
    return validate_fields(service, normalize_fields(service, fields), today=today)


def clock_state(config: KioskConfig) -> dict:
    """The kiosk's clock against central's, for the staff panel: ``{offset_seconds,
    measured_at, round_trip_seconds, off}`` (``off``: more than five minutes)."""
    with store_for(config) as store:
        return clock.clock_state(store)


def central_now(config: KioskConfig):
    """Now by central's clock, as last measured (kiosk_app.clock): for the slip and the PINs."""
    with store_for(config) as store:
        return clock.central_now(store)
