"""Central rotates its bundle-signing key; kiosks follow without re-enrollment, including one
that was offline when it happened. Against a real central."""

from __future__ import annotations

import random

from central_api import decisions, key_rotation
from kiosk_app import services
from tests.sync_harness import CentralProcess, Kiosk, check_kiosk, converge


def test_kiosks_follow_a_key_rotation_announced_under_the_old_key(tmp_path):
    central = CentralProcess(tmp_path / "central")
    central.start()
    try:
        rng = random.Random(11)
        online = Kiosk(tmp_path / "online", central, "dzhulyunitsa", central.url)
        away = Kiosk(tmp_path / "away", central, "merdanya", central.url)
        online.submit(rng)
        converge(online, central.url)
        waiting = away.submit(rng)  # sealed and sent only after the rotation
        old = services.kiosk_info(online.config).central_fingerprint

        rotated = key_rotation.rotate_signing_key(central.central)
        assert rotated["previous"] == old and rotated["fingerprint"] != old
        assert sorted(rotated["announced_to"]) == sorted([online.kiosk_id, away.kiosk_id])
        central.stop()  # serve processes load the key at start
        central.start()

        online.submit(rng)
        converge(online, central.url)
        converge(away, central.url)  # its receipt is signed by a key it learns on the way
        for kiosk in (online, away):
            assert services.kiosk_info(kiosk.config).central_fingerprint == rotated["fingerprint"]

        decisions.approve(central.engine, waiting, "clerk", signer=central.central.document_signer)
        converge(away, central.url)
        assert [row["reference"] for row in away.documents()] == [waiting]
        assert check_kiosk(online, central) == [] and check_kiosk(away, central) == []
    finally:
        central.stop()
