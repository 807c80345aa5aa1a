"""Who may open which office page: one table, filled by the ``@access`` decorator.

:func:`central_api.office.auth.guard` refuses every endpoint of the blueprint that is not in
:data:`ACCESS`, so a page added without saying who may use it is closed, not open.
"""

from __future__ import annotations

ROLES = ("clerk", "admin", "auditor", "registrar")
# The municipal council (central_api.council): councillors and the chair vote in the hall, the
# secretary prepares sessions and keeps the protocol. They sign in here, but open no office page.
COUNCIL_ROLES = ("councillor", "council_chair", "council_secretary")
PUBLIC = "public"
CLERKS = ("clerk", "admin")  # who decides requests (central_api.decisions allows both)
# Who sees the population register in the office; only the registrar corrects it.
REGISTER_READERS = ("clerk", "admin", "registrar")

# endpoint -> roles allowed (or PUBLIC)
ACCESS: dict[str, tuple[str, ...]] = {"office.static": (PUBLIC,)}


def access(*roles: str):
    """Declare who may open the decorated view (``PUBLIC`` for anyone)."""

    def decorate(view):
        ACCESS[f"office.{view.__name__}"] = roles
        return view

    return decorate
