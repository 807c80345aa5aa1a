"""One villager's visit: what they chose and typed, wiped as a whole when they leave.

Nothing here outlives the visit. The idle watcher and the "finish" button call :meth:`wipe`, and
every screen clears its widgets from the session it is given, so the next villager never sees the
previous one's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StaffConfirmation:
    staff_id: str
    staff_name: str
    id_document_number: str
    fee: dict[str, Any]
    # For a request about another person: what staff saw that lets it go ahead, as one line
    # for the clerk ("Нотариално заверено пълномощно № 1234 от 01.11.2026, ...").
    authorisation: str | None = None


@dataclass
class Session:
    service: dict[str, Any] | None = None
    guide: dict[str, Any] | None = None  # a catalogue guide being read (no request)
    tier: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    staff: StaffConfirmation | None = None
    reference: str | None = None
    expected_date: str | None = None
    printed: bool | None = None
    submitted: dict[str, Any] | None = None
    # The answer being changed from the review: the form shows its page and goes back there.
    editing: str | None = None
    # The privacy notice was shown in this visit: it comes once, before the first form.
    privacy_told: bool = False
    notice: dict[str, Any] | None = None  # the notice whose attached PDF is open

    def wipe(self) -> None:
        self.service = None
        self.guide = None
        self.tier = None
        self.fields = {}
        self.staff = None
        self.reference = None
        self.expected_date = None
        self.printed = None
        self.submitted = None
        self.editing = None
        self.privacy_told = False
        self.notice = None

    @property
    def is_empty(self) -> bool:
        return self.service is None and not self.fields and self.reference is None
