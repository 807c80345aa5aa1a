"""A council decision and a consultation comment travelling between central and a kiosk, with
real processes: a real ``central-api serve`` on loopback and the real ``kiosk-app`` commands.
Central's side (init, the demo council, the invite, publishing) runs the same ``central-api``
commands in process, and the kiosk enrolls in process: the set-up, not what is proved here."""

from __future__ import annotations

import json

import pytest
import requests

from kiosk_app.config import KioskConfig
from kiosk_app.enrollment import enroll
from tests.fixtures_central import LYASKOVETS_PROFILE, CentralCli
from tests.test_end_to_end import Network

DATA = "deploy/council-demo.toml"


@pytest.fixture
def council_network(tmp_path):
    net = Network(tmp_path)
    central = CentralCli({"CENTRAL_HOME": str(net.central_home), "DATABASE_URL": None})
    try:
        central("init", "--municipality", str(LYASKOVETS_PROFILE))
        central("council", "demo", "--data", DATA, "--password-stdin", input="demo-pass-1\n")
        token = central("kiosk", "invite", "merdanya").stdout.strip().splitlines()[-1]
        net.start_central()
        enroll(KioskConfig(home=net.kiosk_home), net.url, token)
        yield net, central
    finally:
        net.stop_central()


def test_decisions_and_a_draft_reach_the_kiosk_and_a_villagers_comment_comes_back(
    council_network,
):
    net, central = council_network
    assert "council_decision" in central("council", "publish", "12").stdout
    assert "council_consultation" in central("council", "publish", "13").stdout
    assert "none new" in central("council", "publish", "12").stdout  # nothing twice
    net.kiosk("sync")
    board = json.loads(net.kiosk("notices", "--json").stdout)
    kinds = sorted(n["kind"] for n in board)
    assert kinds == ["council_agenda", "council_consultation"] + ["council_decision"] * 3
    budget = next(n for n in board if "Бюджет на общината" in n["title"]["bg"])
    assert budget["title"]["bg"].startswith("Решение № 1/2026")
    assert "„за“ 12, „против“ 3" in budget["body"]["bg"]
    assert budget["pdf"].endswith(".pdf")  # the signed decision, kept beside the store
    draft = next(n for n in board if n["kind"] == "council_consultation")
    # A decision takes no comments; the draft does, with a name or without.
    refused = net.kiosk("comment", budget["id"], "--text", "Браво", ok=False)
    assert refused.returncode != 0 and "not a draft under public consultation" in refused.stderr
    net.kiosk("comment", draft["id"], "--text", "Тишината следобед да е до 15:00 ч.", "--name",
              "Пенка Колева")  # fmt: skip
    net.kiosk("comment", draft["id"], "--text", "Кучетата без повод да се глобяват.")
    net.kiosk("sync")
    item_id = draft_item_id(net)
    page = requests.get(f"{net.url}/council/items/{item_id}", timeout=10).text
    assert "Тишината следобед да е до 15:00 ч." in page and "Пенка Колева" in page
    assert "Кучетата без повод да се глобяват." in page and "Без име / Anonymous" in page
    assert "Мерданя" in page or "merdanya" in page


def draft_item_id(net: Network) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{net.central_home / 'central.db'}")
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT id FROM council_items WHERE consultation_until IS NOT NULL")
            ).scalar_one()
    finally:
        engine.dispose()
