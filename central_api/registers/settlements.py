"""The settlement codes a register file may use, from the one place central keeps them."""

from __future__ import annotations

from ..kiosks import VILLAGES

__all__ = ["known_settlements"]


def known_settlements() -> dict[str, str]:
    """``{code: Bulgarian name}`` of the municipality's settlements central knows."""
    return {code: names[0] for code, names in VILLAGES.items()}
