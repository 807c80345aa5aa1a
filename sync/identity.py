"""Signing and encryption identities of the parties, and the keyring a receiver trusts.

An :class:`Identity` holds a party's private keys (Ed25519 for signing, X25519 for encryption);
a :class:`PublicIdentity` is what others know of it. A :class:`Keyring` answers "who signed this,
and do we still trust them?" by fingerprint.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from nacl.bindings import crypto_core_ed25519_is_valid_point

from .errors import RevokedSenderError, SyncError, UnknownSenderError
from .files import private_file, private_folder

_RAW = dict(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)


def fingerprint_of(signing_public_raw: bytes) -> bytes:
    """The 32-byte fingerprint of a raw Ed25519 public key."""
    return hashlib.sha256(signing_public_raw).digest()


def display_fingerprint(fingerprint: bytes) -> str:
    """The form people compare: first 16 bytes, upper-case hex in groups of four."""
    text = fingerprint[:16].hex().upper()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@dataclass(frozen=True)
class PublicIdentity:
    party_id: str
    signing_key: bytes  # raw Ed25519 public key, 32 bytes
    encryption_key: bytes  # raw X25519 public key, 32 bytes

    @property
    def fingerprint(self) -> bytes:
        return fingerprint_of(self.signing_key)

    @property
    def display_fingerprint(self) -> str:
        return display_fingerprint(self.fingerprint)

    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.signing_key)

    def encryption_public(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.encryption_key)

    def to_json(self) -> dict:
        return {
            "party_id": self.party_id,
            "signing_key": base64.b64encode(self.signing_key).decode(),
            "encryption_key": base64.b64encode(self.encryption_key).decode(),
            "fingerprint": self.display_fingerprint,
        }

    def weakness(self) -> str | None:
        """Why these public keys must not be trusted, or None.

        An all-zero or small-order X25519 key makes every shared secret zero (anyone could open
        what is sealed to it); a small-order or non-canonical Ed25519 key lets signatures be
        forged or be valid under more than one key. libsodium's point check (through PyNaCl)
        refuses the Ed25519 ones; an exchange with a fresh key refuses the X25519 ones (OpenSSL
        refuses an all-zero result).
        """
        if len(self.signing_key) != 32 or len(self.encryption_key) != 32:
            return "each key must be 32 bytes"
        if not crypto_core_ed25519_is_valid_point(self.signing_key):
            return "the signing key (Ed25519) is a weak, small-order or malformed point"
        try:
            X25519PrivateKey.generate().exchange(self.encryption_public())
        except ValueError:
            return "the encryption key (X25519) is all zero or a small-order point"
        return None

    @classmethod
    def from_json(cls, data: dict) -> PublicIdentity:
        try:
            return cls(
                party_id=str(data["party_id"]),
                signing_key=base64.b64decode(data["signing_key"], validate=True),
                encryption_key=base64.b64decode(data["encryption_key"], validate=True),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise SyncError(f"A public identity is incomplete or garbled ({exc}).") from exc


@dataclass
class Identity:
    """A party's private keys. Kept in two PEM files in the party's home, mode 0600."""

    party_id: str
    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey

    @classmethod
    def generate(cls, party_id: str) -> Identity:
        return cls(party_id, Ed25519PrivateKey.generate(), X25519PrivateKey.generate())

    @property
    def public(self) -> PublicIdentity:
        return PublicIdentity(
            self.party_id,
            self.signing.public_key().public_bytes(**_RAW),
            self.encryption.public_key().public_bytes(**_RAW),
        )

    @property
    def fingerprint(self) -> bytes:
        return self.public.fingerprint

    def sign(self, data: bytes) -> bytes:
        return self.signing.sign(data)

    def save(self, folder: Path) -> None:
        private_folder(folder)
        pem = dict(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )
        for name, key in (("signing.pem", self.signing), ("encryption.pem", self.encryption)):
            path = folder / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(key.private_bytes(**pem))
        private_file(folder / "party-id").write_text(self.party_id + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Identity:
        try:
            party_id = (folder / "party-id").read_text(encoding="utf-8").strip()
            signing = serialization.load_pem_private_key(
                (folder / "signing.pem").read_bytes(), None
            )
            encryption = serialization.load_pem_private_key(
                (folder / "encryption.pem").read_bytes(), None
            )
        except FileNotFoundError as exc:
            raise SyncError(f"No keys in {folder}: enroll or initialise first.") from exc
        except ValueError as exc:
            raise SyncError(f"The keys in {folder} are damaged ({exc}).") from exc
        if not isinstance(signing, Ed25519PrivateKey) or not isinstance(
            encryption, X25519PrivateKey
        ):
            raise SyncError(f"The keys in {folder} are of the wrong kind.")
        return cls(party_id, signing, encryption)


@dataclass
class Keyring:
    """The public identities a party trusts, by fingerprint, with revocations."""

    _by_fingerprint: dict[bytes, PublicIdentity] = field(default_factory=dict)
    _revoked: set[bytes] = field(default_factory=set)

    def add(self, identity: PublicIdentity, revoked: bool = False) -> None:
        self._by_fingerprint[identity.fingerprint] = identity
        if revoked:
            self._revoked.add(identity.fingerprint)

    def revoke(self, fingerprint: bytes) -> None:
        self._revoked.add(fingerprint)

    def lookup(self, fingerprint: bytes) -> PublicIdentity:
        """The trusted identity with this fingerprint, or a TrustError saying why not."""
        identity = self._by_fingerprint.get(fingerprint)
        if identity is None:
            raise UnknownSenderError(
                f"Signed by an unknown key ({display_fingerprint(fingerprint)}): "
                "enroll this device first, or check that it belongs to this network."
            )
        if fingerprint in self._revoked:
            raise RevokedSenderError(
                f"Signed by {identity.party_id}, whose key ({display_fingerprint(fingerprint)}) "
                "was revoked: the device may not send any more. Ask the administrator."
            )
        return identity

    def find_party(self, party_id: str) -> PublicIdentity | None:
        """The newest non-revoked identity of a party (used to encrypt to it)."""
        found = None
        for fingerprint, identity in self._by_fingerprint.items():
            if identity.party_id == party_id and fingerprint not in self._revoked:
                found = identity
        return found
