"""Messages carried on a USB stick (sync.carried): signed by their sender, checked on opening,
and an old answer left on a stick changes nothing at the kiosk."""

from __future__ import annotations

import pytest

from kiosk_app.positions import USB_ANSWER, take_carried_answer
from kiosk_app.store import store_for
from sync import GENESIS, Identity, Keyring
from sync.carried import open_message, seal_message
from sync.errors import BadSignatureError, MalformedBundleError, WrongRecipientError

POSITION = {"seq": 0, "id": GENESIS}
ANSWER = {
    "uplink": {"central_has": POSITION},
    "downlink": {"continues_after": POSITION},
    "reference_counter": 0,
    "epoch": 2,
    "numbering": "paused",
    "report_documents": True,
    "documents_lacking": ["2026-000003"],
}


@pytest.fixture(scope="module")
def central():
    return Identity.generate("central")


def keyring_of(*identities) -> Keyring:
    ring = Keyring()
    for identity in identities:
        ring.add(identity.public)
    return ring


def test_a_carried_answer_opens_only_unaltered_and_for_its_recipient(central):
    signed = seal_message(central, "merdanya-1", "streams.answer", ANSWER)
    carried = open_message(signed, keyring_of(central), "merdanya-1")
    assert (carried.name, carried.message, carried.signer.party_id) == (
        "streams.answer",
        ANSWER,
        "central",
    )
    altered = signed.replace(b"2026-000003", b"2026-000004")
    with pytest.raises(BadSignatureError):
        open_message(altered, keyring_of(central), "merdanya-1")
    with pytest.raises(WrongRecipientError, match="wrong stick"):
        open_message(signed, keyring_of(central), "kozarevets-1")


def test_a_message_the_protocol_does_not_allow_is_neither_sealed_nor_opened(central):
    with pytest.raises(MalformedBundleError, match="numbering"):
        seal_message(central, "merdanya-1", "streams.answer", {**ANSWER, "numbering": "maybe"})


def test_an_old_answer_left_on_the_stick_changes_nothing(enrolled_kiosk):
    with store_for(enrolled_kiosk) as store:
        assert take_carried_answer(store, "2026-12-02T03:00:00.000000Z", ANSWER) is not None
        newer = {**ANSWER, "documents_lacking": []}
        assert take_carried_answer(store, "2026-12-01T03:00:00.000000Z", newer) is None
        assert store.get_setting(USB_ANSWER)["documents_lacking"] == ["2026-000003"]
