"""The catalogue as data: the shipped services, and what validate_catalogue refuses."""

import copy
import datetime as dt
import json

import pytest

from central_api.catalogue import catalogue_summary, default_catalogue
from sync.catalogue import (
    CatalogueError,
    UnknownServiceError,
    find_guide,
    find_service,
    guides_of,
    validate_catalogue,
    validate_fields,
)
from sync.deadlines import service_due_date
from sync.errors import SyncError
from tests.fixtures_central import LYASKOVETS

DOMAIN_SERVICES = {
    "permanent-address-certificate": "2128",
    "current-address-certificate": "1997",
    "marital-status-certificate": None,
    "heirs-certificate": "2016",
    "birth-certificate-duplicate": "2076",
    "death-certificate-extract-repeat": "2034",
    "identity-different-names": None,
    "local-tax-debts-certificate": "1998",
    "property-tax-valuation": None,
    "plot-sketch": "2027",
    "administrative-address": "2018",
    "marriage-certificate-duplicate": "2037",
    "multilingual-extract": "2000",
    # added from issue 15: what villagers most often need
    "children-born-to-mother-certificate": None,
    "property-declaration": None,
    "inheritance-declaration": None,
    "animal-ownership-certificate": None,
}


@pytest.fixture
def catalogue():
    return default_catalogue(LYASKOVETS)


def service_of(catalogue, service_id):
    return find_service(catalogue, service_id)


def fields_of(catalogue, service_id):
    return {field["name"]: field for field in service_of(catalogue, service_id)["fields"]}


def test_default_catalogue_is_valid_and_versioned(catalogue):
    validate_catalogue(catalogue)
    assert catalogue["format"] == 2
    assert catalogue["version"] == 1


HOW_ISSUED = {
    # written by central from the population and tax registers
    "permanent-address-certificate": "generated",
    "current-address-certificate": "generated",
    "marital-status-certificate": "generated",
    "heirs-certificate": "generated",
    "children-born-to-mother-certificate": "generated",
    "local-tax-debts-certificate": "generated",
    # made in the cadastre, the tax software or the civil-status files: the clerk uploads it
    "plot-sketch": "attached",
    "property-tax-valuation": "attached",
    "administrative-address": "attached",
    "identity-different-names": "attached",
    # printed on the official forms of civil registration, or by the mayor from the animals
    "birth-certificate-duplicate": "in_person",
    "marriage-certificate-duplicate": "in_person",
    "death-certificate-extract-repeat": "in_person",
    "multilingual-extract": "in_person",
    "animal-ownership-certificate": "in_person",
    # the villager's own declarations: filed, nothing issued
    "property-declaration": "filed",
    "inheritance-declaration": "filed",
}
# Who issues: a village mayoralty only what a mayoralty may issue (population-register
# certificates, the animals of its settlement); property, tax, planning and the civil-status
# desk are the municipal centre's.
ISSUED_BY = {
    "mayoralty": {
        "permanent-address-certificate",
        "current-address-certificate",
        "marital-status-certificate",
        "heirs-certificate",
        "children-born-to-mother-certificate",
        "identity-different-names",
        "animal-ownership-certificate",
    },
    "municipal_centre": {
        "local-tax-debts-certificate",
        "property-tax-valuation",
        "plot-sketch",
        "administrative-address",
        "birth-certificate-duplicate",
        "marriage-certificate-duplicate",
        "death-certificate-extract-repeat",
        "multilingual-extract",
        "property-declaration",
        "inheritance-declaration",
    },
}


def test_every_service_says_how_it_is_issued(catalogue):
    assert {s["id"]: s["issuance"] for s in catalogue["services"]} == HOW_ISSUED


def test_every_service_names_its_authority_its_official_name_and_its_legal_basis(catalogue):
    by_level = {}
    for service in catalogue["services"]:
        by_level.setdefault(service["authority"]["level"], set()).add(service["id"])
        assert service["authority"]["name"]["bg"] and service["authority"]["name"]["en"]
        assert service["official_name"]["bg"].startswith(("Издаване", "Приемане", "Удостоверение"))
        # an article and an act, or the act with the article marked as not confirmed
        basis = service["legal_basis"]["bg"]
        assert "чл." in basis or "legal_basis" in service.get("unconfirmed", []), service["id"]
        assert "Закон" in basis or "кодекс" in basis.lower() or "ДОПК" in basis, service["id"]
    assert by_level == ISSUED_BY


def test_the_municipal_centre_services_travel_there_or_are_collected_there(catalogue):
    for service in catalogue["services"]:
        if service["authority"]["level"] == "municipal_centre" and service["issuance"] in (
            "in_person",
            "filed",
        ):
            assert service["collect"]["bg"] and service["collect"]["en"]


@pytest.mark.parametrize(
    "service_id", sorted(s for s, how in HOW_ISSUED.items() if how == "in_person")
)
def test_in_person_services_say_where_to_collect(catalogue, service_id):
    collect = service_of(catalogue, service_id)["collect"]
    assert ("сградата на общината" in collect["bg"] or "кметството" in collect["bg"]) and collect[
        "en"
    ]


def test_the_first_death_extract_is_no_request_but_a_guide_for_relatives(catalogue):
    with pytest.raises(UnknownServiceError):
        find_service(catalogue, "death-certificate-extract")
    guide = find_guide(catalogue, "relative-died")
    assert guide["name"]["bg"].startswith("Почина близък човек")
    assert any("първото препис-извлечение безплатно" in step for step in guide["steps"]["bg"])
    assert len(guide["steps"]["bg"]) == len(guide["steps"]["en"])
    assert guide["services"] == [
        "heirs-certificate",
        "inheritance-declaration",
        "death-certificate-extract-repeat",
    ]
    assert guide["unconfirmed"] == ["steps"]
    with pytest.raises(UnknownServiceError):
        find_service(catalogue, "relative-died")  # a guide takes no request
    assert [g["id"] for g in guides_of(catalogue)] == ["relative-died"]


def test_the_heirs_request_asks_the_deceaseds_egn_the_relation_and_who_asks(catalogue):
    fields = fields_of(catalogue, "heirs-certificate")
    assert list(fields)[:2] == ["deceased_egn", "relation_to_deceased"]
    assert fields["deceased_egn"]["required"] and fields["deceased_egn"]["type"] == "egn"
    assert fields["relation_to_deceased"]["required"]
    about_the_deceased = {name for name in fields if name.startswith(("deceased", "death", "heir"))}
    assert about_the_deceased == {"deceased_egn"}
    assert "for_whom" not in fields


def test_the_inheritance_declaration_is_filed_within_six_months_of_a_death(catalogue):
    service = service_of(catalogue, "inheritance-declaration")
    assert "чл. 32" in service["legal_basis"]["bg"] and "ЗМДТ" in service["legal_basis"]["en"]
    assert "6 месеца" in service["summary"]["bg"]
    assert {"deceased_egn", "relation_to_deceased"} <= set(fields_of(catalogue, service["id"]))
    assert service["tiers"][0]["fee_eur"] == 0
    declaration = service_of(catalogue, "property-declaration")
    assert "чл. 14" in declaration["legal_basis"]["bg"]
    assert fields_of(catalogue, "property-declaration")["acquired_on"]["not_future"] is True


def test_the_animals_certificate_asks_which_animals_and_how_many(catalogue):
    fields = fields_of(catalogue, "animal-ownership-certificate")
    assert fields["animal_kind"]["required"] and fields["animal_count"]["min"] == 1
    assert fields["ear_tags"]["required"] is False


def test_the_children_certificate_is_written_from_the_register(catalogue):
    service = service_of(catalogue, "children-born-to-mother-certificate")
    assert service["issuance"] == "generated"
    assert "пенсия" in service["summary"]["bg"]
    assert "register_code" in service["unconfirmed"]


def test_default_catalogue_is_a_fresh_copy_each_time(catalogue):
    catalogue["services"].clear()
    assert default_catalogue(LYASKOVETS)["services"]


@pytest.mark.parametrize("service_id", sorted(DOMAIN_SERVICES))
def test_every_service_of_the_domain_notes_is_in_the_catalogue(catalogue, service_id):
    service = service_of(catalogue, service_id)
    assert service["register_code"] == DOMAIN_SERVICES[service_id]
    if service["register_code"] is None:
        assert "register_code" in service["unconfirmed"]


@pytest.mark.parametrize("service_id", sorted(DOMAIN_SERVICES))
def test_every_service_validates_on_its_own(catalogue, service_id):
    validate_catalogue({"format": 2, "version": 1, "services": [service_of(catalogue, service_id)]})


def test_ones_own_address_certificate_asks_who_it_is_for_and_the_number_only(catalogue):
    fields = service_of(catalogue, "permanent-address-certificate")["fields"]
    required = [field["name"] for field in fields if field["required"]]
    assert required == ["personal_number_kind", "personal_number"]
    # asked first; not answered means "for me"
    assert fields[0]["name"] == "for_whom" and not fields[0]["required"]
    by_name = {field["name"]: field for field in fields}
    assert by_name["personal_number"]["type"] == "personal_number"
    assert [o["value"] for o in by_name["personal_number_kind"]["options"]] == [
        "egn",
        "lnch",
        "birth_date",
    ]
    for by_names in ("first_name", "middle_name", "last_name", "birth_date"):
        assert by_name[by_names]["required_if"] == {
            "field": "personal_number_kind",
            "value": "birth_date",
        }
    # the other person: their number only, the register has the rest
    assert {n for n in by_name if n.startswith("other_")} == {
        "other_personal_number_kind",
        "other_personal_number",
    }
    assert [o["value"] for o in by_name["for_whom"]["options"]] == ["self", "other"]


def test_no_service_asks_the_identity_card_or_a_required_contact(catalogue):
    for service in catalogue["services"]:
        names = [field["name"] for field in service["fields"]]
        assert not any(name.startswith("id_document") for name in names), service["id"]
        assert not {"correspondence_address", "power_of_attorney", "co_owners"} & set(names)
        # phone and e-mail: optional, asked once, at the end, saying what for
        contact = [field for field in service["fields"] if field["group"] == "contact"]
        assert [field["name"] for field in contact] == ["phone", "email"], service["id"]
        assert service["fields"][-2:] == contact
        assert all(not field["required"] and "Само" in field["help"]["bg"] for field in contact)


def test_no_third_persons_names_or_egn_typed_where_the_register_holds_them(catalogue):
    for service in catalogue["services"]:
        names = {field["name"] for field in service["fields"]}
        assert not {
            n for n in names if n.startswith(("spouse_", "heir", "other_first", "other_egn"))
        }
        assert not {"deceased_first_name", "deceased_death_date", "act_number"} & names


def test_ones_own_certificate_accepts_an_lnch(catalogue):
    for service_id in ("permanent-address-certificate", "current-address-certificate"):
        fields = service_of(catalogue, service_id)["fields"]
        answers = {
            "for_whom": "self",
            "personal_number_kind": "lnch",
            "personal_number": "1000000001",
        }
        assert validate_fields(service_of(catalogue, service_id), answers) == [], fields


def test_no_tier_promises_what_synchronisation_cannot_keep(catalogue):
    for service in catalogue["services"]:
        for tier in service["tiers"]:
            ((kind, amount),) = tier["deadline"].items()
            assert kind in ("working_days", "calendar_days", "hours"), service["id"]
            assert amount >= (24 if kind == "hours" else 1), service["id"]


def test_permanent_address_certificate_has_two_tiers_in_euro(catalogue):
    tiers = service_of(catalogue, "permanent-address-certificate")["tiers"]
    assert [(tier["id"], tier["fee_eur"], tier["deadline"]) for tier in tiers] == [
        ("ordinary", 2.56, {"hours": 72}),
        ("fast", 5.11, {"hours": 24}),
    ]


def test_the_tax_certificate_is_due_in_seven_calendar_days(catalogue):
    (tier,) = service_of(catalogue, "local-tax-debts-certificate")["tiers"]
    assert tier["deadline"] == {"calendar_days": 7}
    # made on Monday 1 June 2026: due Monday 8 June (7 days on; working days would be 10 June)
    assert service_due_date(
        service_of(catalogue, "local-tax-debts-certificate"),
        "ordinary",
        dt.datetime(2026, 6, 1, 10),
    ) == dt.date(2026, 6, 8)


def test_fees_are_bgn_converted_at_the_fixed_rate_and_each_says_where_it_comes_from(catalogue):
    # 20 BGN plot sketch: 20 / 1.95583 = 10.2258… → 10.23
    assert service_of(catalogue, "plot-sketch")["tiers"][0]["fee_eur"] == 10.23
    assert service_of(catalogue, "inheritance-declaration")["tiers"][0]["fee_eur"] == 0
    for service in catalogue["services"]:
        for tier in service["tiers"]:
            assert len(tier["fee_source"]) > 20, service["id"]
            if "fee" in service.get("unconfirmed", []):
                assert "ordinance" in tier["fee_source"] or "Unconfirmed" in tier["fee_source"]


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
    assert first["fields"][2] == {
        "name": "personal_number",
        "type": "personal_number",
        "required": True,
    }
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
        lambda c: field_named(c, "plot-sketch", "property_address").update(type="colour"),
        "plot-sketch",
        "property_address",
    ),
    "typo in a field key": (
        lambda c: field_named(c, "plot-sketch", "property_address").update(requird=True),
        "plot-sketch",
        "property_address",
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
        lambda c: field_named(c, "property-declaration", "acquired_on").update(max_length=3),
        "property-declaration",
        "acquired_on",
    ),
    "required_if naming no field": (
        lambda c: field_named(c, "permanent-address-certificate", "other_personal_number").update(
            required_if={"field": "nobody", "value": "other"}
        ),
        "permanent-address-certificate",
        "other_personal_number",
    ),
    "by birth date without the names": (
        lambda c: find_service(c, "current-address-certificate")["fields"].remove(
            field_named(c, "current-address-certificate", "birth_date")
        ),
        "current-address-certificate",
        "personal_number",
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
    "a tier of six hours": (
        lambda c: find_service(c, "plot-sketch")["tiers"][0].update(deadline={"hours": 6}),
        "plot-sketch",
        None,
    ),
    "a tier of immediately": (
        lambda c: find_service(c, "plot-sketch")["tiers"][0].update(deadline={"immediate": True}),
        "plot-sketch",
        None,
    ),
    "a fee without its source": (
        lambda c: find_service(c, "plot-sketch")["tiers"][0].update(fee_source=" "),
        "plot-sketch",
        None,
    ),
    "no legal basis": (
        lambda c: find_service(c, "plot-sketch").pop("legal_basis"),
        "plot-sketch",
        None,
    ),
    "an authority of no known level": (
        lambda c: find_service(c, "plot-sketch")["authority"].update(level="province"),
        "plot-sketch",
        None,
    ),
    "an unconfirmed fact of no known kind": (
        lambda c: find_service(c, "plot-sketch").update(unconfirmed=["colour"]),
        "plot-sketch",
        None,
    ),
    "a declaration without what happens to it": (
        lambda c: find_service(c, "property-declaration").pop("collect"),
        "property-declaration",
        None,
    ),
    "a guide pointing to no service": (
        lambda c: c["guides"][0]["services"].append("fishing-licence"),
        "relative-died",
        None,
    ),
    "a guide named like a service": (
        lambda c: c["guides"][0].update(id="heirs-certificate"),
        "heirs-certificate",
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
        lambda c: find_service(c, "plot-sketch").update(register_code=None, unconfirmed=[]),
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
        {"format": 1, "version": 1, "services": []},
        {"format": 2, "version": 0, "services": [{}]},
        {"format": 2, "version": 1, "services": []},
        {"format": 2, "version": 1, "services": [{}], "extra": 1},
        {"format": 2, "version": 1, "services": [{}], "guides": {}},
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
        "AUTHORITY_LEVELS",
        "UNCONFIRMABLE",
        "CatalogueError",
        "UnknownServiceError",
        "FieldProblem",
        "FormChecker",
        "validate_catalogue",
        "find_service",
        "find_guide",
        "guides_of",
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


def test_the_demos_mayors_sign_only_what_a_mayoralty_may_issue(catalogue):
    from deploy.demo_data import OFFICIALS

    mayoralty = {s["id"] for s in catalogue["services"] if s["authority"]["level"] == "mayoralty"}
    for user, _names, title, _order, services in OFFICIALS:
        if user.startswith("mayor-"):
            assert set(services.split(",")) == mayoralty, title
