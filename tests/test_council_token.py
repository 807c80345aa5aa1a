"""The council's protocol and decisions are signed the way certificates are: on the token, with
the secretary's PIN, time-stamped — and served to the public as signed once, not per reader."""

from __future__ import annotations

from central_api.council.sessions import session_by_number
from tests.central_on_token import central_config, central_env, signing  # noqa: F401
from tests.fixtures_signing import asn1_certificate, needs_softhsm, validated_signature
from tests.test_council_protocol import held_session  # noqa: F401 (a fixture)

pytestmark = needs_softhsm


def validated_on_the_token(pdf: bytes, token, authority) -> None:
    signature = validated_signature(pdf, token.certificate_pem, authority.root_pem)
    assert signature.signer_cert.dump() == asn1_certificate(token.certificate_pem).dump()


def test_the_protocol_is_signed_on_the_token_with_the_pin(
    held_session,  # noqa: F811
    central_cli,
    softhsm_token,
    timestamp_authority,
    tmp_path,
):
    refused = central_cli("council", "protocol", "7", "--pin-stdin", input="000000\n", ok=False)
    assert refused.exit_code == 1 and "Грешен ПИН код на токена" in refused.stderr
    with held_session.read() as conn:
        assert session_by_number(conn, 7)["protocol_sha256"] is None  # nothing kept

    out = tmp_path / "protocol.pdf"
    central_cli(
        "council", "protocol", "7", "--out", str(out), "--pin-stdin",
        input=softhsm_token.pin + "\n",
    )  # fmt: skip
    validated_on_the_token(out.read_bytes(), softhsm_token, timestamp_authority)


def test_published_decisions_are_signed_on_the_token_and_served_as_signed(
    held_session,  # noqa: F811
    central_cli,
    central_client,
    softhsm_token,
    timestamp_authority,
):
    budget = held_session.items["budget"]
    before = central_client.get(f"/council/items/{budget}/decision.pdf")
    assert before.status_code == 404 and "още не е обнародвано" in before.get_json()["message"]

    central_cli("council", "publish", "7", "--pin-stdin", input=softhsm_token.pin + "\n")
    served = central_client.get(f"/council/items/{budget}/decision.pdf")
    assert served.status_code == 200
    validated_on_the_token(served.data, softhsm_token, timestamp_authority)
    # The same bytes to every reader: signed once, when published.
    assert central_client.get(f"/council/items/{budget}/decision.pdf").data == served.data
