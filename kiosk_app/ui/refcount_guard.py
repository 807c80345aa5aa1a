"""A guard against a reference-counting bug of PySide6 6.12 on Python 3.11.

Measured here: every ``Signal.emit()`` from Python (and some event paths, such as button clicks)
drops one reference to ``True`` that it never took. ``True`` starts with a few hundred
references, so after a few hundred signals the interpreter aborts ("bool_dealloc: deallocating
True or False"), at the latest when it exits. Holding spare references in a list does not help:
the list gives them back at exit and the count still reaches zero. So, as Python 3.12 does for
every interpreter, we make ``True`` and ``False`` immortal by adding a billion to their
reference counts (CPython only). Remove this module when ``sys.getrefcount(True)`` no longer
falls with each ``emit()``.
"""

from __future__ import annotations

import ctypes
import platform
import sys

SPARE_REFERENCES = 1_000_000_000
_done = False


def make_booleans_immortal() -> None:
    global _done
    if _done or sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        _done = True
        return
    for value in (True, False):
        # ob_refcnt is the first field of every CPython object.
        ctypes.c_ssize_t.from_address(id(value)).value += SPARE_REFERENCES
    _done = True


make_booleans_immortal()
