"""Real signing infrastructure on loopback: a SoftHSM2 token and a certomancer time-stamping
authority.

``softhsm_token``: a token initialised in a temporary folder (``SOFTHSM2_CONF`` points there),
an ECDSA P-256 key generated ON the token (sensitive, not extractable: it never leaves), and a
certificate for it from a test certification authority, stored on the token under the key's
label — the way a qualified signature card arrives from its provider.

``timestamp_authority``: certomancer's Animator (pyHanko's author's test PKI) serving an RFC 3161
TSA from a werkzeug server on 127.0.0.1, with its own root certificate.

Both are made once per test session: the PKCS#11 module reads ``SOFTHSM2_CONF`` once, when it is
first loaded into the process.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "municipality"
KEY_LABEL = "documents"
USER_PIN = "482916"
SO_PIN = "73519864"
P256 = "1.2.840.10045.3.1.7"

needs_softhsm = pytest.mark.skipif(
    not (Path(SOFTHSM_MODULE).exists() and shutil.which("softhsm2-util")),
    reason="SoftHSM2 is not installed (Debian package softhsm2)",
)

TSA_CONFIG = """
external-url-prefix: "http://127.0.0.1"
keysets:
  tsa:
    keys:
      root: {path: root.key.pem}
      tsa: {path: tsa.key.pem}
pki-architectures:
  tsa:
    keyset: tsa
    entity-defaults:
      country-name: BG
      organization-name: Test time-stamping authority
    entities:
      root: {common-name: Test TSA Root}
      tsa: {common-name: Test Time-Stamping Unit}
    certs:
      root:
        subject: root
        subject-key: root
        issuer: root
        authority-key: root
        validity: {valid-from: "2020-01-01T00:00:00+0000", valid-to: "2060-01-01T00:00:00+0000"}
        extensions:
          - {id: basic_constraints, critical: true, value: {ca: true}}
          - id: key_usage
            critical: true
            smart-value: {schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}
      tsa:
        issuer: root
        validity: {valid-from: "2020-01-01T00:00:00+0000", valid-to: "2060-01-01T00:00:00+0000"}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {schema: key-usage, params: [digital_signature]}
          - {id: extended_key_usage, critical: true, value: [time_stamping]}
    services:
      time-stamping:
        tsa: {signing-key: tsa, signing-cert: tsa}
"""


@dataclass(frozen=True)
class Token:
    module: str
    token_label: str
    key_label: str
    pin: str
    certificate_pem: bytes


@dataclass(frozen=True)
class TimestampAuthority:
    url: str
    root_pem: bytes


def _write_key(path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _certificate_for(public_key_der: bytes) -> bytes:
    """A signing certificate for the token's public key, from a throw-away test CA."""
    authority_key = ec.generate_private_key(ec.SECP256R1())
    issuer = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BG"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test qualified trust service provider"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Test QTSP CA"),
        ]
    )
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BG"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Община (тест)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Община (тест) — електронен печат"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(serialization.load_der_public_key(public_key_der))
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(authority_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory) -> Token:
    if not Path(SOFTHSM_MODULE).exists():
        pytest.skip("SoftHSM2 is not installed (Debian package softhsm2)")
    return make_token(tmp_path_factory.mktemp("softhsm"))


def make_token(folder: Path) -> Token:
    """A SoftHSM2 token under ``folder`` with the signing key made on it (see the docstring).
    Points ``SOFTHSM2_CONF`` of this process at it: call once per process."""
    import pkcs11
    from pkcs11 import Attribute, KeyType
    from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
    from pkcs11.util.x509 import decode_x509_certificate

    (folder / "tokens").mkdir(parents=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read when the module is loaded, once
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL,
         "--so-pin", SO_PIN, "--pin", USER_PIN],
        check=True, capture_output=True, timeout=30, env={**os.environ, "SOFTHSM2_CONF": str(conf)},
    )  # fmt: skip
    token = pkcs11.lib(SOFTHSM_MODULE).get_token(token_label=TOKEN_LABEL)
    with token.open(rw=True, user_pin=USER_PIN) as session:
        curve = session.create_domain_parameters(
            KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters(P256)}, local=True
        )
        public, _ = curve.generate_keypair(
            store=True,
            label=KEY_LABEL,
            id=b"\x01",
            private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False},
        )
        certificate_der = _certificate_for(encode_ec_public_key(public))
        stored = decode_x509_certificate(certificate_der)
        stored.update({Attribute.TOKEN: True, Attribute.LABEL: KEY_LABEL, Attribute.ID: b"\x01"})
        session.create_object(stored)
    certificate_pem = x509.load_der_x509_certificate(certificate_der).public_bytes(
        serialization.Encoding.PEM
    )
    return Token(SOFTHSM_MODULE, TOKEN_LABEL, KEY_LABEL, USER_PIN, certificate_pem)


@pytest.fixture(scope="session")
def timestamp_authority(tmp_path_factory) -> TimestampAuthority:
    authority, stop = start_timestamp_authority(tmp_path_factory.mktemp("tsa"))
    yield authority
    stop()


def start_timestamp_authority(folder: Path):
    """(the authority, a function that stops it): certomancer's TSA on a free loopback port."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig
    from werkzeug.serving import WSGIRequestHandler, make_server

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("root", "tsa"):
        _write_key(folder / f"{name}.key.pem")
    config = CertomancerConfig.from_yaml(TSA_CONFIG, key_search_dir=str(folder))
    animator = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # one line per time-stamp is only noise
            pass

    server = make_server("127.0.0.1", 0, animator, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    root = config.pki_archs["tsa"].get_cert("root")
    root_pem = x509.load_der_x509_certificate(root.dump()).public_bytes(serialization.Encoding.PEM)
    authority = TimestampAuthority(f"http://127.0.0.1:{server.server_port}/tsa/tsa/tsa", root_pem)

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)

    return authority, stop


def token_settings(token: Token, tsa_url: str, token_label: str | None = None) -> dict:
    """Central configuration for documents signed on ``token``, time-stamped at ``tsa_url``."""
    return {
        "DOCUMENT_SIGNER": "pkcs11",
        "PKCS11_MODULE": token.module,
        "PKCS11_TOKEN_LABEL": token_label or token.token_label,
        "PKCS11_KEY_LABEL": token.key_label,
        "TSA_URL": tsa_url,
        "TSA_TIMEOUT": 5,
    }


def token_environment(settings: dict) -> dict:
    """The same, as the environment variables a ``central-api`` process reads."""
    return {f"CENTRAL_{name}": str(value) for name, value in settings.items()}


CSC_CONFIG = """
external-url-prefix: "http://127.0.0.1"
keysets:
  csc:
    keys:
      root: {path: root.key.pem}
      signer: {path: signer.key.pem}
pki-architectures:
  csc:
    keyset: csc
    entity-defaults:
      country-name: BG
      organization-name: Test qualified trust service provider
    entities:
      root: {common-name: Test QTSP Root}
      signer: {common-name: Община (тест) — печат}
    certs:
      root:
        subject: root
        subject-key: root
        issuer: root
        authority-key: root
        validity: {valid-from: "2020-01-01T00:00:00+0000", valid-to: "2060-01-01T00:00:00+0000"}
        extensions:
          - {id: basic_constraints, critical: true, value: {ca: true}}
          - id: key_usage
            critical: true
            smart-value: {schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}
      signer:
        issuer: root
        validity: {valid-from: "2020-01-01T00:00:00+0000", valid-to: "2060-01-01T00:00:00+0000"}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {schema: key-usage, params: [digital_signature, non_repudiation]}
"""


@dataclass(frozen=True)
class RemoteSigningService:
    url: str
    credential_id: str
    certificate_pem: bytes  # the credential's certificate
    root_pem: bytes  # the provider's root, the trust anchor of the signature


@pytest.fixture(scope="session")
def remote_signing_service(tmp_path_factory) -> RemoteSigningService:
    service, stop = start_remote_signing_service(tmp_path_factory.mktemp("csc"))
    yield service
    stop()


REMOTE_PIN = "482916"


def start_remote_signing_service(folder: Path):
    """(the service, a function that stops it): certomancer-csc-dummy's Cloud Signature
    Consortium API server (SCAL 2: every authorisation bound to its hashes) on a free loopback
    port, in its own thread and event loop, with an ECDSA P-256 credential ``csc/signer``.

    The dummy authorises anyone (``authMode: implicit``); a provider's service checks the PIN
    of an ``explicit`` credential, so ``credentials/authorize`` here refuses (401) any PIN but
    REMOTE_PIN, as such a service answers."""
    import asyncio

    from aiohttp import web
    from certomancer.registry import CertomancerConfig
    from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("root", "signer"):
        _write_key(folder / f"{name}.key.pem")
    config = CertomancerConfig.from_yaml(CSC_CONFIG, key_search_dir=str(folder))
    with warnings.catch_warnings():  # the dummy keys its aiohttp app with strings
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        csc = CSCWithCertomancer(
            config, service_params=DummyServiceParams(hash_pinning_required=True)
        )
    csc.register_routes()

    @web.middleware
    async def explicit_pin(request, handler):
        authorising = request.path.endswith("/credentials/authorize")
        if authorising and (await request.json()).get("PIN") != REMOTE_PIN:
            return web.json_response({"error": "invalid_pin"}, status=401)
        return await handler(request)

    csc.app.middlewares.append(explicit_pin)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(csc.app, access_log=None)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def pem(label: str) -> bytes:
        der = config.pki_archs["csc"].get_cert(label).dump()
        return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)

    service = RemoteSigningService(
        f"http://127.0.0.1:{port}", "csc/signer", pem("signer"), pem("root")
    )

    def stop() -> None:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()

    return service, stop


def remote_settings(service: RemoteSigningService, tsa_url: str, url: str | None = None) -> dict:
    """Central configuration for documents signed at the remote ``service`` (CSC API)."""
    return {
        "DOCUMENT_SIGNER": "csc",
        "CSC_URL": url or service.url,
        "CSC_CREDENTIAL_ID": service.credential_id,
        "CSC_TIMEOUT": 5,
        "TSA_URL": tsa_url,
        "TSA_TIMEOUT": 5,
    }


def validated_signature(pdf: bytes, signer_pem: bytes, tsa_root_pem: bytes):
    """pyHanko's validation of the one signature on ``pdf``, with the signer's certificate (a
    token's, a signing service's root) and the TSA's root as the trust roots. Asserts that it
    is intact, trusted and time-stamped by a trusted TSA, and that ``signer_pem`` signed."""
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(
        signature,
        signer_validation_context=ValidationContext(trust_roots=[asn1_certificate(signer_pem)]),
        ts_validation_context=ValidationContext(trust_roots=[asn1_certificate(tsa_root_pem)]),
    )
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.valid and status.timestamp_validity.trusted
    assert status.bottom_line
    return signature


def asn1_certificate(pem: bytes) -> asn1_x509.Certificate:
    """A PEM certificate as pyHanko's validation wants it."""
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)
