"""The first whole path, with real processes: a real `central-api serve` on loopback and the real
`kiosk-app` command line, over HTTP and over files carried on a "USB stick"."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.fixtures_central import LYASKOVETS_PROFILE, OFFICIAL_ARGS
from tests.fixtures_registers import write_register_files

BIN = Path(sys.executable).parent
REQUIRED_FIELDS = {
    "first_name": "Иванка",
    "middle_name": "Петрова",
    "last_name": "Колева",
    "personal_number_kind": "egn",
    "personal_number": "7523169263",
    "phone": "0888123456",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Network:
    """Runs the two command lines with their own homes, like two machines would. One central
    serves the whole module; each test enrolls its own kiosk (``kiosk_home``, ``kiosk_id``)."""

    def __init__(self, root: Path):
        self.central_home = root / "central"
        self.kiosk_home = root / "kiosk"
        self.kiosk_id = ""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None
        self.log = root / "central.log"

    def _env(self, **extra):
        env = dict(os.environ, CENTRAL_HOME=str(self.central_home), KIOSK_HOME=str(self.kiosk_home))
        env.pop("DATABASE_URL", None)
        env.pop("KIOSK_PRINTER", None)
        env.update(extra)
        return env

    def run(self, program: str, *args: str, ok: bool = True, stdin: str | None = None, **env):
        result = subprocess.run(
            [str(BIN / program), *args],
            capture_output=True,
            text=True,
            input=stdin,
            env=self._env(**env),
            timeout=120,
        )
        if ok:
            assert result.returncode == 0, f"{program} {' '.join(args)}:\n{result.stderr}"
        return result

    def central(self, *args, **kwargs):
        return self.run("central-api", *args, **kwargs)

    def kiosk(self, *args, **kwargs):
        return self.run("kiosk-app", *args, **kwargs)

    def start_central(self):
        log_handle = self.log.open("ab")
        self.server = subprocess.Popen(
            [str(BIN / "central-api"), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self._env(),
            stdout=subprocess.DEVNULL,
            stderr=log_handle,
        )
        log_handle.close()  # the child has its own copy
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.server.poll() is None, self.log.read_text(errors="replace")
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still starting
                time.sleep(0.1)
        raise AssertionError("central did not answer /healthz within 30 s")

    def stop_central(self):
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=15)
            self.server = None

    def request_status(self, reference: str) -> str:
        rows = json.loads(self.central("requests", "list", "--json").stdout)
        return next(row["status"] for row in rows if row["reference"] == reference)

    def kiosk_status(self, reference: str) -> dict:
        return json.loads(self.kiosk("status", reference, "--json").stdout)


@pytest.fixture(scope="module")
def central_network(tmp_path_factory):
    """The module's central: initialised, a clerk who signs, the register imported, serving."""
    root = tmp_path_factory.mktemp("network")
    net = Network(root)
    try:
        net.central("init", "--municipality", str(LYASKOVETS_PROFILE))
        net.central(
            "user", "add", "clerk", "--role", "clerk", "--password-stdin", stdin="correct horse\n"
        )
        net.central(*OFFICIAL_ARGS, "--user", "clerk")
        population, taxes, net.villagers = write_register_files(root / "register")
        net.central("registers", "import", "population", str(population))
        net.central("registers", "import", "taxes", str(taxes))
        yield net
    finally:
        net.stop_central()


@pytest.fixture
def network(central_network, tmp_path):
    """The module's central, serving, and a kiosk of this test's own enrolled in Джулюница."""
    net = central_network
    if net.server is None:  # an earlier test took the line down
        net.start_central()
    net.kiosk_home = tmp_path / "kiosk"
    token = net.central("kiosk", "invite", "dzhulyunitsa").stdout.strip().splitlines()[-1]
    net.kiosk_id = net.kiosk("enroll", "--central", net.url, "--token", token).stdout.split()[-1]
    return net


def submit_certificate_request(net: Network) -> str:
    args = ["submit", "permanent-address-certificate"]
    for name, value in REQUIRED_FIELDS.items():
        args += ["--field", f"{name}={value}"]
    return net.kiosk(*args).stdout.strip().splitlines()[-1]


def pdf_info(path: Path) -> dict[str, str]:
    output = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in output.stdout.splitlines())
    )


def pdf_text(path: Path) -> str:
    output = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(output.stdout.split())


def submit(net: Network, service: str, fields: dict) -> str:
    args = ["submit", service]
    for name, value in {**REQUIRED_FIELDS, **fields}.items():
        if value is not None:  # None: a question this form does not ask
            args += ["--field", f"{name}={value}"]
    return net.kiosk(*args).stdout.strip().splitlines()[-1]


def printed_pdfs(net: Network) -> list[Path]:
    return sorted((net.kiosk_home / "printed").glob("*.pdf"))


def test_request_travels_from_an_offline_kiosk_to_a_printed_document_over_http(network):
    network.stop_central()  # the line is down
    reference = submit_certificate_request(network)
    assert reference.startswith("DZH")

    failed = network.kiosk("sync", ok=False)
    assert failed.returncode != 0
    # One clear line says what happened (a progress label may come before it), no traceback.
    assert "Traceback" not in failed.stderr
    errors = [line for line in failed.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "cannot be reached" in errors[0] and "Nothing is lost" in errors[0]
    assert network.kiosk_status(reference)["status"] == "queued"

    network.start_central()
    network.kiosk("sync")
    assert network.request_status(reference) == "received"

    network.central("requests", "approve", reference, "--as", "clerk")
    assert network.request_status(reference) == "issued"

    network.kiosk("sync")
    status = network.kiosk_status(reference)
    assert status["status"] in {"issued", "printed"}
    pdfs = printed_pdfs(network)
    assert len(pdfs) == 1
    assert pdfs[0].read_bytes().startswith(b"%PDF")

    # The certificate states what the register holds, not what was typed at the kiosk.
    text = pdf_text(pdfs[0])
    assert "Иван Петров Димитров, ЕГН 7523169263, роден на 16.03.1875 г." in text
    assert "обл. Велико Търново, общ. Лясковец, с. Джулюница, ул. „Васил Левски“ № 12" in text
    assert "Иванка" not in text

    network.kiosk("sync")  # the printed event goes up; nothing arrives twice
    assert len(printed_pdfs(network)) == 1
    assert network.request_status(reference) == "printed"
    listed = json.loads(network.central("requests", "list", "--json").stdout)
    assert [row["reference"] for row in listed].count(reference) == 1


def test_the_same_path_works_with_bundles_carried_as_files(network, tmp_path):
    network.stop_central()  # central is reached only through the stick from here on
    stick = tmp_path / "usb-stick"
    reference = submit_certificate_request(network)

    network.kiosk("bundle", "export", "--out", str(stick / "to-central"))
    uplink = sorted((stick / "to-central").glob("*.vcb"))
    assert uplink, "the kiosk wrote no bundle"
    for path in uplink:
        network.central("bundle", "import", str(path), "--receipt-out", str(stick / "to-kiosk"))
    # Importing the same file twice is harmless.
    network.central("bundle", "import", str(uplink[0]), "--receipt-out", str(stick / "again"))
    assert network.request_status(reference) == "received"

    network.central("requests", "approve", reference, "--as", "clerk")
    network.central(
        "bundle", "export", "--kiosk", network.kiosk_id, "--out", str(stick / "to-kiosk")
    )

    arrived = sorted((stick / "to-kiosk").iterdir())
    assert any(p.suffix == ".vcb" for p in arrived) and any(p.suffix == ".vcr" for p in arrived)
    for path in arrived:
        network.kiosk("bundle", "import", str(path))
    for path in arrived:  # a second import of the whole stick changes nothing
        network.kiosk("bundle", "import", str(path))

    assert len(printed_pdfs(network)) == 1
    assert network.kiosk_status(reference)["status"] in {"issued", "printed"}

    # The kiosk's receipts and its printed event go back on the stick.
    back = stick / "back-to-central"
    network.kiosk("bundle", "export", "--out", str(back))
    for path in sorted(back.iterdir()):
        network.central("bundle", "import", str(path), "--receipt-out", str(stick / "to-kiosk-2"))
    assert network.request_status(reference) == "printed"


def test_enrollment_token_works_only_once(network):
    token = network.central("kiosk", "invite", "merdanya").stdout.strip().splitlines()[-1]
    second_home = network.kiosk_home.parent / "kiosk-2"
    network.kiosk("enroll", "--central", network.url, "--token", token, KIOSK_HOME=str(second_home))
    third_home = network.kiosk_home.parent / "kiosk-3"
    again = network.kiosk(
        "enroll", "--central", network.url, "--token", token, ok=False, KIOSK_HOME=str(third_home)
    )
    assert again.returncode != 0 and "Traceback" not in again.stderr
    shutil.rmtree(third_home, ignore_errors=True)


@pytest.mark.cups
def test_the_kiosk_prints_the_issued_document_through_cups_when_a_queue_is_named(
    network, cups_printer
):
    printer_env = {"KIOSK_PRINTER": cups_printer.queue, "CUPS_SERVER": cups_printer.server}
    before = set(cups_printer.output_dir.glob("*.pdf"))
    reference = submit_certificate_request(network)
    network.kiosk("sync", **printer_env)
    network.central("requests", "approve", reference, "--as", "clerk")
    network.kiosk("sync", **printer_env)

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not set(cups_printer.output_dir.glob("*.pdf")) - before:
        time.sleep(0.1)
    produced = sorted(set(cups_printer.output_dir.glob("*.pdf")) - before)
    assert len(produced) == 1, "cups-pdf wrote no document (or more than one)"
    issued = sorted((network.kiosk_home / "documents").glob("*.pdf"))
    assert len(issued) == 1
    printed, sent = pdf_info(produced[0]), pdf_info(issued[0])
    assert printed["Pages"] == sent["Pages"]
    assert printed["Page size"].startswith("595") and "A4" in printed["Page size"]
    assert printed_pdfs(network) == []  # not the folder fallback
    network.kiosk("sync", **printer_env)
    assert network.request_status(reference) == "printed"


def test_a_certificate_of_heirs_printed_at_the_kiosk_lists_the_heirs_of_the_register(network):
    villagers = network.villagers
    reference = submit(
        network,
        "heirs-certificate",
        {
            "first_name": "Георги",
            "middle_name": "Петров",
            "last_name": "Колев",
            "personal_number_kind": "egn",
            "personal_number": villagers.son,
            "relation_to_deceased": "child",
            "deceased_egn": villagers.deceased,
        },
    )
    network.kiosk("sync")
    refused = network.central("requests", "approve", reference, "--as", "clerk", ok=False)
    assert refused.returncode != 0 and "confirm the heirs" in refused.stderr
    network.central("requests", "approve", reference, "--as", "clerk", "--confirm-heirs")
    network.kiosk("sync")
    (pdf,) = printed_pdfs(network)
    text = pdf_text(pdf)
    assert "УДОСТОВЕРЕНИЕ за наследници" in text and "Петър Стоянов Колев" in text
    heirs = text.split("наследници по закон:")[1]
    assert f"Георги Петров Колев, ЕГН {villagers.son} — син" in heirs
    assert f"Мария Илиева Колева, ЕГН {villagers.widow} — съпруга" in heirs
    assert f"Николай Андреев Иванов, ЕГН {villagers.grandson} — внук" in heirs
    assert "Елена" not in heirs


def test_a_local_tax_certificate_printed_at_the_kiosk_lists_the_debts(network):
    reference = submit(
        network,
        "local-tax-debts-certificate",
        {
            "personal_number_kind": "egn",
            "personal_number": "7523169263",
            "debts_for": "all",
        },
    )
    network.kiosk("sync")
    network.central("requests", "approve", reference, "--as", "clerk")
    network.kiosk("sync")
    (pdf,) = printed_pdfs(network)
    text = pdf_text(pdf)
    assert "ЕГН 7523169263" in text and "такса за битови отпадъци, DZH0012" in text
    assert "Общо: 35,50 евро." in text and "не включват лихви" in text


def test_a_refusal_is_a_signed_decision_printed_at_the_kiosk(network):
    reference = submit_certificate_request(network)
    network.kiosk("sync")
    said = network.central(
        "requests", "reject", reference, "--reason", "Лицето няма постоянен адрес в селото.",
        "--as", "clerk",
    ).stdout  # fmt: skip
    assert "the refusal is Изх. №" in said
    network.kiosk("sync")
    (pdf,) = printed_pdfs(network)
    text = pdf_text(pdf)
    assert "ОТКАЗ за издаване на „Удостоверение за постоянен адрес“" in text
    assert "Мотиви: Лицето няма постоянен адрес в селото." in text
    assert "на основание чл. 106, ал. 1 от Закона за гражданската регистрация" in text
    assert "пред Административен съд – Велико Търново в 14-дневен срок" in text
    assert "чрез Кмета на Община Лясковец" in text
    assert network.kiosk_status(reference)["status"] == "rejected"
    network.kiosk("sync")  # the printed event goes up: the request stays refused, nothing refused
    assert network.request_status(reference) == "rejected"
    assert json.loads(network.kiosk("quarantine", "--json").stdout) == []
    with sqlite3.connect(network.central_home / "central.db") as db:
        assert db.execute("SELECT count(*) FROM quarantined_records").fetchone() == (0,)


def test_a_document_from_another_system_is_signed_and_printed_at_the_kiosk(network, tmp_path):
    from tests.test_issuance import plot_sketch_pdf

    reference = submit(
        network,
        "plot-sketch",
        {
            "personal_number_kind": "egn",
            "personal_number": "7523169263",
            "property_settlement": "dzhulyunitsa",
            "property_identifier": "УПИ V-123, кв. 15",
            "ownership_document": "нотариален акт № 12/2001",
        },
    )
    network.kiosk("sync")
    sketch = tmp_path / "skica.pdf"
    sketch.write_bytes(plot_sketch_pdf())
    network.central("requests", "attach", reference, str(sketch), "--as", "clerk")
    network.central("requests", "approve", reference, "--as", "clerk")
    network.kiosk("sync")
    (pdf,) = printed_pdfs(network)
    assert pdf.read_bytes().startswith(sketch.read_bytes())
    text = pdf_text(pdf)
    assert "СКИЦА НА ПОЗЕМЛЕН ИМОТ № 15-123" in text and "ПРИДРУЖИТЕЛЕН ЛИСТ" in text
