"""The notice board at the kiosk: reading it, and a villager's comment on a council draft.

- ``list_notices(config) -> list[dict]`` — the notice board (announcements, the council's
  agendas, drafts under consultation and decisions), newest first.
- ``comment_on_draft(config, notice_id, text, name=None) -> str`` — a villager's comment on a
  council draft under public consultation, queued for central (``council.comment``).
"""

from __future__ import annotations

from .config import KioskConfig
from .errors import InvalidRequestError, NotAllowedError
from .store import store_for, utc_now

MAX_COMMENT = 4000
CONSULTATION = "council_consultation"


def list_notices(config: KioskConfig) -> list[dict]:
    from .bulletins import NOTICES_SETTING

    with store_for(config) as store:
        return list(store.get_setting(NOTICES_SETTING) or [])


def comment_on_draft(config: KioskConfig, notice_id: str, text: str, name: str | None = None):
    """Queue a villager's comment on a draft under consultation; the record's id."""
    from .bulletins import NOTICES_SETTING

    text, name = (text or "").strip(), (name or "").strip() or None
    if not text:
        raise InvalidRequestError("Напишете коментар. / Write a comment first.")
    if len(text) > MAX_COMMENT or (name and len(name) > 200):
        raise InvalidRequestError(
            "Коментарът е по-дълъг от 4000 знака. / The comment is longer than 4,000 characters."
        )
    with store_for(config) as store:
        notices = {n.get("id"): n for n in store.get_setting(NOTICES_SETTING) or []}
        if notices.get(notice_id, {}).get("kind") != CONSULTATION:
            raise NotAllowedError(
                "Тази обява не е проект за обществено обсъждане. / "
                "This notice is not a draft under public consultation."
            )
        body = {"notice_id": notice_id, "text": text, "name": name, "at": utc_now()}
        return store.add_event("council.comment", body)
