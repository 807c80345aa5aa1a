"""Fault trials over a real line: a REAL `central-api serve`, kiosks exchanging with it through a
seeded faulty proxy (cuts at random byte offsets in either direction, duplicated connections),
kiosk crashes in the middle of an exchange, and clerks deciding meanwhile.

After every trial: every request the kiosk took is at central exactly once, and every document
central issued for it is at the kiosk exactly once (printed once). 200 seeded trials share one
central process (module scope) so that they fit in `make test`; a failing seed is named in the
message (``seed 17: requests differ: …``); the trials of the three kiosks run in parallel
threads, 25 seeds per test.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest

from tests.sync_harness import (
    VILLAGES,
    CentralProcess,
    Kiosk,
    Tally,
    check_kiosk,
    count_documents,
    requests_list_json,
    run_trials_in_parallel,
)

TRIALS = 200
BLOCK = 25
FAST_DISK = Path("/dev/shm") if Path("/dev/shm").is_dir() else None


@pytest.fixture(scope="module")
def line():
    """One real central and three kiosks for the whole module (on tmpfs when there is one:
    the kiosk's synchronous=FULL commits would otherwise dominate the run time)."""
    with tempfile.TemporaryDirectory(prefix="faults-", dir=FAST_DISK) as folder:
        root = Path(folder)
        central = CentralProcess(root)
        central.start()
        try:
            kiosks = [
                Kiosk(root / f"kiosk-{village}", central, village, central.url)
                for village in VILLAGES[:3]
            ]
            yield central, kiosks, Tally()
        finally:
            central.stop()


@pytest.mark.parametrize("block", range(TRIALS // BLOCK))
def test_a_faulty_line_loses_and_duplicates_nothing(line, block):
    """Seeds block*25 … block*25+24, the three kiosks' trials in parallel."""
    central, kiosks, tally = line
    seeds = range(block * BLOCK, (block + 1) * BLOCK)
    problems = run_trials_in_parallel(seeds, central, kiosks, tally)
    assert not problems, "\n".join(problems)


def test_after_all_trials_the_command_line_lists_each_request_once(line):
    central, kiosks, tally = line
    listed = Counter(row["reference"] for row in requests_list_json(central))
    assert all(count == 1 for count in listed.values())
    for kiosk in kiosks:
        assert set(kiosk.references()) <= set(listed)
        assert check_kiosk(kiosk, central) == []
    tally.documents = count_documents(central, kiosks)
    print(f"\nfault trials: {tally.line()}")
