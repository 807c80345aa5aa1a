"""A bundle applied at once (the fast path) gives every record the outcome the one-by-one path
would: applied, duplicate or quarantined with its reason, and nothing is stored twice."""

import json

import sync
from central_api import create_app


def post(central_client, kiosk, records):
    answer = central_client.post(
        "/api/v1/bundles",
        data=kiosk.bundle(records),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return sync.open_receipt(answer.get_data(), kiosk.keyring()).record_results


def listed(central_cli):
    return json.loads(central_cli("requests", "list", "--json").stdout)


def test_a_mixed_bundle_gets_one_honest_result_per_record(central_client, central_cli, sim_kiosk):
    good = sim_kiosk.submitted()
    bad_egn = sim_kiosk.submitted(
        fields={
            "first_name": "Иван",
            "middle_name": "Петров",
            "last_name": "Димитров",
            "personal_number_kind": "egn",
            "personal_number": "7523169264",
            "phone": "0888123456",
        }
    )
    same_reference = sim_kiosk.submitted(reference=good["body"]["reference"])
    printed_too_early = sim_kiosk.record(
        "request.printed", {"reference": good["body"]["reference"], "reprint": False}
    )
    after = sim_kiosk.submitted()
    results = post(
        central_client, sim_kiosk, [good, bad_egn, good, same_reference, printed_too_early, after]
    )

    assert [r["status"] for r in results] == [
        "applied",
        "quarantined",
        "duplicate",
        "quarantined",
        "quarantined",
        "applied",
    ]
    assert "personal_number" in results[1]["reason"]
    assert "already taken" in results[3]["reason"]
    references = [row["reference"] for row in listed(central_cli)]
    assert sorted(references) == sorted([good["body"]["reference"], after["body"]["reference"]])


def test_a_thousand_requests_arrive_once_each_even_when_resent_in_a_new_bundle(
    central_client, central_cli, sim_kiosk
):
    records = [sim_kiosk.submitted() for _ in range(1000)]
    first = post(central_client, sim_kiosk, records)
    assert {r["status"] for r in first} == {"applied"}
    # The same records in a later bundle (a kiosk that lost its receipt and resealed them).
    again = post(central_client, sim_kiosk, records[:10])
    assert {r["status"] for r in again} == {"duplicate"}
    assert len(listed(central_cli)) == 1000


def test_each_arrival_is_in_the_requests_history(central_config, central_client, sim_kiosk):
    post(central_client, sim_kiosk, [sim_kiosk.submitted() for _ in range(3)])
    from sqlalchemy import func, select

    from central_api import central_of
    from central_api.db.schema import request_events

    app = create_app(dict(central_config))
    with central_of(app).engine.connect() as conn:
        arrivals = conn.execute(
            select(func.count())
            .select_from(request_events)
            .where(request_events.c.to_status == "received", request_events.c.via == "kiosk")
        ).scalar()
    central_of(app).dispose()
    assert arrivals == 3


def test_a_later_bundle_mixing_old_records_and_taken_references_answers_each_one(
    central_client, central_cli, sim_kiosk
):
    old = sim_kiosk.submitted()
    post(central_client, sim_kiosk, [old])
    taken = sim_kiosk.submitted(reference=old["body"]["reference"])  # new id, old reference
    fresh = [sim_kiosk.submitted() for _ in range(5)]
    results = post(central_client, sim_kiosk, [fresh[0], old, taken, *fresh[1:]])

    assert [r["status"] for r in results] == [
        "applied",
        "duplicate",
        "quarantined",
        "applied",
        "applied",
        "applied",
        "applied",
    ]
    assert "already taken" in results[2]["reason"]
    assert len(listed(central_cli)) == 6


def test_a_record_applied_before_stays_a_duplicate_even_if_it_would_be_refused_now(
    central_client, central_cli, sim_kiosk
):
    record = sim_kiosk.submitted()
    post(central_client, sim_kiosk, [record])
    resent = json.loads(json.dumps(record))
    resent["body"]["fields"]["personal_number"] = "7523169264"  # refused now
    results = post(central_client, sim_kiosk, [resent, sim_kiosk.submitted()])
    assert [r["status"] for r in results] == ["duplicate", "applied"]
    assert len(listed(central_cli)) == 2


def test_every_arrival_event_belongs_to_its_own_request(central_config, central_client, sim_kiosk):
    records = [sim_kiosk.submitted() for _ in range(200)]
    post(central_client, sim_kiosk, records[:50])
    post(central_client, sim_kiosk, records[50:])
    from sqlalchemy import select

    from central_api import central_of
    from central_api.db.schema import request_events, requests

    app = create_app(dict(central_config))
    with central_of(app).engine.connect() as conn:
        pairs = dict(
            conn.execute(
                select(requests.c.reference, request_events.c.record_id).join(
                    request_events, request_events.c.request_id == requests.c.id
                )
            ).all()
        )
    central_of(app).dispose()
    assert pairs == {record["body"]["reference"]: record["id"] for record in records}


def test_the_fast_and_the_careful_path_record_the_same_arrival(
    central_config, central_client, sim_kiosk
):
    fast = sim_kiosk.submitted()
    post(central_client, sim_kiosk, [fast])
    careful = sim_kiosk.submitted()
    # An old record in the run sends the whole run down the one-by-one path.
    assert [r["status"] for r in post(central_client, sim_kiosk, [careful, fast])] == [
        "applied",
        "duplicate",
    ]
    from sqlalchemy import select

    from central_api import central_of
    from central_api.db.schema import request_events

    app = create_app(dict(central_config))
    with central_of(app).engine.connect() as conn:
        events = {
            row.record_id: row._asdict() for row in conn.execute(select(request_events)).all()
        }
    central_of(app).dispose()
    ignored = {"id", "request_id", "record_id", "at"}
    shape = [
        {k: v for k, v in events[r["id"]].items() if k not in ignored} for r in (fast, careful)
    ]
    assert shape[0] == shape[1]
    assert shape[0]["to_status"] == "received" and shape[0]["via"] == "kiosk"
