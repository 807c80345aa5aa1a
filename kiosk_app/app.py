"""The kiosk's application layer as one plain object: everything the touchscreen may ask.

:class:`KioskApp` is bound to one kiosk configuration. Its methods are the kiosk's use cases
(:mod:`kiosk_app.services` for the kiosk and its catalogue, :mod:`kiosk_app.submission` for
requests, :mod:`kiosk_app.staff_actions` and :mod:`kiosk_app.handover` for documents, fees and
hand-overs, :mod:`kiosk_app.queue_status` and :mod:`kiosk_app.sync_actions` for the queue and
the exchange, :mod:`kiosk_app.notice_board` for notices;
:mod:`kiosk_app.pins` for staff PINs; :mod:`kiosk_app.printer` for the printer's state;
:mod:`kiosk_app.slips` for the villager's slip). No Qt here: the Qt bridge
(:class:`kiosk_app.worker.ServiceBridge`) runs these methods on its worker thread, and screens
name the method itself (``bridge.call(app.request_status, reference, on_done=...)``), never a
string. Each method opens the store for its own duration, so any thread may call any method.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from . import (
    handover,
    notice_board,
    notice_pdf,
    pins,
    printer,
    privacy,
    queue_status,
    request_form,
    services,
    slips,
    staff_actions,
    submission,
    sync_actions,
)
from .config import KioskConfig

DEFAULT_USB_DIR = Path("/media/usb")


class KioskApp:
    """The kiosk's use cases over one configuration.

    ``usb_dir``: where the staff's USB stick is mounted; ``clock``: now, for the PIN lockout and
    the slip (tests pass their own; by default central's time as last measured,
    :mod:`kiosk_app.clock`); ``transport``: how to reach central (None: HTTP to the
    address learnt at enrollment).
    """

    def __init__(
        self,
        config: KioskConfig,
        usb_dir: Path | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        transport=None,
    ):
        self.config = config
        self.usb_dir = Path(usb_dir) if usb_dir else DEFAULT_USB_DIR
        self.transport = transport
        self._clock = clock or (lambda: services.central_now(config))

    # -- the kiosk and its catalogue -------------------------------------------------------

    def kiosk_info(self) -> services.KioskInfo:
        return services.kiosk_info(self.config)

    def is_enrolled(self) -> bool:
        return services.is_enrolled(self.config)

    def list_services(self) -> list[dict]:
        return services.list_services(self.config)

    def list_guides(self) -> list[dict]:
        return services.list_guides(self.config)

    def get_service(self, service_id: str) -> dict:
        return services.get_service(self.config, service_id)

    def validate_request(self, service_id: str, fields: dict) -> list:
        return services.validate_request(self.config, service_id, fields)

    def list_notices(self) -> list[dict]:
        """The notice board (announcements, council decisions) as central last sent it."""
        return notice_board.list_notices(self.config)

    def render_notice_page(
        self, notice_id: str, page: int, width_px: int
    ) -> notice_pdf.RenderedPage:
        """Page ``page`` (from 1) of a notice's attached PDF, ``width_px`` wide, as pixels."""
        path = notice_pdf.notice_pdf_path(notice_board.list_notices(self.config), notice_id)
        return notice_pdf.render_page(path, page, width_px)

    def comment_on_draft(self, notice_id: str, text: str, name: str | None = None) -> str:
        """Queue a villager's comment on a draft under public consultation; the record's id."""
        return notice_board.comment_on_draft(self.config, notice_id, text, name)

    # -- villagers' requests ---------------------------------------------------------------

    def submit_request(
        self,
        service_id: str,
        fields: dict,
        staff: dict | None = None,
        fee: dict | None = None,
        tier: str | None = None,
    ) -> str:
        return submission.submit_request(self.config, service_id, fields, staff, fee, tier)

    def print_receipt(
        self, reference: str, service_id: str | None = None, tier: str | None = None
    ) -> dict:
        """Print the villager's slip and the filled-in request form for them to sign;
        ``{"expected_date", "status", "form_status"}``."""
        status = submission.request_status(self.config, reference)
        service = services.get_service(self.config, service_id or status.service)
        info = services.kiosk_info(self.config)
        code = submission.check_code(self.config, status.reference)
        slip = slips.print_slip(
            self.config, status.reference, service, info, self._clock(), tier, check_code=code
        )
        return {
            **slip,
            "form_status": request_form.print_form(self.config, status.reference)["status"],
        }

    def privacy_notice(self) -> list[dict]:
        """The municipality's notice before personal data are asked (kiosk_app.privacy)."""
        return privacy.privacy_notice(self.config)

    def print_privacy_notice(self, language: str = "bg") -> str:
        return privacy.print_privacy_notice(self.config, language)

    def request_status(self, reference: str) -> submission.RequestStatus:
        return submission.request_status(self.config, reference)

    def look_up_request(self, reference: str, check_code: str) -> submission.RequestStatus:
        """The villager's look-up: the reference as typed and the slip's check code."""
        return submission.look_up_request(self.config, reference, check_code)

    def reference_prefix(self) -> str:
        """This kiosk's references start so ("DZH1"): the look-up shows it already typed."""
        return submission.kiosk_reference_prefix(self.config)

    def check_code(self, reference: str) -> str:
        """The check code of a request just made, for the done screen and the slip."""
        return submission.check_code(self.config, reference)

    def list_requests(self, status: str | None = None) -> list[submission.RequestStatus]:
        return submission.list_requests(self.config, status)

    def answer_question(self, reference: str, answer: str, staff_id: str | None = None) -> None:
        submission.answer_question(self.config, reference, answer, staff_id)

    # -- staff -----------------------------------------------------------------------------

    def check_staff_pin(self, pin: str) -> dict:
        """The member of staff whose PIN this is; five wrong PINs in a row lock for a while."""
        return pins.check_staff_pin(self.config, pin, self._clock())

    def staff_overview(self) -> dict:
        """What the staff panel shows: the queue, documents to hand over, the printer, and what
        the kiosk holds about villagers."""
        return {
            "queue": queue_status.queue_state(self.config).to_json(),
            "ready": [
                document.to_json() for document in staff_actions.ready_documents(self.config)
            ],
            "printer": printer.panel_state(self.config),
            "personal_data": queue_status.personal_data(self.config),
            "clock": services.clock_state(self.config),
            "handed_over": handover.recent_handovers(self.config, self._clock()),
        }

    def ready_documents(self) -> list[staff_actions.ReadyDocument]:
        return staff_actions.ready_documents(self.config)

    def reprint_document(self, reference: str) -> staff_actions.ReadyDocument:
        return staff_actions.reprint_document(self.config, reference)

    def record_fee_payment(
        self, reference: str, method: str, receipt_number: str | None, staff_id: str
    ) -> dict:
        return staff_actions.record_fee_payment(
            self.config, reference, method, receipt_number, staff_id
        )

    def record_form_filed(self, reference: str, staff_id: str) -> dict:
        """Staff filed the villager's signed request form (one tap on the staff panel)."""
        return staff_actions.record_form_filed(self.config, reference, staff_id)

    def mark_delivered(
        self, reference: str, staff_id: str, id_document_number: str | None = None
    ) -> None:
        staff_actions.mark_delivered(self.config, reference, staff_id, id_document_number)

    def undo_delivery(self, reference: str, staff_id: str) -> dict:
        """Take back a hand-over whose record has not left for central (kiosk_app.handover)."""
        return handover.undo_delivery(self.config, reference, staff_id)

    def needs_identity_check(self, reference: str) -> bool:
        return staff_actions.needs_identity_check(self.config, reference)

    # -- the queue and the exchange --------------------------------------------------------

    def queue_state(self) -> queue_status.QueueState:
        return queue_status.queue_state(self.config)

    def quarantined(self) -> list[dict]:
        return queue_status.quarantined(self.config)

    def release_waiting(self) -> dict:
        """Apply what an older software kept aside for want of knowing its type (at start-up)."""
        return sync_actions.release_waiting(self.config)

    def sync_now(self):
        """One exchange with central now, with a health report when one is due."""
        return sync_actions.sync_now(self.config, transport=self.transport, report_health=True)

    def check_divergence(self, repair: bool = True) -> dict:
        return sync_actions.check_divergence(self.config, transport=self.transport, repair=repair)

    def export_to_usb(self, progress=None) -> dict:
        """Write the undelivered bundles to the USB stick; ``{"count"}`` of files written."""
        written = sync_actions.export_bundles(self.config, self.usb_dir, progress=progress)
        return {"count": len(written)}

    def import_from_usb(self, progress=None) -> dict:
        """Import central's bundles from the USB stick; ``{"count"}`` of files imported, and
        what a restored central asked for again (``"heal"``: bundles and documents, which go on
        the next export)."""
        report = sync_actions.import_bundles(self.config, self.usb_dir, progress=progress)
        heal = len(report.resent) + len(report.documents_asked)
        return {"count": report.files, "heal": heal, "documents_asked": len(report.documents_asked)}
