"""Two ``central-api serve`` processes over one database behave as one service."""

from __future__ import annotations

import json
import threading

from sqlalchemy import func, select

from central_api.db import read
from central_api.db.schema import outbound_bundles
from sync.transport import HttpTransport
from tests.fixtures_central import (
    SimKiosk,
    free_port,
    run_concurrently,
    run_server,
    stop_server,
    wait_healthy,
)


def test_two_instances_share_streams_numbers_and_downlinks(
    central, central_env, central_cli, central_clerk, tmp_path
):
    # The set-up (invites, the clerk who signs, the lists and approvals) through the same
    # command line in process; the two serve processes over one database are the point.
    servers, urls = [], []
    try:
        for index in range(2):
            port = free_port()
            log = tmp_path / f"serve-{index}.log"
            servers.append((run_server(central_env, port, log, workers=1), log))
            urls.append(f"http://127.0.0.1:{port}")
        for (process, log), url in zip(servers, urls, strict=True):
            wait_healthy(url, process, log, timeout=60)

        kiosks = []
        for index, village in enumerate(("dzhulyunitsa", "kozarevets")):
            kiosk = SimKiosk()
            token = central_cli("kiosk", "invite", village).stdout.strip().splitlines()[-1]
            answer = HttpTransport(urls[index]).enroll(token, kiosk.identity.public.to_json())
            kiosk.enrolled(answer)
            kiosks.append(kiosk)

        def send(kiosk):
            transports = [HttpTransport(url, identity=kiosk.identity) for url in urls]
            for _ in range(4):
                data = kiosk.bundle([kiosk.submitted() for _ in range(5)])
                receipts = {transport.upload_bundle(data) for transport in transports}
                assert len(receipts) == 1  # the second instance answers with the same receipt

        assert run_concurrently(send, kiosks, timeout=180) == []
        listed = json.loads(central_cli("requests", "list", "--json").stdout)
        assert len({r["reference"] for r in listed}) == len(listed) == 40

        for reference in [r["reference"] for r in listed if r["kiosk_id"] == kiosks[0].kiosk_id][
            :3
        ]:
            assert (
                central_cli("requests", "approve", reference, "--as", central_clerk).exit_code == 0
            )

        # Both instances asked for the kiosk's downlink at the same moment: one bundle, one seq.
        kiosk = kiosks[0]
        answers = []

        def fetch(url):
            answers.append(
                HttpTransport(url, identity=kiosk.identity).fetch_downlink(kiosk.kiosk_id, 0)
            )

        fetchers = [threading.Thread(target=fetch, args=(url,)) for url in urls * 2]
        for thread in fetchers:
            thread.start()
        for thread in fetchers:
            thread.join(timeout=60)
        assert len(answers) == 4 and len(set(answers)) == 1
        with read(central.engine) as conn:
            sealed = conn.execute(select(func.count()).select_from(outbound_bundles)).scalar()
        assert sealed == 1
        assert len(kiosk.open(answers[0]).records) == 6
    finally:
        for process, _log in servers:
            stop_server(process)
