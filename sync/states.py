"""A request's states, the moves between them and the fee's states: one definition for both sides.

::

    received → in_review → approved → issued → printed → delivered
                    │   ↘ rejected
                    ↓
                needs_info → in_review (when the answer arrives)
    and from any open state: cancelled

Central checks every move (``central_api.workflow.transition``); the kiosk shows the same states
and hands a document over only from ``issued`` or ``printed``. Besides central's states the kiosk
knows ``queued`` (made here, not yet taken by central) and ``submitted`` (taken, no word yet).
"""

from __future__ import annotations

STATES = (
    "received",
    "in_review",
    "needs_info",
    "approved",
    "rejected",
    "issued",
    "printed",
    "delivered",
    "cancelled",
)
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"in_review", "cancelled"}),
    "in_review": frozenset({"approved", "rejected", "needs_info", "cancelled"}),
    "needs_info": frozenset({"in_review", "rejected", "cancelled"}),
    "approved": frozenset({"issued", "cancelled"}),
    "issued": frozenset({"printed"}),
    "printed": frozenset({"delivered"}),
    "rejected": frozenset(),
    "delivered": frozenset(),
    "cancelled": frozenset(),
}
CLOSED = frozenset(state for state, targets in TRANSITIONS.items() if not targets)

# The kiosk's own states before central has said anything about a request.
KIOSK_ONLY_STATES = ("queued", "submitted")
KIOSK_STATES = (*KIOSK_ONLY_STATES, *STATES)

# A document may be handed over (and its fee taken) in these states.
HANDOVER_STATES = frozenset({"issued", "printed"})

FEE_STATUSES = ("due", "paid", "exempt")
FEE_METHODS = ("cash", "card", "bank")


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, ())
