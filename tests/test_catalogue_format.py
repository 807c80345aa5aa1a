"""The catalogue as data: the shipped services, and what validate_catalogue refuses."""

import copy
import json

import pytest

from central_api.catalogue import catalogue_summary, default_catalogue
from sync.catalogue import (
    CatalogueError,
    UnknownServiceError,
    find_service,
    validate_catalogue,
)
from sync.errors import SyncError
from tests.fixtures_central import LYASKOVETS

DOMAIN_SERVICES = {
    "permanent-address-certificate": "2128",
    "current-address-certificate": "1997",
    "marital-status-certificate": None,
    "heirs-certificate": "2016",
    "birth-certificate-duplicate": "2076",
    "death-certificate-extract": "2019",
    "identity-different-names": None,
    "local-tax-debts-certificate": "1998",
    "property-tax-valuation": None,
    "plot-sketch": "2027",
    "administrative-address": "2018",
    "marriage-certificate-duplicate": "2037",
    "multilingual-extract": "2000",
}


@pytest.fixture
def catalogue():
    return default_catalogue(LYASKOVETS)


def service_of(catalogue, service_id):
    return find_service(catalogue, service_id)


def test_default_catalogue_is_valid_and_versioned(catalogue):
    validate_catalogue(catalogue)
    assert catalogue["format"] == 1
    assert catalogue["version"] == 1


NOT_FROM_THE_REGISTERS = {
    # made in the cadastre or the tax software: the clerk uploads the PDF
    "plot-sketch": "attached",
    "property-tax-valuation": "attached",
    "administrative-address": "attached",
    # printed on the official forms of civil registration: collected at the office
    "birth-certificate-duplicate": "in_person",
    "marriage-certificate-duplicate": "in_person",
    "death-certificate-extract": "in_person",
    "multilingual-extract": "in_person",
}


@pytest.mark.parametrize("service_id", sorted(NOT_FROM_THE_REGISTERS))
def test_services_the_registers_cannot_answer_are_not_generated(catalogue, service_id):
    service = service_of(catalogue, service_id)
    assert service["issuance"] == NOT_FROM_THE_REGISTERS[service_id]
    if service["issuance"] == "in_person":
        assert "сградата на общината" in service["collect"]["bg"] and service["collect"]["en"]


def test_the_certificates_of_the_population_and_tax_registers_are_generated(catalogue):
    generated = {s["id"] for s in catalogue["services"] if s["issuance"] == "generated"}
    assert generated == {
        "permanent-address-certificate",
        "current-address-certificate",
        "marital-status-certificate",
        "heirs-certificate",
        "local-tax-debts-certificate",
    }


def test_the_heirs_request_asks_only_the_applicant_the_deceaseds_egn_and_the_relation(catalogue):
    fields = {f["name"]: f for f in service_of(catalogue, "heirs-certificate")["fields"]}
    assert fields["deceased_egn"]["required"] and fields["deceased_egn"]["type"] == "egn"
    assert fields["relation_to_deceased"]["required"]
    about_the_deceased = {name for name in fields if name.startswith(("deceased", "death", "heir"))}
    assert about_the_deceased == {"deceased_egn"}


def test_default_catalogue_is_a_fresh_copy_each_time(catalogue):
    catalogue["services"].clear()
    assert default_catalogue(LYASKOVETS)["services"]


@pytest.mark.parametrize("service_id", sorted(DOMAIN_SERVICES))
def test_every_service_of_the_domain_notes_is_in_the_catalogue(catalogue, service_id):
    service = service_of(catalogue, service_id)
    assert service["register_code"] == DOMAIN_SERVICES[service_id]
    if service["register_code"] is None:
        assert service["unconfirmed"] is True


@pytest.mark.parametrize("service_id", sorted(DOMAIN_SERVICES))
def test_every_service_validates_on_its_own(catalogue, service_id):
    validate_catalogue({"format": 1, "version": 1, "services": [service_of(catalogue, service_id)]})


def test_permanent_address_certificate_asks_the_official_form_fields_required_first(catalogue):
    fields = service_of(catalogue, "permanent-address-certificate")["fields"]
    required = [field["name"] for field in fields if field["required"]]
    assert required == [
        "first_name",
        "middle_name",
        "last_name",
        "egn",
        "id_document_number",
        "phone",
    ]
    by_name = {field["name"]: field for field in fields}
    assert by_name["egn"]["type"] == "egn"
    assert by_name["phone"]["type"] == "phone"
    for optional in (
        "id_document_date",
        "id_document_issuer",
        "correspondence_address",
        "email",
        "for_whom",
        "other_first_name",
        "other_egn",
        "power_of_attorney",
        "purpose",
    ):
        assert by_name[optional]["required"] is False
    assert [option["value"] for option in by_name["for_whom"]["options"]] == ["self", "other"]


def test_permanent_address_certificate_has_three_tiers_in_euro(catalogue):
    tiers = service_of(catalogue, "permanent-address-certificate")["tiers"]
    assert [(tier["id"], tier["fee_eur"], tier["deadline"]) for tier in tiers] == [
        ("ordinary", 2.56, {"hours": 72}),
        ("fast", 5.11, {"hours": 24}),
        ("express", 7.67, {"hours": 6}),
    ]


def test_fees_are_bgn_converted_at_the_fixed_rate(catalogue):
    # 20 BGN plot sketch: 20 / 1.95583 = 10.2258… → 10.23
    assert service_of(catalogue, "plot-sketch")["tiers"][0]["fee_eur"] == 10.23
    assert service_of(catalogue, "death-certificate-extract")["tiers"][0]["fee_eur"] == 0


def test_every_service_speaks_both_languages_and_says_what_to_bring(catalogue):
    for service in catalogue["services"]:
        assert service["summary"]["bg"] and service["summary"]["en"]
        assert service["bring"]["bg"] and len(service["bring"]["bg"]) == len(service["bring"]["en"])


def test_the_catalogue_file_is_plain_utf8_json_with_cyrillic_readable():
    from importlib import resources

    text = resources.files("central_api.catalogue").joinpath("services.json").read_text("utf-8")
    assert "Удостоверение за постоянен адрес" in text
    json.loads(text)


def test_summary_lists_each_service_fields_name_type_and_required(catalogue):
    summary = catalogue_summary(catalogue)
    assert [entry["id"] for entry in summary] == [s["id"] for s in catalogue["services"]]
    first = summary[0]
    assert first["id"] == "permanent-address-certificate"
    assert first["fields"][3] == {"name": "egn", "type": "egn", "required": True}
    json.dumps(summary)


def test_find_service_names_the_missing_service(catalogue):
    with pytest.raises(UnknownServiceError) as caught:
        find_service(catalogue, "fishing-licence")
    assert "fishing-licence" in caught.value.message
    assert isinstance(caught.value, SyncError)
    assert caught.value.code == "unknown_service"


# ------------------------------------------------------------------ what a broken catalogue says


def broken(catalogue, change):
    catalogue = copy.deepcopy(catalogue)
    change(catalogue)
    return catalogue


def field_named(catalogue, service_id, name):
    for field in find_service(catalogue, service_id)["fields"]:
        if field["name"] == name:
            return field
    raise KeyError(name)


BREAKAGES = {
    "unknown field type": (
        lambda c: field_named(c, "plot-sketch", "purpose").update(type="colour"),
        "plot-sketch",
        "purpose",
    ),
    "typo in a field key": (
        lambda c: field_named(c, "plot-sketch", "purpose").update(requird=True),
        "plot-sketch",
        "purpose",
    ),
    "missing english label": (
        lambda c: field_named(c, "heirs-certificate", "deceased_egn")["label"].pop("en"),
        "heirs-certificate",
        "deceased_egn",
    ),
    "choice without options": (
        lambda c: field_named(c, "permanent-address-certificate", "for_whom").pop("options"),
        "permanent-address-certificate",
        "for_whom",
    ),
    "max_length on a date": (
        lambda c: field_named(c, "marriage-certificate-duplicate", "marriage_date").update(
            max_length=3
        ),
        "marriage-certificate-duplicate",
        "marriage_date",
    ),
    "required_if naming no field": (
        lambda c: field_named(c, "permanent-address-certificate", "other_egn").update(
            required_if={"field": "nobody", "value": "other"}
        ),
        "permanent-address-certificate",
        "other_egn",
    ),
    "personal number without its kind": (
        lambda c: find_service(c, "plot-sketch")["fields"].remove(
            field_named(c, "plot-sketch", "personal_number_kind")
        ),
        "plot-sketch",
        "personal_number",
    ),
    "duplicate field": (
        lambda c: find_service(c, "plot-sketch")["fields"].append(
            copy.deepcopy(field_named(c, "plot-sketch", "phone"))
        ),
        "plot-sketch",
        "phone",
    ),
    "fee in stotinki": (
        lambda c: find_service(c, "plot-sketch")["tiers"][0].update(fee_eur=10.225),
        "plot-sketch",
        None,
    ),
    "fee as text": (
        lambda c: find_service(c, "plot-sketch")["tiers"][0].update(fee_eur="10"),
        "plot-sketch",
        None,
    ),
    "unknown tier": (
        lambda c: find_service(c, "plot-sketch")["tiers"][0].update(id="super"),
        "plot-sketch",
        None,
    ),
    "deadline of two kinds": (
        lambda c: find_service(c, "plot-sketch")["tiers"][0].update(
            deadline={"hours": 1, "working_days": 2}
        ),
        "plot-sketch",
        None,
    ),
    "null code not marked unconfirmed": (
        lambda c: find_service(c, "plot-sketch").update(register_code=None),
        "plot-sketch",
        None,
    ),
    "bring lists of different lengths": (
        lambda c: find_service(c, "plot-sketch")["bring"]["en"].pop(),
        "plot-sketch",
        None,
    ),
    "unknown issuance": (
        lambda c: find_service(c, "plot-sketch").update(issuance="printed"),
        "plot-sketch",
        None,
    ),
    "in person without where to collect": (
        lambda c: find_service(c, "birth-certificate-duplicate").pop("collect"),
        "birth-certificate-duplicate",
        None,
    ),
    "where to collect on a generated service": (
        lambda c: find_service(c, "permanent-address-certificate").update(
            collect={"bg": "Гише 1.", "en": "Desk 1."}
        ),
        "permanent-address-certificate",
        None,
    ),
    "duplicate service": (
        lambda c: c["services"].append(copy.deepcopy(c["services"][0])),
        "permanent-address-certificate",
        None,
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_catalogue_is_refused_naming_service_and_field(catalogue, breakage):
    change, service_id, field_name = BREAKAGES[breakage]
    with pytest.raises(CatalogueError) as caught:
        validate_catalogue(broken(catalogue, change))
    error = caught.value
    assert error.service_id == service_id
    assert error.field_name == field_name
    assert repr(service_id) in error.message
    if field_name:
        assert repr(field_name) in error.message
    assert "docs/catalogue.md" in error.message


@pytest.mark.parametrize(
    "top",
    [
        None,
        [],
        {"format": 2, "version": 1, "services": []},
        {"format": 1, "version": 0, "services": [{}]},
        {"format": 1, "version": 1, "services": []},
        {"format": 1, "version": 1, "services": [{}], "extra": 1},
    ],
)
def test_a_catalogue_of_the_wrong_shape_is_refused(top):
    with pytest.raises(CatalogueError):
        validate_catalogue(top)


def test_catalogue_module_is_exported_as_documented():
    import sync.catalogue

    assert set(sync.catalogue.__all__) == {
        "FORMAT_VERSION",
        "FIELD_TYPES",
        "TIER_IDS",
        "ISSUANCE_KINDS",
        "CatalogueError",
        "UnknownServiceError",
        "FieldProblem",
        "FormChecker",
        "validate_catalogue",
        "find_service",
        "validate_field",
        "validate_fields",
        "normalize_field",
        "normalize_fields",
        "tier_fee_cents",
        "describe_service",
    }


def test_the_docs_describe_every_field_type_and_every_service(catalogue):
    import pathlib

    from sync.catalogue import FIELD_TYPES

    docs = (pathlib.Path(__file__).resolve().parent.parent / "docs" / "catalogue.md").read_text(
        encoding="utf-8"
    )
    for field_type in FIELD_TYPES:
        assert f"| `{field_type}` |" in docs, field_type
    for service in catalogue["services"]:
        assert f"| {service['id']} |" in docs, service["id"]
