"""A JSON object from an HTTP request body, bounded in depth: the one parser of the API's JSON.

``{"a": [[[[...]]]]}`` ten thousand levels deep is a few kilobytes, but recursing through it
(parsing, canonical JSON for a signature, a record check) can exhaust the stack. Bodies of the
kiosk API are flat by design (docs/protocol.md): anything nested deeper than
:data:`MAX_DEPTH` is refused with a 400 before anything reads it.
"""

from __future__ import annotations

import orjson

from .errors import InvalidInputError

MAX_DEPTH = 16


def json_object(data: bytes, what: str, max_depth: int = MAX_DEPTH) -> dict:
    """The JSON object in ``data``; :class:`InvalidInputError` (400) naming ``what`` to send
    when it is not JSON, not an object, or nested deeper than ``max_depth``."""
    try:
        value = orjson.loads(data)  # orjson itself stops at 1,024 levels, without recursing
    except orjson.JSONDecodeError as exc:
        raise InvalidInputError(f"The body is not valid JSON: send {what}.") from exc
    if not isinstance(value, dict):
        raise InvalidInputError(f"The body is not a JSON object: send {what}.")
    if depth_exceeds(value, max_depth):
        raise InvalidInputError(
            f"The JSON is nested more than {max_depth} levels deep: send {what}, flat."
        )
    return value


def depth_exceeds(value, max_depth: int) -> bool:
    """Is ``value`` nested deeper than ``max_depth``? (Iterative: no recursion.)"""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False
