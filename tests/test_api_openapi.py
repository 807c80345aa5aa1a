"""The OpenAPI document at /api/v1/openapi.json is valid OpenAPI 3 and names exactly the routes.

Validity is checked by ``openapi-spec-validator``; the route check compares the document's paths
and methods with Flask's url_map, both ways, so a route added without its description (or a
description left behind by a removed route) fails here.
"""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from central_api.api.openapi import OPENAPI

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
# Public JSON routes outside /api/v1 that the document describes as well.
PUBLIC_PREFIXES = ("/api/", "/healthz", "/verify/")


def documented_operations(document: dict) -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def routed_operations(app) -> set[tuple[str, str]]:
    """(OpenAPI-style path, method) of every public JSON route, HEAD/OPTIONS left to Flask."""
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PUBLIC_PREFIXES):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        operations |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return operations


def test_the_served_document_is_the_module_one(central_client):
    answer = central_client.get("/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.content_type == "application/json"
    assert answer.get_json() == OPENAPI


def test_the_document_is_valid_openapi_3(central_client):
    document = central_client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] and document["info"]["version"]
    validate(document)


def test_every_operation_has_a_summary_and_responses(central_client):
    document = central_client.get("/api/v1/openapi.json").get_json()
    for path, method in documented_operations(document):
        operation = document["paths"][path][method.lower()]
        assert operation.get("summary"), (path, method)
        assert operation.get("responses"), (path, method)
        for status in operation["responses"]:
            assert re.fullmatch(r"[1-5]\d\d", status), (path, method, status)


def test_every_error_response_is_the_one_error_schema(central_client):
    document = central_client.get("/api/v1/openapi.json").get_json()
    for path, method in documented_operations(document):
        for status, response in document["paths"][path][method.lower()]["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)


def test_every_public_route_is_documented_and_every_documented_route_exists(central_app):
    routed = routed_operations(central_app)
    documented = documented_operations(OPENAPI)
    assert routed - documented == set(), "routes missing from /api/v1/openapi.json"
    assert documented - routed == set(), "documented operations with no route"


def test_the_api_is_versioned(central_app):
    for rule in central_app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            assert rule.rule.startswith("/api/v1/"), rule.rule
