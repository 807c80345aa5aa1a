"""The OParl 1.1 API: every object carries the properties the specification requires.

The required lists are copied from the specification's JSON schemas (OParl/spec, tag v1.1.1,
schema/<Type>.json, "required"); list pages follow its section "Objektlisten und Paginierung":
``data``, ``pagination``, ``links``, and ``links.next`` on every page but the last.
"""

from __future__ import annotations

import pytest

from central_api.council.voting import close_vote, open_vote
from tests.fixtures_council import CHAIR

SCHEMA = "https://schema.oparl.org/1.1/"
REQUIRED = {
    "System": ["id", "type", "oparlVersion", "body"],
    "Body": ["id", "type", "name", "organization", "person", "meeting", "paper", "legislativeTerm"],
    "LegislativeTerm": ["id", "type"],
    "Organization": ["id", "type"],
    "Person": ["id", "type"],
    "Membership": ["id", "type"],
    "Meeting": ["id", "type"],
    "AgendaItem": ["id", "type", "order"],
    "Paper": ["id", "type"],
    "File": ["id", "type", "accessUrl"],
    "Location": ["id", "type"],
}
PAPER = b"%PDF-1.4\n% a report and a draft decision\n%%EOF\n"


def check(obj: dict, kind: str) -> dict:
    assert obj["type"] == SCHEMA + kind
    missing = [name for name in REQUIRED[kind] if name not in obj]
    assert missing == [], f"{kind} lacks {missing}"
    return obj


def get(client, url: str) -> dict:
    path = url.replace("http://localhost", "")
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.text)
    assert answer.mimetype == "application/json"
    return answer.get_json()


def every_page(client, url: str) -> list[dict]:
    """Follow ``links.next`` from the first page to the last."""
    objects, pages = [], 0
    while url and pages < 20:
        page = get(client, url)
        assert {"data", "pagination", "links"} <= set(page)
        objects += page["data"]
        pages += 1
        last = page["pagination"]["currentPage"] == page["pagination"]["totalPages"]
        assert last or "next" in page["links"]
        url = page["links"].get("next")
    return objects


@pytest.fixture
def voted_council(council):
    from central_api.council.sessions import attach_paper

    council.register(*range(12))
    with council.write() as conn:
        attach_paper(conn, council.items["budget"], PAPER, "budget-2027.pdf", "x")
        open_vote(conn, council.items["budget"], CHAIR)
    for index in range(10):
        council.vote(index, "budget", "for")
    council.vote(10, "budget", "against")
    with council.write() as conn:
        close_vote(conn, council.items["budget"], CHAIR)
    return council


def test_the_entry_point_leads_to_every_object_with_its_required_properties(
    central_app, central_client, voted_council
):
    central_app.config["OPARL_PAGE_SIZE"] = 5  # 17 people: four pages
    system = check(get(central_client, "/oparl/v1/system"), "System")
    assert system["oparlVersion"] == SCHEMA
    (body,) = every_page(central_client, system["body"])
    check(body, "Body")
    assert check(get(central_client, body["id"]), "Body")["name"] == body["name"]
    for term in body["legislativeTerm"]:
        check(term, "LegislativeTerm")
    organizations = [
        check(o, "Organization") for o in every_page(central_client, body["organization"])
    ]
    assert len(organizations) == 1 + 3  # the council and its three groups
    people = [check(p, "Person") for p in every_page(central_client, body["person"])]
    assert len(people) == 17 and len({p["id"] for p in people}) == 17
    for membership in people[0]["membership"]:
        check(membership, "Membership")
        assert check(get(central_client, membership["id"]), "Membership") == membership
    meetings = [check(m, "Meeting") for m in every_page(central_client, body["meeting"])]
    check(meetings[0]["location"], "Location")
    items = [check(i, "AgendaItem") for i in meetings[0]["agendaItem"]]
    assert [i["order"] for i in items] == [1, 2, 3]
    papers = [check(p, "Paper") for p in every_page(central_client, body["paper"])]
    with_file = [p for p in papers if "mainFile" in p]
    assert len(with_file) == 1
    file = check(get(central_client, with_file[0]["mainFile"]["id"]), "File")
    pdf = central_client.get(file["accessUrl"].replace("http://localhost", ""))
    assert pdf.data == PAPER


def test_each_councillors_vote_is_in_the_vote_extension_of_the_agenda_item(
    central_client, voted_council
):
    item = get(central_client, f"/oparl/v1/agenda-item/{voted_council.items['budget']}")
    vote = check(item, "AgendaItem")["vic:vote"]
    assert (vote["for"], vote["against"], vote["rule"], vote["kind"]) == (
        10,
        1,
        "absolute",
        "named",
    )
    assert vote["passed"] is True and vote["legalBasis"].startswith("чл. 21")
    choices = {v["person"].rsplit("/", 1)[1]: v["choice"] for v in vote["votes"]}
    members = voted_council.members
    assert choices[str(members[0]["id"])] == "for"
    assert choices[str(members[10]["id"])] == "against"
    assert choices[str(members[11]["id"])] == "did_not_vote"
    assert choices[str(members[16]["id"])] == "absent"
    assert "vic:vote" not in get(
        central_client, f"/oparl/v1/agenda-item/{voted_council.items['ordinary']}"
    )


def test_an_unknown_object_is_a_404_in_json(central_client, council):
    answer = central_client.get("/oparl/v1/person/9999")
    assert answer.status_code == 404 and answer.get_json()["error"] == "council_not_found"


def test_the_lists_take_the_created_and_modified_filters(central_client, council):
    everyone = get(central_client, "/oparl/v1/body/council/people")
    assert everyone["pagination"]["totalElements"] == 17
    assert all("created" in person for person in everyone["data"])
    none = get(central_client, "/oparl/v1/body/council/people?created_since=2999-01-01T00:00:00Z")
    assert none["data"] == [] and none["pagination"]["totalElements"] == 0
    since = get(central_client, "/oparl/v1/body/council/people?created_until=2999-01-01T00:00:00Z")
    assert since["pagination"]["totalElements"] == 17
    assert "created_until=2999" in since["links"]["self"]
    zoned = get(
        central_client,
        "/oparl/v1/body/council/people?created_since=2000-01-01T00%3A00%3A00%2B02%3A00",
    )
    assert zoned["pagination"]["totalElements"] == 17
    assert (
        central_client.get("/oparl/v1/body/council/people?created_since=yesterday").status_code
        == 400
    )
