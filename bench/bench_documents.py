"""Official documents: render + sign throughput (issue_pdf) over ~50 documents, and the parts.

Figures: documents signed per second in one process and across all cores (one process each, as
gunicorn workers would), milliseconds per document for render-only (draft), full issue, PDF
verification and QR statement verification, and the two costly parts of issuing on their own
(the QR matrix, the PAdES signature).

The machine is shared, so throughput is measured in ROUNDS rounds and the median round is
reported; ``document_issue_cpu_ms`` is the CPU time of the process per document in that round,
which other programs running at the same time hardly change.
"""

import datetime
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from central_api.documents import DocumentSigner, issue_pdf, verify_pdf, verify_statement
from central_api.documents.pades import sign_pdf
from central_api.municipality import load_municipality
from tests.certificate_examples import ADDRESS_FACTS, IVANKA, MARITAL_FACTS, TAX_FACTS

MUNICIPALITY = load_municipality(
    Path(__file__).resolve().parent.parent / "deploy" / "profiles" / "lyaskovets.toml"
)

DOCUMENTS = 50
ROUNDS = 3
SERVICES = [
    {"id": "permanent-address-certificate", "name": {"bg": "Удостоверение за постоянен адрес"}},
    {"id": "current-address-certificate", "name": {"bg": "Удостоверение за настоящ адрес"}},
    {"id": "marital-status-certificate", "name": {"bg": "Удостоверение за семейно положение"}},
    {"id": "local-tax-debts-certificate", "name": {"bg": "Удостоверение за задължения"}},
]


def realistic_request(n: int) -> dict:
    return {"reference": f"DZH1-{n:05d}", "village": "dzhulyunitsa"}


def realistic_facts(n: int, service_id: str) -> dict:
    """What the register would give for the n-th villager (the facts of each kind)."""
    person = {**IVANKA, "names": f"Иванка Петрова Колева-{n}"}
    if service_id == "marital-status-certificate":
        return {**MARITAL_FACTS, "person": person}
    if service_id == "local-tax-debts-certificate":
        return {**TAX_FACTS, "person": person}
    address = {**ADDRESS_FACTS["address"], "address": f"ул. „Васил Левски“ № {n % 90 + 1}"}
    kind = "current" if service_id == "current-address-certificate" else "permanent"
    return {**ADDRESS_FACTS, "person": person, "address": address, "address_kind": kind}


def issue_many(signer: DocumentSigner, count: int, start: int = 0, draft: bool = False) -> list:
    return [
        issue_pdf(
            signer,
            number=f"2026-{start + n:06d}",
            issued_on=datetime.date(2026, 11, 25),
            service=SERVICES[n % len(SERVICES)],
            request=realistic_request(start + n),
            facts=realistic_facts(start + n, SERVICES[n % len(SERVICES)]["id"]),
            official="Мария Георгиева",
            official_title="Кмет на Община Лясковец",
            municipality=MUNICIPALITY,
            draft=draft,
        )
        for n in range(count)
    ]


_worker_signer = None


def _worker_issue(args) -> int:
    global _worker_signer
    if _worker_signer is None:  # load once per process, as a web worker would
        _worker_signer = DocumentSigner.generate()
    start, count = args
    return len(issue_many(_worker_signer, count, start))


def _per_document_ms(function, items) -> float:
    timings = []
    for item in items:
        started = time.perf_counter()
        function(item)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _median_round(issue_round) -> tuple:
    """(wall seconds, CPU seconds, result) of the median of ROUNDS runs of ``issue_round(n)``."""
    rounds = []
    for round_number in range(ROUNDS):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = issue_round(round_number)
        rounds.append(
            (time.perf_counter() - started, time.process_time() - started_cpu, round_number, result)
        )
    elapsed, cpu, _, result = sorted(rounds)[ROUNDS // 2]
    return elapsed, cpu, result


def run() -> dict:
    signer = DocumentSigner.generate()
    issue_many(signer, 3)  # warm up: font registration, imports, the signature's CMS templates
    issue_many(signer, 3, draft=True)

    elapsed, cpu, documents = _median_round(
        lambda n: issue_many(signer, DOCUMENTS, start=n * DOCUMENTS)
    )
    draft_elapsed, _, drafts = _median_round(
        lambda n: issue_many(signer, DOCUMENTS, start=n * DOCUMENTS, draft=True)
    )

    certificate = signer.certificate_pem()
    verify_ms = _per_document_ms(lambda d: verify_pdf(d.pdf, certificate), documents[:20])
    statement_ms = _per_document_ms(
        lambda d: verify_statement(d.statement, certificate), documents[:20]
    )
    # A draft is the same kind of PDF before signing: its signature costs what an issued one's does.
    sign_ms = _per_document_ms(lambda d: sign_pdf(signer, d.pdf), drafts[:20])

    workers = os.cpu_count() or 1
    per_worker = DOCUMENTS
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_worker_issue, [(0, 2)] * workers))  # warm every worker
        parallel_elapsed, _, total = _median_round(
            lambda n: sum(
                pool.map(
                    _worker_issue,
                    [((n * workers + i) * per_worker, per_worker) for i in range(workers)],
                )
            )
        )

    figures = {
        "documents_signed_per_s": round(DOCUMENTS / elapsed, 1),
        "documents_signed_per_s_all_cores": round(total / parallel_elapsed, 1),
        "documents_cores": workers,
        "document_issue_ms": round(elapsed / DOCUMENTS * 1000, 1),
        "document_issue_cpu_ms": round(cpu / DOCUMENTS * 1000, 1),
        "document_pades_sign_ms": round(sign_ms, 1),
        "document_render_draft_ms": round(draft_elapsed / DOCUMENTS * 1000, 1),
        "document_verify_pdf_ms": round(verify_ms, 1),
        "document_verify_statement_ms": round(statement_ms, 2),
        "document_pdf_bytes": round(statistics.mean(len(d.pdf) for d in documents)),
        "document_statement_chars": max(len(d.statement) for d in documents),
    }
    for name, value in figures.items():
        print(f"   {name}: {value}")
    return figures


if __name__ == "__main__":
    run()
