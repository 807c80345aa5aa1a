"""After submitting: the reference and its check code in large type, the expected date, and the
receipt's fate.

The request is already safe in the kiosk's database when this screen appears; the receipt is
printed from here, and if the printer fails the villager is asked to write the number down.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QVBoxLayout

from ..widgets import Screen, button, label


class DoneScreen(Screen):
    name = "done"

    def __init__(self, ctx):
        super().__init__(ctx, back=False)
        self.saved = label("ok")
        self.saved.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reference_title = label()
        self.reference_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reference = label("huge")
        self.reference.setObjectName("reference")
        self.reference.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code = label("title")
        self.code.setObjectName("check-code")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # What the slip says besides the number (so that speech reads the slip in full,
        # EN 301 549 5.1.3.16): the service, and where it is collected when not printed here.
        self.service = label()
        self.service.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.collect = label()
        self.collect.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.expected = label()
        self.expected.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The rest of what the slip states (who issues it, the fee, when it was made, the
        # mayoralty's phone), as printed: printing.receipts.receipt_facts through the worker.
        self.slip = label()
        self.slip.setObjectName("slip-facts")
        self.slip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.receipt = label("notice")
        self.receipt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.finish_button = button("primary", min_height=90)
        self.finish_button.clicked.connect(self.on_finish_clicked)
        self._return_timer = QTimer(self)
        self._return_timer.setSingleShot(True)
        self._return_timer.timeout.connect(self.on_finish_clicked)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(40, 30, 40, 30)
        layout.setSpacing(18)
        layout.addStretch(1)
        for widget in (
            self.saved,
            self.reference_title,
            self.reference,
            self.code,
            self.service,
            self.expected,
            self.collect,
            self.slip,
            self.receipt,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.finish_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self._expected_date = None
        self._check_code = ""
        self._slip: dict = {}
        self.retranslate()

    def enter(self) -> None:
        session = self.ctx.session
        self.reference.setText(session.reference or "")
        self._expected_date = None
        self._check_code = ""
        self._slip = {}
        self.ctx.bridge.call(self.ctx.app.check_code, session.reference, on_done=self.on_check_code)
        self.ctx.bridge.call(
            self.ctx.app.print_receipt,
            session.reference,
            session.service["id"] if session.service else None,
            session.tier,
            on_done=self.on_receipt_printed,
            on_error=self.on_receipt_failed,
        )
        self._return_timer.start(int(self.ctx.settings.done_return_s * 1000))
        self.retranslate()

    def wipe(self) -> None:
        self._return_timer.stop()
        self.reference.clear()
        self.service.clear()
        self.collect.clear()
        self.slip.clear()
        self._slip = {}
        self._expected_date = None
        self._check_code = ""
        self.code.clear()

    def on_check_code(self, code: str) -> None:
        self._check_code = code
        self.retranslate()

    def on_receipt_printed(self, result: dict) -> None:
        self.ctx.session.printed = True
        self._expected_date = (result or {}).get("expected_date")
        self._slip = (result or {}).get("slip") or {}
        self.ctx.session.expected_date = self._expected_date
        self.retranslate()
        self.ctx.narrator.screen_opened(self)  # what the slip says, now with its date

    def on_receipt_failed(self, _error: Exception) -> None:
        self.ctx.session.printed = False
        self.retranslate()
        self.ctx.narrator.screen_opened(self)  # "write the number down", and the number

    def on_finish_clicked(self) -> None:
        self._return_timer.stop()
        self.navigate_requested.emit("finish")

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        self.header.title.setText(t("done.title"))
        self.saved.setText(t("done.saved"))
        self.reference_title.setText(t("done.reference_title"))
        code = self._check_code
        self.code.setText(t("done.check_code", code=f"{code[:3]} {code[3:]}") if code else "")
        self.code.setVisible(bool(code))
        service = self.ctx.session.service or {}
        name = self.tr.pick(service.get("name"))
        self.service.setText(t("done.service", name=name) if name else "")
        self.service.setVisible(bool(name))
        collect = self.tr.pick(service.get("collect"))
        self.collect.setText(t("done.collect", place=collect) if collect else "")
        self.collect.setVisible(bool(collect))
        if self._expected_date:
            self.expected.setText(t("done.expected", date=self.tr.date(self._expected_date)))
        else:
            self.expected.setText(t("done.expected_unknown"))
        facts = self._slip.get(self.tr.language) or self._slip.get("bg") or {}
        lines = []
        issuer = ", ".join(facts[part] for part in ("municipality", "village") if facts.get(part))
        if issuer:
            lines.append(t("done.issuer", issuer=issuer))
        for fact, key, name in (
            ("fee", "done.fee", "fee"),
            ("issued_at", "done.issued_at", "when"),
            ("phone", "done.phone", "phone"),
        ):
            if facts.get(fact):
                lines.append(t(key, **{name: facts[fact]}))
        self.slip.setText("\n".join(lines))
        self.slip.setVisible(bool(lines))
        printed = self.ctx.session.printed
        key = {None: "done.printing", True: "done.printed", False: "done.print_failed"}[printed]
        self.receipt.setText(t(key))
        self.finish_button.setText(t("done.finish"))
