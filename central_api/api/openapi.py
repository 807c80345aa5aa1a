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
                        "content": {"application/json": {"schema": {"type": "object"}}},
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
        "/api/v1/kiosks/{kiosk_id}/downlink": {
            "get": {
                "summary": "The next central → kiosk bundle after seq `after`",
                "parameters": [
                    {
                        "name": "kiosk_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
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
                ],
                "responses": {
                    "200": {"description": "The bundle bytes", "content": _OCTET},
                    "204": {"description": "Nothing to send"},
                    **_errors(400, 401, 403, 404, 429),
                },
            }
        },
        "/api/v1/kiosks/{kiosk_id}/challenge": {
            "get": {
                "summary": "A nonce from central, signed with its time, for the kiosk's next "
                "divergence digest (so that central's clock alone judges its freshness)",
                "parameters": [
                    {
                        "name": "kiosk_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "{challenge}",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **_errors(401, 403, 429),
                },
            }
        },
        "/api/v1/kiosks/{kiosk_id}/streams": {
            "post": {
                "summary": "Stream positions (streams.positions, docs/protocol.md): where the "
                "kiosk's streams stand; the answer says what central holds, where its downlink "
                "continues, and which documents a restored central wants back",
                "parameters": [
                    {
                        "name": "kiosk_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": {
                        "description": "streams.answer",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **_errors(400, 401, 403, 404, 413, 429),
                },
            }
        },
        "/api/v1/kiosks/{kiosk_id}/documents": {
            "post": {
                "summary": "A document the kiosk holds, given back to a restored central "
                "(document.held); taken only when central's own signature verifies",
                "parameters": [
                    {
                        "name": "kiosk_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": {
                        "description": "document.held_answer: restored, known or refused",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **_errors(400, 401, 403, 404, 413, 429),
                },
            }
        },
        "/api/v1/kiosks/{kiosk_id}/digest": {
            "post": {
                "summary": "Divergence check: compare the kiosk's signed digest of sequence "
                "numbers and document hashes with central's, and repair what can be repaired",
                "parameters": [
                    {
                        "name": "kiosk_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "repair",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["1", "0", "true", "false", "no"]},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": {
                        "description": "What differs and what was repaired",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **_errors(400, 401, 403, 404, 413, 429),
                },
            }
        },
        "/api/v1/kiosks/{kiosk_id}/positions": {
            "get": {
                "summary": "Where the calling kiosk's streams stand at central: the last uplink "
                "bundle (with central's receipt), the last downlink bundle, the highest "
                "reference number",
                "parameters": [
                    {
                        "name": "kiosk_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "uplink, downlink, reference_counter",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **_errors(401, 403, 404, 429),
                },
            }
        },
        "/api/v1/kiosks/{kiosk_id}/recovery": {
            "get": {
                "summary": "What central holds from and for the calling kiosk, to rebuild a lost "
                "or damaged store: its stream positions (with central's signed receipt for the "
                "last uplink bundle), its highest reference number and its requests' states",
                "parameters": [
                    {
                        "name": "kiosk_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "Positions, reference counter, requests, catalogue, "
                        "municipality profile and settings",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **_errors(401, 403, 404, 429),
                },
            }
        },
        "/api/v1/receipts": {
            "post": {
                "summary": "A kiosk's signed receipt for a downlink bundle",
                "requestBody": {"required": True, "content": _OCTET},
                "responses": {
                    "200": {
                        "description": "The bundle is marked delivered",
                        "content": {"application/json": {"schema": {"type": "object"}}},
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
                        "content": {"application/json": {"schema": {"type": "object"}}},
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
