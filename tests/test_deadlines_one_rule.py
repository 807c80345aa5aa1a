"""One deadline rule (sync/deadlines.py): the kiosk's slip and central's due date are one date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from central_api.records import _due_date
from kiosk_app.app import KioskApp
from sync.deadlines import SOFIA, chosen_tier, service_due_date
from tests.fixtures_kiosk import VALID_FIELDS

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = json.loads((ROOT / "central_api/catalogue/services.json").read_text(encoding="utf-8"))
SERVICES = CATALOGUE["services"]
TIERS = st.sampled_from([None, "ordinary", "fast", "express", "no-such-tier"])
# Any moment of two years with Easters, Christmases, DST changes and weekends in them.
MOMENTS = st.datetimes(
    min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31, 23, 59)
).map(lambda moment: moment.replace(tzinfo=dt.UTC))


@settings(max_examples=400, deadline=None)
@given(service=st.sampled_from(SERVICES), tier=TIERS, moment=MOMENTS)
def test_the_slip_date_is_centrals_due_date(service, tier, moment):
    made_in = chosen_tier(service, tier)  # what the kiosk records in request.submitted
    slip = service_due_date(service, made_in, moment)  # what the kiosk prints
    due = _due_date(service, made_in, now=moment)  # what central stores
    assert (slip.isoformat() if slip else None) == due
    if slip is not None:
        assert slip >= moment.astimezone(SOFIA).date()
        assert slip.weekday() < 5


def _service(service_id):
    return next(s for s in SERVICES if s["id"] == service_id)


def test_a_request_late_on_saturday_utc_is_sunday_in_sofia_and_counts_from_monday():
    # 23:30 UTC on Saturday 6 June 2026 is 02:30 on Sunday in Sofia; 72 h → 3 working days
    # after Monday 8 June (the day made on counts as Monday, not counted itself).
    service = _service("permanent-address-certificate")
    moment = dt.datetime(2026, 6, 6, 23, 30, tzinfo=dt.UTC)
    assert service_due_date(service, "ordinary", moment) == dt.date(2026, 6, 11)
    assert _due_date(service, "ordinary", now=moment) == "2026-06-11"
    # 24 hours: the next working day, never the same day.
    assert service_due_date(service, "fast", moment) == dt.date(2026, 6, 9)


def test_the_printed_slip_carries_centrals_due_date(enrolled_kiosk):
    from kiosk_app import services, submission

    reference = submission.submit_request(
        enrolled_kiosk, "permanent-address-certificate", VALID_FIELDS
    )
    # 21:30 UTC on Thursday 9 April 2026 is 00:30 on Good Friday in Sofia: the request counts as
    # made on Tuesday 14 April (Friday to Easter Monday are off), and 72 h is Friday 17 April.
    friday_evening = dt.datetime(2026, 4, 9, 21, 30, tzinfo=dt.UTC)
    kiosk = KioskApp(enrolled_kiosk, clock=lambda: friday_evening)
    slip = kiosk.print_receipt(reference, "permanent-address-certificate", None)
    service = services.get_service(enrolled_kiosk, "permanent-address-certificate")
    [event] = [e for e in services_events(enrolled_kiosk) if e["type"] == "request.submitted"]
    assert event["body"]["tier"] == "ordinary"  # the tier the screens showed
    assert slip["expected_date"] == _due_date(service, "ordinary", now=friday_evening)
    assert slip["expected_date"] == "2026-04-17"


def services_events(config):
    from kiosk_app.store import store_for

    with store_for(config) as store:
        return store.pending_events()
