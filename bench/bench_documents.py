"""Official documents: render + sign throughput (issue_pdf) over ~50 documents, and the parts.

Figures: documents signed per second in one process and across all cores (one process each, as
gunicorn workers would), milliseconds per document for render-only (draft), full issue, PDF
verification and QR statement verification.
"""

import datetime
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from central_api.documents import DocumentSigner, issue_pdf, verify_pdf, verify_statement

DOCUMENTS = 50
SERVICES = [
    {"id": "permanent-address-certificate", "name": {"bg": "Удостоверение за постоянен адрес"}},
    {"id": "current-address-certificate", "name": {"bg": "Удостоверение за настоящ адрес"}},
    {"id": "marital-status-certificate", "name": {"bg": "Удостоверение за семейно положение"}},
    {"id": "tax-debts-certificate", "name": {"bg": "Удостоверение за задължения"}},
]


def realistic_request(n: int) -> dict:
    return {
        "reference": f"DZH1-{n:05d}",
        "village": "dzhulyunitsa",
        "fields": {
            "first_name": "Иванка",
            "middle_name": "Петрова",
            "last_name": f"Колева-{n}",
            "egn": "7523169263",
            "street": "„Васил Левски“",
            "street_number": str(n % 90 + 1),
            "purpose": "пред банка",
        },
    }


def issue_many(signer: DocumentSigner, count: int, start: int = 0, draft: bool = False) -> list:
    return [
        issue_pdf(
            signer,
            number=f"2026-{start + n:06d}",
            issued_on=datetime.date(2026, 11, 25),
            service=SERVICES[n % len(SERVICES)],
            request=realistic_request(start + n),
            official="Мария Георгиева",
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


def run() -> dict:
    signer = DocumentSigner.generate()
    issue_many(signer, 3)  # warm up: font registration, imports
    issue_many(signer, 3, draft=True)

    started = time.perf_counter()
    documents = issue_many(signer, DOCUMENTS)
    elapsed = time.perf_counter() - started

    started = time.perf_counter()
    issue_many(signer, DOCUMENTS, draft=True)
    draft_elapsed = time.perf_counter() - started

    certificate = signer.certificate_pem()
    verify_ms = _per_document_ms(lambda d: verify_pdf(d.pdf, certificate), documents[:20])
    statement_ms = _per_document_ms(
        lambda d: verify_statement(d.statement, certificate), documents[:20]
    )

    workers = os.cpu_count() or 1
    per_worker = DOCUMENTS
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_worker_issue, [(0, 2)] * workers))  # warm every worker
        started = time.perf_counter()
        total = sum(pool.map(_worker_issue, [(i * per_worker, per_worker) for i in range(workers)]))
        parallel_elapsed = time.perf_counter() - started

    figures = {
        "documents_signed_per_s": round(DOCUMENTS / elapsed, 1),
        "documents_signed_per_s_all_cores": round(total / parallel_elapsed, 1),
        "documents_cores": workers,
        "document_issue_ms": round(elapsed / DOCUMENTS * 1000, 1),
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
