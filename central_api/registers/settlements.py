"""The settlement codes a register file may use: those of the municipality profile."""

from __future__ import annotations

from sync.municipality import Municipality

__all__ = ["known_settlements"]


def known_settlements(municipality: Municipality) -> dict[str, str]:
    """``{code: Bulgarian name}`` of the settlements in the municipality profile (the centre
    included); ``central_api.municipality.current_municipality(conn)`` is the one in force."""
    return {settlement.code: settlement.name.bg for settlement in municipality.settlements}
