"""The exchange with central and the upkeep of kiosk.db, as calls over a configuration.

- ``sync_now(config, transport=None, **options) -> ExchangeReport`` — one exchange
  (kiosk_app.exchange; ``options``: wait, max_records, progress).
- ``check_divergence(config, transport=None) -> dict`` — compare digests with central and
  repair (kiosk_app.divergence via kiosk_app.exchange).
- ``check_store(config, repair=True) -> StoreCheck`` — SQLite's integrity check of kiosk.db,
  indexes rebuilt when it finds problems (kiosk_app.store.soundness); local, no network.
- ``recover_store(config, central_url=None, fingerprint=None) -> RecoveryReport`` — rebuild a
  lost, damaged or outdated kiosk.db from central's copy (kiosk_app.recovery).
- ``export_bundles(config, out_dir, progress=None) -> list[Path]``;
  ``import_bundles(config, path, progress=None) -> ImportReport``.
"""

from __future__ import annotations

from pathlib import Path

from .config import KioskConfig
from .store import require_store_file, store_for


def release_waiting(config: KioskConfig) -> dict:
    """Apply the records kept aside because the kiosk's software did not know their type and
    now does (after an update); ``{"applied", "refused", "still_waiting"}``. Runs at start-up and
    at the start of every exchange (:mod:`kiosk_app.waiting_room`)."""
    from .exchange import release_waiting as release

    if not config.db_path.is_file():
        return {"applied": [], "refused": [], "still_waiting": 0}  # no store, nothing kept
    with store_for(config) as store:
        return release(config, store).to_json()


def sync_now(config: KioskConfig, transport=None, report_health: bool = False, **options):
    """One full exchange with central over HTTP; see :func:`kiosk_app.exchange.run_exchange`.
    ``report_health`` first queues a ``kiosk.health`` report when one is due (kiosk_app.health)."""
    from .exchange import run_exchange

    if report_health:
        queue_health(config)
    return run_exchange(config, transport=transport, **options)


def queue_health(config: KioskConfig):
    """Queue a health report for the fleet page if one is due; its record id or None."""
    from .health import queue_health_report

    with store_for(config) as store:
        return queue_health_report(config, store)


def check_divergence(config: KioskConfig, transport=None, repair: bool = True) -> dict:
    """Compare what this kiosk and central hold, and repair; see kiosk_app.divergence."""
    from .divergence import check_with_central

    return check_with_central(config, transport=transport, repair=repair)


def check_store(config: KioskConfig, repair: bool = True):
    """SQLite's integrity check of kiosk.db, rebuilding the indexes if it finds problems."""
    from .store.soundness import check_store as check

    require_store_file(config)
    return check(config.db_path, repair=repair)


def recover_store(
    config: KioskConfig, central_url: str | None = None, fingerprint: str | None = None,
    transport=None,
):  # fmt: skip
    """Rebuild kiosk.db from central's copy; see :mod:`kiosk_app.recovery`."""
    from .recovery import recover

    return recover(config, transport=transport, central_url=central_url, fingerprint=fingerprint)


def export_bundles(config: KioskConfig, out_dir: Path, progress=None) -> list[Path]:
    """Write every undelivered bundle and unsent receipt to ``out_dir`` (a USB stick).

    ``progress(done, total)`` is called after each file when given.
    """
    from .usb import export_bundles as export

    return export(config, Path(out_dir), progress=progress)


def import_bundles(config: KioskConfig, path: Path, progress=None):
    """Import a .vcb/.vcr file, or every such file in a folder, in sequence order."""
    from .usb import import_path

    return import_path(config, Path(path), progress=progress)
