"""ЕГН and ЛНЧ: checked by python-stdnum, and what an ЕГН says (birth date, sex)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from stdnum.bg import egn as stdnum_egn
from stdnum.bg import pnf as stdnum_pnf
from stdnum.exceptions import ValidationError

__all__ = ["egn_birth_date", "egn_sex", "is_egn", "is_lnch"]


# A register file names most people three times (own row, spouse, parent): checked once each.
@lru_cache(maxsize=1 << 18)
def is_egn(value: str) -> bool:
    """A valid ЕГН: ten digits, a date that exists, the check digit (``stdnum.bg.egn``)."""
    return len(value) == 10 and stdnum_egn.is_valid(value)


@lru_cache(maxsize=1 << 18)
def is_lnch(value: str) -> bool:
    """A valid ЛНЧ (personal number of a foreigner, ``stdnum.bg.pnf``)."""
    return len(value) == 10 and stdnum_pnf.is_valid(value)


@lru_cache(maxsize=1 << 18)
def egn_birth_date(egn: str) -> dt.date:
    try:
        return stdnum_egn.get_birth_date(egn)
    except ValidationError as exc:
        raise ValueError(f"not an ЕГН: {egn}") from exc


def egn_sex(egn: str) -> str:
    """``M`` or ``F``: the ninth digit is even for a man."""
    return "M" if int(egn[8]) % 2 == 0 else "F"
