"""A request's states, the moves between them and the fee's states: one definition for both sides.

::

    received → in_review → approved → issued → printed → delivered
                    │   ↘ rejected
                    ↓
                needs_info → in_review (when the answer arrives)
    and from any open state: cancelled

Central checks every move (``central_api.workflow.transition``); the kiosk shows the same states
and hands a document over only from ``issued`` or ``printed``. Besides central's states the kiosk
knows ``queued``: made here, not yet taken by central (then it is ``received``).
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

# Still waiting for a clerk: the office's queue, overdue reports.
OPEN_STATES = ("received", "in_review", "needs_info", "approved")

# The kiosk's own state before central has taken a request.
KIOSK_ONLY_STATES = ("queued",)
KIOSK_STATES = (*KIOSK_ONLY_STATES, *STATES)

# A document may be handed over (and its fee taken) in these states.
HANDOVER_STATES = frozenset({"issued", "printed"})
# Past "issued": a document arriving (again) does not move such a request back.
PAST_ISSUED = frozenset({"printed", "delivered"})

FEE_STATUSES = ("due", "paid", "exempt")
FEE_METHODS = ("cash", "card", "bank")


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, ())
