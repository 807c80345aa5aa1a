"""The OpenAPI 3.1 description of the kiosk-facing API, served at /api/v1/openapi.json."""

_ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*statuses: int) -> dict:
    return {
        str(status): {
            "description": "An error in the one JSON shape",
            "content": {"application/json": {"schema": _ERROR}},
        }
        for status in statuses
    }


_OCTET = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
_JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}
_KIOSK_ID = {"name": "kiosk_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _kiosk_path(
    method: str,
    summary: str,
    answer: str,
    errors: tuple[int, ...],
    *,
    body: bool = False,
    query: tuple[dict, ...] = (),
    answer_content: dict = _JSON_OBJECT,
    more_answers: dict | None = None,
) -> dict:
    """One operation under /api/v1/kiosks/{kiosk_id}/: the kiosk's id in the path, a JSON
    object (unless told otherwise) as the answer, errors in the one JSON shape."""
    operation: dict = {"summary": summary, "parameters": [_KIOSK_ID, *query]}
    if body:
        operation["requestBody"] = {"required": True, "content": _JSON_OBJECT}
    operation["responses"] = {
        "200": {"description": answer, "content": answer_content},
        **(more_answers or {}),
        **_errors(*errors),
    }
    return {method: operation}


# The kiosk's own resources, in the order the document lists them.
_KIOSK_PATHS = {
    "downlink": _kiosk_path(
        "get",
        "The next central → kiosk bundle after seq `after`",
        "The bundle bytes",
        (400, 401, 403, 404, 429),
        query=(
            {
                "name": "after",
                "in": "query",
                "required": False,
                "schema": {
                    "type": "integer",
                    "format": "int32",
                    "minimum": 0,
                    "maximum": 2**31 - 1,
                    "default": 0,
                },
            },
            {
                "name": "wait",
                "in": "query",
                "required": False,
                "description": "Long-poll: hold the request up to this many seconds "
                "(at most 30) until a bundle is ready",
                "schema": {"type": "number", "minimum": 0, "maximum": 30, "default": 0},
            },
        ),
        answer_content=_OCTET,
        more_answers={"204": {"description": "Nothing to send"}},
    ),
    "challenge": _kiosk_path(
        "get",
        "A nonce from central, signed with its time, for the kiosk's next "
        "divergence digest (so that central's clock alone judges its freshness)",
        "{challenge}",
        (401, 403, 429),
    ),
    "streams": _kiosk_path(
        "post",
        "Stream positions (streams.positions, docs/protocol.md): where the "
        "kiosk's streams stand; the answer says what central holds (its newest bundle and "
        "highest reference from the kiosk), where its downlink continues, and which "
        "documents a restored central wants back",
        "streams.answer",
        (400, 401, 403, 404, 413, 429),
        body=True,
    ),
    "documents": _kiosk_path(
        "post",
        "A document the kiosk holds, given back to a restored central "
        "(document.held); taken only when central's own signature verifies",
        "document.held_answer: restored, known or refused",
        (400, 401, 403, 404, 413, 429),
        body=True,
    ),
    "digest": _kiosk_path(
        "post",
        "Divergence check: compare the kiosk's signed digest of sequence "
        "numbers and document hashes with central's, and repair what can be repaired",
        "What differs and what was repaired",
        (400, 401, 403, 404, 413, 429),
        body=True,
        query=(
            {
                "name": "repair",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": ["1", "0", "true", "false", "no"]},
            },
        ),
    ),
    "recovery": _kiosk_path(
        "get",
        "What central holds from and for the calling kiosk, to rebuild a lost "
        "or damaged store: its stream positions (with central's signed receipt for the "
        "last uplink bundle), its highest reference number and its requests' states",
        "Positions, reference counter, requests, catalogue, municipality profile and settings",
        (401, 403, 404, 429),
    ),
}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "Village info-centre network: central office, kiosk API",
        "version": "1",
        "description": "Bundles and receipts are the binary formats of docs/protocol.md.",
    },
    "paths": {
        "/healthz": {
            "get": {
                "summary": "Ready to serve",
                "responses": {
                    "200": {
                        "description": "Database and keys are in place",
                        "content": _JSON_OBJECT,
                    },
                    **_errors(503),
                },
            }
        },
        "/api/v1/enroll": {
            "post": {
                "summary": "Enroll a kiosk with a one-time invite token",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Enroll"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "Enrolled",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Enrolled"}
                            }
                        },
                    },
                    **_errors(400, 403, 413, 429),
                },
            }
        },
        "/api/v1/bundles": {
            "post": {
                "summary": "Upload a kiosk → central bundle; the answer is the signed receipt",
                "requestBody": {"required": True, "content": _OCTET},
                "responses": {
                    "200": {"description": "The receipt bytes", "content": _OCTET},
                    **_errors(400, 401, 403, 409, 413, 429),
                },
            }
        },
        **{f"/api/v1/kiosks/{{kiosk_id}}/{name}": path for name, path in _KIOSK_PATHS.items()},
        "/api/v1/receipts": {
            "post": {
                "summary": "A kiosk's signed receipt for a downlink bundle",
                "requestBody": {"required": True, "content": _OCTET},
                "responses": {
                    "200": {
                        "description": "The bundle is marked delivered",
                        "content": _JSON_OBJECT,
                    },
                    **_errors(400, 401, 403, 404, 413, 429),
                },
            }
        },
        "/verify/{number}": {
            "get": {
                "summary": "Public: is Изх. № {number} a valid document of the municipality?",
                "parameters": [
                    {
                        "name": "number",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "c",
                        "in": "query",
                        "required": False,
                        "description": "the verification code printed on the document and "
                        "carried by its QR statement",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "number, status (valid | revoked), issuer and code "
                        "(required | wrong | right | none); with the right code also issued_on, "
                        "service, service_name, revoked_on and the PDF's sha256; nothing "
                        "personal, never the reason of a revocation",
                        "content": _JSON_OBJECT,
                    },
                    **_errors(404, 429),
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message", "status"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "status": {"type": "integer"},
                        },
                    }
                },
            },
            "PublicIdentity": {
                "type": "object",
                "required": ["signing_key", "encryption_key"],
                "properties": {
                    "party_id": {"type": "string"},
                    "signing_key": {"type": "string", "contentEncoding": "base64"},
                    "encryption_key": {"type": "string", "contentEncoding": "base64"},
                    "fingerprint": {"type": "string"},
                },
            },
            "Enroll": {
                "type": "object",
                "required": ["token", "identity"],
                "properties": {
                    "token": {"type": "string"},
                    "identity": {"$ref": "#/components/schemas/PublicIdentity"},
                    "software_version": {"type": "string"},
                },
            },
            "Enrolled": {
                "type": "object",
                "required": ["kiosk_id", "village", "kiosk_no", "central", "settings"],
                "properties": {
                    "kiosk_id": {"type": "string"},
                    "village": {"type": "string"},
                    "kiosk_no": {"type": "integer"},
                    "fingerprint": {"type": "string"},
                    "central": {"$ref": "#/components/schemas/PublicIdentity"},
                    "catalogue": {"type": ["object", "null"]},
                    "settings": {"type": "object"},
                },
            },
        }
    },
}
