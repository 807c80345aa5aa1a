"""The kiosk holds the municipality profile central sent: at enrollment, then each newer version
(municipality.updated); an older or unusable one is refused and shown to staff."""

from __future__ import annotations

from kiosk_app import queue_status, services, submission, sync_actions
from tests.fixtures_kiosk import VALID_FIELDS, lyaskovets_profile


def renamed(version: int, **changes) -> dict:
    profile = lyaskovets_profile(version)
    for settlement in profile["settlements"]:
        if settlement["code"] == "dzhulyunitsa":
            settlement.update(changes)
    return profile


def test_the_enrolled_kiosk_names_its_village_from_the_profile(enrolled_kiosk):
    info = services.kiosk_info(enrolled_kiosk)
    assert info.village == "dzhulyunitsa"
    assert info.village_name == {"bg": "Джулюница", "en": "Dzhulyunitsa"}
    assert info.municipality_name == {"bg": "Община Лясковец", "en": "Lyaskovets Municipality"}
    assert info.municipality_version == 1


def test_a_newer_profile_changes_names_and_reference_prefix_at_the_next_exchange(
    enrolled_kiosk, fake_central
):
    newer = renamed(2, name={"bg": "Джулюница-Гара", "en": "Dzhulyunitsa-Gara"}, abbreviation="DZG")
    fake_central.queue_downlink([{"type": "municipality.updated", "body": newer}])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    info = services.kiosk_info(enrolled_kiosk)
    assert info.municipality_version == 2
    assert info.village_name["bg"] == "Джулюница-Гара"
    reference = submission.submit_request(
        enrolled_kiosk, "permanent-address-certificate", dict(VALID_FIELDS)
    )
    assert reference.startswith("DZG1-")


def test_an_older_or_unusable_profile_is_refused_and_the_one_held_stays(
    enrolled_kiosk, fake_central
):
    fake_central.queue_downlink([{"type": "municipality.updated", "body": renamed(3)}])
    fake_central.queue_downlink([{"type": "municipality.updated", "body": renamed(2)}])
    broken = renamed(4, abbreviation="dz")
    fake_central.queue_downlink([{"type": "municipality.updated", "body": broken}])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert services.kiosk_info(enrolled_kiosk).municipality_version == 3
    reasons = [row["reason"] for row in queue_status.quarantined(enrolled_kiosk)]
    assert len(reasons) == 2
    assert "rollback refused: municipality version 2 is older than version 3" in reasons[0]
    assert "abbreviation: 'dz' is not usable" in reasons[1]


def test_a_profile_without_this_kiosks_village_is_refused(enrolled_kiosk, fake_central):
    profile = lyaskovets_profile(2)
    profile["settlements"] = [s for s in profile["settlements"] if s["code"] != "dzhulyunitsa"]
    fake_central.queue_downlink([{"type": "municipality.updated", "body": profile}])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert services.kiosk_info(enrolled_kiosk).municipality_version == 1
    [row] = queue_status.quarantined(enrolled_kiosk)
    assert "no longer holds this kiosk's village 'dzhulyunitsa'" in row["reason"]
