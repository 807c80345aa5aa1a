"""The staff panel's rows, one per document: what a request ready to hand over offers (the fee,
the signed form, a reprint, the hand-over), a revoked one's notice, and a recent hand-over with
"Отмени предаването" while its record still waits in the outbox (kiosk_app/handover.py).

Each row is a card whose objectName names its reference (``ready-``, ``revoked-``, ``handed-``);
its buttons call back into :class:`~kiosk_app.ui.screens.staff_panel.StaffPanelScreen`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..widgets import button, card, label
from ..wrap import WrapRow


def fee_amount(tr, document: dict) -> str:
    """The document's fee as money, or that the amount is not known."""
    cents = document.get("fee_amount_cents")
    return tr.money(cents / 100) if cents is not None else tr.t("staff.amount_unknown")


def ready_row(
    tr,
    document: dict,
    *,
    on_pay: Callable[[dict], None],
    on_form_filed: Callable[[str], None],
    on_reprint: Callable[[str], None],
    on_deliver: Callable[[dict], None],
) -> QWidget:
    t = tr.t
    reference = document["reference"]
    frame = card()
    frame.setObjectName(f"ready-{reference}")
    # The text above, its buttons below on as many lines as they need (large text).
    column = QVBoxLayout(frame)
    column.setContentsMargins(16, 6, 16, 6)
    row = WrapRow(spacing=8)
    text = label()
    if document.get("revoked_at"):
        # Revoked by the office: never printed, never handed over; staff are told why.
        frame.setObjectName(f"revoked-{reference}")
        text.setText(
            t(
                "staff.revoked_line",
                reference=reference,
                number=document["number"],
                date=tr.date_time(document["revoked_at"]),
            )
        )
        column.addWidget(text)
        return frame
    fee = t(f"staff.fee_{document.get('fee_status') or 'due'}")
    if document.get("fee_amount_cents") is not None:
        fee = f"{fee} ({fee_amount(tr, document)})"
    line = t("staff.ready_line", reference=reference, number=document["number"], fee=fee)
    if not document.get("identity_checked", True):
        line += "\n" + t("staff.identity_not_checked")
    text.setText(line)
    column.addWidget(text)
    column.addLayout(row)
    if document.get("fee_status") in (None, "due"):
        pay = button()
        pay.setObjectName("pay")
        pay.setText(t("staff.record_payment"))
        pay.clicked.connect(lambda: on_pay(document))
        row.add(pay)
    if not document.get("form_filed_at"):  # the signed request form first, then hand over
        form = button()
        form.setObjectName("form-filed")
        form.setText(t("staff.form_filed"))
        form.clicked.connect(lambda: on_form_filed(reference))
        row.add(form)
    reprint = button()
    reprint.setObjectName("reprint")
    reprint.setText(t("staff.reprint"))
    reprint.clicked.connect(lambda: on_reprint(reference))
    deliver = button("primary")
    deliver.setObjectName("deliver")
    deliver.setText(t("staff.deliver"))
    deliver.clicked.connect(lambda: on_deliver(document))
    row.add(reprint)
    row.add(deliver)
    return frame


def handed_over_row(tr, handed: dict, *, on_undo: Callable[[str], None]) -> QWidget:
    """A recent hand-over: "Отмени предаването" while its record waits in the outbox;
    once sent, that it was reported and whom to ask (kiosk_app.handover)."""
    t, reference = tr.t, handed["reference"]
    frame = card()
    frame.setObjectName(f"handed-{reference}")
    column = QVBoxLayout(frame)
    column.setContentsMargins(16, 6, 16, 6)
    text = label()
    line = t(
        "staff.handed_over_line",
        reference=reference,
        numbers=", ".join(handed.get("numbers") or []) or "—",
        when=tr.date_time(handed["at"]),
    )
    if handed.get("reported"):
        line += "\n" + t("staff.handed_over_reported")
    text.setText(line)
    column.addWidget(text)
    if not handed.get("reported"):
        undo = button()
        undo.setObjectName("undo-delivery")
        undo.setText(t("staff.undo_delivery"))
        undo.clicked.connect(lambda: on_undo(reference))
        row = WrapRow(spacing=8)
        row.add(undo)
        column.addLayout(row)
    return frame
