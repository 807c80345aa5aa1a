"""Signing for legal effect: documents per second on a PKCS#11 token (SoftHSM2) with an RFC 3161
time-stamp for each (certomancer's TSA on loopback), one at a time and as a batch under one PIN;
and what a signature costs with the key file, with and without a time-stamp.

- ``token_signed_per_s_one_at_a_time``: every document its own approval: log in with the PIN,
  sign (QR statement + PAdES B-T with a time-stamp), log out.
- ``token_signed_per_s_batch``: one log-in for the whole batch (the office's queue).
- ``pades_sign_ms_key_file`` / ``pades_sign_ms_key_file_timestamped``: one PAdES signature of
  the same page with the key file (pyHanko's ``SimpleSigner``), without and with a time-stamp;
  ``token_pades_timestamped_sign_ms`` the same on the token.

The hand-patched CMS templates (``prepared_signer.py``) were measured here before they went:
docs/performance.md has the figures.

Each throughput is the median of ROUNDS rounds (the machine is shared).
"""

import datetime
import os
import statistics
import tempfile
import time
from pathlib import Path

from central_api.documents import DocumentSigner, SigningSettings, issue_pdf, open_signer
from central_api.documents.pades import sign_pdf
from central_api.municipality import load_municipality
from tests.fixtures_signing import make_token, start_timestamp_authority

from .bench_documents import SERVICES, realistic_facts, realistic_request

MUNICIPALITY = load_municipality(
    Path(__file__).resolve().parent.parent / "deploy" / "profiles" / "lyaskovets.toml"
)

DOCUMENTS = 20
ROUNDS = 3


def issue(signer, n: int, draft: bool = False):
    return issue_pdf(
        signer,
        number=f"2026-{n:06d}",
        issued_on=datetime.date(2026, 12, 1),
        service=SERVICES[n % len(SERVICES)],
        request=realistic_request(n),
        facts=realistic_facts(n, SERVICES[n % len(SERVICES)]["id"]),
        official="Мария Георгиева Петрова",
        official_title="Кмет на Община Лясковец",
        municipality=MUNICIPALITY,
        draft=draft,
    )


def _median(measure) -> float:
    return statistics.median(measure(round_number) for round_number in range(ROUNDS))


def _per_second(function) -> float:
    def one_round(round_number: int) -> float:
        started = time.perf_counter()
        function(round_number * DOCUMENTS)
        return DOCUMENTS / (time.perf_counter() - started)

    return _median(one_round)


def _sign_ms(signer, drafts) -> float:
    timings = []
    for draft in drafts:
        started = time.perf_counter()
        sign_pdf(signer, draft.pdf)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-signing-") as folder:
        folder = Path(folder)
        os.environ.pop("SOFTHSM2_CONF", None)
        token = make_token(folder / "softhsm")
        authority, stop = start_timestamp_authority(folder / "tsa")
        try:
            return _measure(token, authority)
        finally:
            stop()


def _measure(token, authority) -> dict:
    settings = SigningSettings(
        kind="pkcs11",
        pkcs11_module=token.module,
        token_label=token.token_label,
        key_label=token.key_label,
        tsa_url=authority.url,
    )

    def one_at_a_time(start: int) -> None:
        for n in range(start, start + DOCUMENTS):
            with open_signer(settings, token.pin) as signer:
                issue(signer, n)

    def batch(start: int) -> None:
        with open_signer(settings, token.pin) as signer:
            for n in range(start, start + DOCUMENTS):
                issue(signer, n)

    batch(0)  # warm up: fonts, imports, the first connection to the TSA
    one = _per_second(one_at_a_time)
    many = _per_second(batch)

    key_file = DocumentSigner.generate()
    drafts = [issue(None, n, draft=True) for n in range(20)]
    issue(key_file, 0)
    plain_ms = _sign_ms(key_file, drafts)
    key_file.timestamper = SigningSettings(tsa_url=authority.url).timestamper()
    timestamped_ms = _sign_ms(key_file, drafts)
    with open_signer(settings, token.pin) as signer:
        token_ms = _sign_ms(signer, drafts)

    figures = {
        "token_signed_per_s_one_at_a_time": round(one, 1),
        "token_signed_per_s_batch": round(many, 1),
        "token_pades_timestamped_sign_ms": round(token_ms, 1),
        "pades_sign_ms_key_file": round(plain_ms, 1),
        "pades_sign_ms_key_file_timestamped": round(timestamped_ms, 1),
    }
    for name, value in figures.items():
        print(f"   {name}: {value}")
    return figures


if __name__ == "__main__":
    run()
