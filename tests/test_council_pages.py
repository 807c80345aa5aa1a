"""The council's pages through Flask's test client: who may open what, the acts, public pages."""

from __future__ import annotations

import pytest

from tests.fixtures_council import PASSWORD


@pytest.fixture
def signed_in(central_app, council_with_users):
    def sign_in(user: str):
        client = central_app.test_client()
        answer = client.post("/office/sign-in", data={"name": user, "password": PASSWORD})
        assert answer.status_code == 302, answer.text
        return client, answer.headers["Location"]

    central_app.config["WTF_CSRF_ENABLED"] = False
    return sign_in


def test_each_council_role_lands_on_its_own_page(signed_in):
    assert signed_in("councillor02")[1].endswith("/office/council/tablet")
    assert signed_in("chair")[1].endswith("/office/council/chair")
    assert signed_in("secretary")[1].endswith("/office/council/secretary")


def test_a_councillor_registers_votes_and_sees_their_vote_while_the_tally_stays_hidden(
    signed_in, council_with_users
):
    council = council_with_users
    chair, _ = signed_in("chair")
    tablet, _ = signed_in("councillor02")
    state = tablet.get("/office/council/state").get_json()
    assert state["me"]["present"] is False and state["session"]["status"] == "open"
    assert (
        tablet.post("/office/council/present", json={"session": council.session_id}).status_code
        == 200
    )
    item = council.items["ordinary"]
    assert chair.post("/office/council/vote/open", json={"item": item}).status_code == 200
    assert (
        tablet.post("/office/council/vote", json={"item": item, "choice": "for"}).status_code == 200
    )
    again = tablet.post("/office/council/vote", json={"item": item, "choice": "against"})
    assert again.status_code == 409 and "already voted" in again.get_json()["message"]
    mine = tablet.get("/office/council/state").get_json()
    assert mine["me"]["choice"] == "for" and mine["current"]["voted_count"] == 1
    assert mine["current"]["result"] is None  # nobody sees a tally before the close
    version = mine["version"]
    assert tablet.get(f"/office/council/state?since={version}").status_code == 204


def test_a_councillor_cannot_open_a_vote_nor_the_chairs_page(signed_in, council_with_users):
    tablet, _ = signed_in("councillor03")
    item = council_with_users.items["ordinary"]
    assert tablet.post("/office/council/vote/open", json={"item": item}).status_code == 403
    assert tablet.get("/office/council/chair").status_code == 403
    assert tablet.get("/office/queue").status_code == 403


def test_the_hall_pages_need_a_sign_in_but_the_public_ones_do_not(central_app, council_with_users):
    client = central_app.test_client()
    assert client.get("/office/council/tablet").status_code == 302
    assert client.get("/council/hall").status_code == 200
    assert client.get("/council/").status_code == 200
    assert client.get(f"/council/sessions/{council_with_users.session_id}").status_code == 200
    assert client.get("/council/hall/state").get_json()["total"] == 17


def test_the_secretary_sees_the_villagers_comments_on_a_draft(signed_in, council_with_users):
    from central_api.council.consultation import add_comment
    from central_api.council.sessions import add_item

    with council_with_users.write() as conn:
        draft = add_item(
            conn,
            council_with_users.session_id,
            title="Наредба за обществения ред",
            proposer="Кмет на общината",
            draft_decision="Чл. 1. Тишина между 14 и 16 ч.",
            basis_key="ordinance",
            actor="x",
            under_consultation_from="2026-11-20",
        )
        add_comment(
            conn,
            record_id="r-1",
            item_id=draft["id"],
            text="Тишината да е до 15 ч.",
            author_name="Пенка Колева",
            kiosk_id="merdanya-1",
            village="merdanya",
            written_at="2026-11-25T10:00:00Z",
        )
    secretary, _ = signed_in("secretary")
    page = secretary.get("/office/council/secretary").get_data(as_text=True)
    assert "Comments from the kiosks (1)" in page and "Тишината да е до 15 ч." in page


def test_a_refused_form_brings_the_secretary_back_to_her_page_with_the_reason(
    signed_in, council_with_users
):
    secretary, _ = signed_in("secretary")
    answer = secretary.post(
        "/office/council/secretary/session",
        data={"number": "7", "starts_at": "2026-12-17T09:00", "place": "Зала"},
        follow_redirects=True,
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Session number 7 already exists" in page
