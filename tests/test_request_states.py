"""The request states and their moves are defined once (sync/states.py) and used by both sides."""

from __future__ import annotations

from central_api import workflow
from central_api.office import common
from kiosk_app.ui.screens import status as status_screen
from sync import states
from sync.records import RECORD_TYPES


def test_central_checks_the_moves_of_sync_states():
    assert workflow.TRANSITIONS is states.TRANSITIONS and workflow.STATES is states.STATES
    assert common.OPEN_STATES is states.OPEN_STATES


def test_every_state_is_reachable_from_received_and_the_closed_ones_lead_nowhere():
    reached, frontier = {"received"}, ["received"]
    while frontier:
        for target in states.TRANSITIONS[frontier.pop()]:
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(states.STATES)
    assert {"rejected", "delivered", "cancelled"} == states.CLOSED
    assert set(states.STATES) - states.CLOSED >= states.HANDOVER_STATES
    assert not states.can_move("delivered", "printed") and states.can_move("printed", "delivered")


def test_the_kiosk_knows_every_state_central_can_send():
    sent = set(RECORD_TYPES["request.status_changed"].schema["properties"]["status"]["enum"])
    assert sent == set(states.STATES)
    assert set(status_screen.KNOWN_STATES) == sent | {"queued"}
