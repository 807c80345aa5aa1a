"""What the staff panel says of the kiosk's state: the connection, the last exchange, the queue
(its depth and oldest unsent bundle), the printer, the personal data held, and a warning when the
kiosk's clock is off from central's. Texts only; the panel lays them out and shows them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout

FACTS = (
    "connection",
    "last_exchange",
    "queue_depth",
    "oldest_unsent",
    "printer",
    "personal_data",
)


def place_facts(grid: QGridLayout, titles: dict, values: dict, large: bool) -> None:
    """Two facts a line, or in large text one, so that a long word ("приключването") is not
    cut at the glass's edge."""
    per_line = 1 if large else 2
    for index, fact in enumerate(FACTS):
        line, column = divmod(index, per_line)
        grid.addWidget(titles[fact], line, column * 2)
        grid.addWidget(values[fact], line, column * 2 + 1)
    for column in range(4):
        grid.setColumnStretch(column, 0)
    for column in range(1, per_line * 2, 2):
        grid.setColumnStretch(column, 1)  # the values take the width left


def fact_texts(tr, overview: dict) -> dict[str, str]:
    """Each fact's value, from ``KioskApp.staff_overview``."""
    t = tr.t
    queue = overview.get("queue") or {}
    held = overview.get("personal_data") or {}  # what the kiosk keeps about villagers
    last = queue.get("last_exchange") or {}
    connection = "staff.online" if last.get("ok") else "staff.offline"
    return {
        "connection": t(connection) if last else t("staff.never_connected"),
        "last_exchange": tr.date_time(last.get("at")),
        "queue_depth": str(queue.get("queue_depth", 0)),
        "oldest_unsent": tr.date_time(queue.get("oldest_unsent_at"))
        if queue.get("oldest_unsent_at")
        else t("staff.nothing_waiting"),
        "printer": t(f"printer.{overview.get('printer', {}).get('state', 'unknown')}"),
        "personal_data": t(
            "staff.personal_data_value",
            count=held.get("with_personal_data", 0),
            days=held.get("retention_days", 30),
        ),
    }


def clock_warning(tr, clock: dict) -> str | None:
    """The warning when the kiosk's clock is more than five minutes from central's, else None."""
    if not clock.get("off"):
        return None
    seconds = abs(float(clock.get("offset_seconds") or 0))
    if seconds >= 2 * 86400:
        difference = tr.count(round(seconds / 86400), "day")
    elif seconds >= 2 * 3600:
        difference = tr.count(round(seconds / 3600), "hour")
    else:
        difference = tr.count(round(seconds / 60), "minute")
    key = "staff.clock_behind" if float(clock["offset_seconds"]) > 0 else "staff.clock_ahead"
    return tr.t(key, difference=difference)
