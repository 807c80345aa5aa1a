"""Stream positions: the first step of every exchange, and how the streams heal by themselves.

The kiosk tells central where its streams stand (``POST /api/v1/kiosks/<id>/streams``,
``streams.positions`` in sync/records.py): its newest sealed bundle, the newest central gave a
receipt for, and the newest of central's it applied, each with its id. Central answers what it
holds (central_api.streams), and the kiosk acts on the answer with no person involved:

- central holds fewer of the kiosk's bundles than the kiosk has receipts for (central was
  restored from a backup): the bundles after central's newest are reopened and go again in this
  very exchange, byte for byte, from the outbox (kept ``sent_bundle_days`` after their receipt,
  90 by default) — but only when central's newest is the kiosk's own bundle of that number;
  anything else is a conflict for a person, and nothing is reopened;
- central continues its downlink after the kiosk's last applied bundle: nothing to do here;
- a restored central asks for the kiosk's documents (``report_documents``): the kiosk names
  them (number → SHA-256), and posts each one central lacks (``document.held``); central takes a
  document only when its own signature on it verifies. The kiosk remembers the newest numbering
  epoch central named (``numbering_epoch_seen``) and reports it, a witness should central ever be
  restored from an older backup still.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path

from sync import GENESIS
from sync.errors import CentralUnreachableError
from sync.records import message_problem

from .store import KioskStore

log = logging.getLogger(__name__)

EPOCH_SEEN = "numbering_epoch_seen"  # the newest numbering epoch central named (a witness)


def positions(store: KioskStore, central: str) -> dict:
    """This kiosk's ``streams.positions`` (without its documents)."""
    sealed, delivered, applied = (
        store.last_outbound(),
        store.last_delivered(),
        store.last_applied(central),
    )
    return {
        "uplink": {
            "sealed": {"seq": sealed[0], "id": sealed[1]},
            "delivered": {"seq": delivered[0], "id": delivered[1]},
        },
        "downlink": {"applied": {"seq": applied[0], "id": applied[1]}},
        "epoch_seen": int(store.get_setting(EPOCH_SEEN, 0) or 0),
    }


def _checked(name: str, answer: dict) -> dict:
    problem = message_problem(name, answer)
    if problem:
        raise CentralUnreachableError(
            f"Central's answer is not what the protocol says ({problem}): a proxy may be in the "
            "way, or central runs other software. Nothing was changed here."
        )
    return answer


def held_documents(store: KioskStore) -> dict[str, str]:
    """{number: sha256} of the documents whose PDF this kiosk can still give back."""
    return {
        row["number"]: row["sha256"]
        for row in store.documents()
        if row.get("path") and Path(row["path"]).is_file()
    }


def central_answer(store: KioskStore, central: str, kiosk_id: str, transport) -> dict:
    """Central's ``streams.answer`` to this kiosk's positions (checked against the protocol)."""
    return _checked("streams.answer", transport.post_streams(kiosk_id, positions(store, central)))


def report_positions(store: KioskStore, kiosk_id: str, central: str, transport) -> dict:
    """Tell central where the streams stand and heal what central lost; what was done:
    ``{"resent": [seq...], "given_back": [number...], "refused": [...], "conflict": str|None}``."""
    mine = positions(store, central)
    answer = _checked("streams.answer", transport.post_streams(kiosk_id, mine))
    done = take_answer(store, answer)
    if answer["report_documents"]:
        _give_documents_back(store, kiosk_id, transport, mine, done)
    return done


def take_answer(store: KioskStore, answer: dict) -> dict:
    """Act on central's ``streams.answer`` (over HTTP, or carried on a stick): remember its
    numbering epoch and reopen the bundles central lacks; what was done, as report_positions."""
    done = {"resent": [], "given_back": [], "refused": [], "conflict": None}
    _remember_epoch(store, answer["epoch"])
    done["resent"], done["conflict"] = _reopen_what_central_lacks(
        store, answer["uplink"]["central_has"]
    )
    return done


# -- on a USB stick -------------------------------------------------------------------------------
# A kiosk that never goes online heals the same way, one stick round later (kiosk_app.usb): its
# export carries its positions with the documents it holds; central's import answers them
# (central_api.carried) and the answer goes back on the stick with the downlink; the kiosk's
# import takes it, and its next export carries the bundles and documents central lacked.

USB_ANSWER = "usb_streams_answer"  # the newest answer taken from a stick: its time and lacking


def carried_positions(store: KioskStore, central: str) -> dict:
    """The positions an export puts on the stick: with the documents held, since central can
    ask for them only one stick round later."""
    return {**positions(store, central), "documents": held_documents(store)}


def take_carried_answer(store: KioskStore, at: str, answer: dict) -> dict | None:
    """Take central's answer from a stick, unless it is no newer than one taken before (an old
    file left on the stick); what was done, or None when it was old."""
    _checked("streams.answer", answer)
    taken = store.get_setting(USB_ANSWER) or {}
    if at <= str(taken.get("at") or ""):
        return None
    done = take_answer(store, answer)
    store.set_setting(
        USB_ANSWER, {"at": at, "documents_lacking": answer.get("documents_lacking") or []}
    )
    return done


def documents_to_give_back(store: KioskStore, kiosk_id: str) -> list[dict]:
    """The ``document.held`` messages for what central's last carried answer said it lacks."""
    lacking = (store.get_setting(USB_ANSWER) or {}).get("documents_lacking") or []
    return [held for held in (_held(store, number) for number in lacking) if held is not None]


def _held(store: KioskStore, number: str) -> dict | None:
    document = store.document(number)
    if document is None or not document.get("path") or not Path(document["path"]).is_file():
        return None
    held = {
        "number": number,
        "reference": document["reference"],
        "pdf_b64": base64.b64encode(Path(document["path"]).read_bytes()).decode(),
    }
    request = store.request(document["reference"])
    if request is not None and request["status"] != "queued":
        held["request_status"] = request["status"]
    return held


def _remember_epoch(store: KioskStore, epoch: int) -> None:
    if epoch > int(store.get_setting(EPOCH_SEEN, 0) or 0):
        store.set_setting(EPOCH_SEEN, epoch)


def _reopen_what_central_lacks(
    store: KioskStore, central_has: dict
) -> tuple[list[int], str | None]:
    held_seq = central_has["seq"]
    lost = store.delivered_after(held_seq)
    if not lost:
        return [], None
    own = store.outbound_bundle(held_seq) if held_seq else None
    own_id = own.bundle_id if own is not None else GENESIS
    if own_id != central_has["id"]:
        conflict = (
            f"central's bundle {held_seq} from this kiosk is not the one sealed here: nothing "
            "was sent again; call support"
        )
        log.warning(conflict)
        return [], conflict
    reopened = []
    for bundle in lost:
        if not bundle.data:
            log.warning(
                "central lacks bundle %s, whose bytes were dropped after their keeping time",
                bundle.seq,
            )
            continue
        store.reopen_bundle(bundle.seq)
        reopened.append(bundle.seq)
    if reopened:
        log.warning("central lost bundle(s) %s (a restore?): sending them again", reopened)
    return reopened, None


def _give_documents_back(store: KioskStore, kiosk_id: str, transport, mine: dict, done) -> None:
    inventory = held_documents(store)
    answer = _checked(
        "streams.answer", transport.post_streams(kiosk_id, {**mine, "documents": inventory})
    )
    lacking = answer.get("documents_lacking") or []
    for number in lacking:
        held = _held(store, number) if number in inventory else None
        if held is None:
            continue
        result = _checked("document.held_answer", transport.post_held_document(kiosk_id, held))
        if result["status"] == "refused":
            done["refused"].append({"number": number, "reason": result.get("reason", "")})
        else:
            done["given_back"].append(number)
    if lacking:
        # Everything central lacked has gone (or was refused): this tells central so.
        _checked(
            "streams.answer", transport.post_streams(kiosk_id, {**mine, "documents": inventory})
        )
    if done["given_back"]:
        log.warning("gave central back document(s) %s after its restore", done["given_back"])
