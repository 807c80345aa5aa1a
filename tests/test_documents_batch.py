"""Every document of a batch verifies, whatever its signature's length."""

import datetime

from central_api.documents import DocumentSigner, issue_pdf, verify_pdf
from central_api.municipality import load_municipality
from tests.certificate_examples import ADDRESS_FACTS
from tests.fixtures_central import LYASKOVETS_PROFILE

MUNICIPALITY = load_municipality(LYASKOVETS_PROFILE)


def test_every_document_of_a_batch_verifies_whatever_its_signature_length():
    # ECDSA signatures are 70, 71 or 72 bytes of DER: each must fit the room pyHanko reserves.
    signer = DocumentSigner.generate()
    service = {"id": "permanent-address-certificate", "name": {"bg": "Удостоверение"}}
    certificate = signer.certificate_pem()
    for n in range(24):
        issued = issue_pdf(
            signer,
            number=f"2026-{n:06d}",
            issued_on=datetime.date(2026, 11, 25),
            service=service,
            request={"reference": f"DZH1-{n:05d}", "village": "dzhulyunitsa"},
            facts=ADDRESS_FACTS,
            official="Мария Георгиева",
            official_title="Кмет на Община Лясковец",
            municipality=MUNICIPALITY,
        )
        result = verify_pdf(issued.pdf, certificate)
        assert result.valid and result.intact and result.statement == issued.statement
