"""pyHanko's ``SimpleSigner`` with the CMS parts that never change prepared once per key.

For every PDF signature pyHanko builds a CMS ``SignedData`` (RFC 5652) out of Python values with
asn1crypto: three signed attributes (content type, message digest, ESS signing-certificate-v2),
the ``SignerInfo``, the certificates. asn1crypto re-encodes such hand-built structures level by
level each time they are dumped, which was ~14 ms of the ~20 ms a signature took here. Yet with
one key, one certificate and one kind of signature, only two values ever differ between two
signatures: the message digest (32 bytes) and the ECDSA signature (70–72 bytes, DER).

So pyHanko itself builds the structure once, around random placeholders; we note where the
placeholders sit in its DER and afterwards only put the new values in their place. The bytes are
those pyHanko would have produced (``tests/test_documents_equivalence.py`` compares them), the
signature is still made by pyHanko's ``SimpleSigner`` over the DER of the signed attributes, and
anything other than the plain PAdES case we issue (a timestamp, other attributes, a dry run, a
structure where a placeholder is not found exactly once) goes through pyHanko unchanged.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from asn1crypto import cms
from pyhanko.sign import signers

# The signed attributes pyHanko adds to a PAdES signature without timestamp or extras. A
# template is made only when it builds exactly these: anything else (a signing time, say) could
# differ between signatures and must not be frozen into one.
PADES_SIGNED_ATTRIBUTES = ("content_type", "message_digest", "signing_certificate_v2")


@dataclass(frozen=True)
class DerTemplate:
    """DER bytes with holes: everything outside the holes is the same for every signature."""

    pieces: tuple[bytes, ...]  # the fixed bytes around the holes, one more than holes
    holes: tuple[tuple[int, int], ...]  # per hole, left to right: (which value, its length)

    @classmethod
    def around(cls, der: bytes, *placeholders: bytes) -> DerTemplate | None:
        """The template of ``der`` with a hole where each placeholder is, or ``None`` when a
        placeholder is not found exactly once (then a template would not be safe)."""
        found = []
        for value_index, placeholder in enumerate(placeholders):
            at = der.find(placeholder)
            if at == -1 or der.find(placeholder, at + 1) != -1:
                return None
            found.append((at, value_index, len(placeholder)))
        found.sort()
        pieces, cursor = [], 0
        for at, _, length in found:
            if at < cursor:  # overlapping placeholders
                return None
            pieces.append(der[cursor:at])
            cursor = at + length
        pieces.append(der[cursor:])
        return cls(tuple(pieces), tuple((index, length) for _, index, length in found))

    def fill(self, *values: bytes) -> bytes:
        parts = [self.pieces[0]]
        for (value_index, length), piece in zip(self.holes, self.pieces[1:], strict=True):
            value = values[value_index]
            if len(value) != length:
                raise ValueError(f"a value of {len(value)} bytes for a hole of {length}")
            parts += (value, piece)
        return b"".join(parts)

    def values_in(self, der: bytes) -> tuple[bytes, ...] | None:
        """The values that fill this template to ``der``; ``None`` if ``der`` is not of it."""
        if not der.startswith(self.pieces[0]):
            return None
        values = [b""] * len(self.holes)
        cursor = len(self.pieces[0])
        for (value_index, length), piece in zip(self.holes, self.pieces[1:], strict=True):
            values[value_index] = der[cursor : cursor + length]
            cursor += length
            if der[cursor : cursor + len(piece)] != piece:
                return None
            cursor += len(piece)
        return tuple(values) if cursor == len(der) else None


class PreparedPdfSigner(signers.SimpleSigner):
    """A ``SimpleSigner`` that makes the CMS of a plain PAdES signature from templates.

    The templates belong to this signer's key, certificate and certificate store, which must
    not change after it is made (``DocumentSigner.pdf_signer`` builds it once and keeps it).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Filled on first use, one entry per kind of signature (a new signature length makes a
        # new container template); read by any thread, added to under the lock.
        self._attribute_templates: dict[tuple, DerTemplate | None] = {}
        self._container_templates: dict[tuple, DerTemplate | None] = {}
        self._templates_lock = threading.Lock()

    async def signed_attrs(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        attr_settings=None,
        content_type="data",
        use_pades=False,
        timestamper=None,
        dry_run=False,
        is_pdf_sig=True,
    ):
        arguments = dict(
            attr_settings=attr_settings,
            content_type=content_type,
            use_pades=use_pades,
            timestamper=timestamper,
            dry_run=dry_run,
            is_pdf_sig=is_pdf_sig,
        )
        if not self._is_plain_pades(**arguments):
            return await super().signed_attrs(data_digest, digest_algorithm, **arguments)
        key = (digest_algorithm, len(data_digest))
        if key not in self._attribute_templates:
            placeholder = os.urandom(len(data_digest))
            built = await super().signed_attrs(placeholder, digest_algorithm, **arguments)
            types = tuple(sorted(attribute["type"].native for attribute in built))
            template = (
                DerTemplate.around(built.dump(), placeholder)
                if types == PADES_SIGNED_ATTRIBUTES
                else None
            )
            with self._templates_lock:
                self._attribute_templates.setdefault(key, template)
        template = self._attribute_templates[key]
        if template is None:
            return await super().signed_attrs(data_digest, digest_algorithm, **arguments)
        return cms.CMSAttributes.load(template.fill(data_digest))

    def _package_signature(
        self,
        *,
        digest_algorithm,
        cms_version,
        signed_attrs,
        signature,
        unsigned_attrs,
        encap_content_info,
    ):
        arguments = dict(
            digest_algorithm=digest_algorithm,
            cms_version=cms_version,
            signed_attrs=signed_attrs,
            signature=signature,
            unsigned_attrs=unsigned_attrs,
            encap_content_info=encap_content_info,
        )
        found = self._template_of(signed_attrs)
        if (
            found is None
            or unsigned_attrs is not None
            or encap_content_info != {"content_type": "data"}
        ):
            return super()._package_signature(**arguments)
        attributes_key, data_digest = found
        key = (attributes_key, digest_algorithm, cms_version, len(signature))
        if key not in self._container_templates:
            digest_placeholder = os.urandom(len(data_digest))
            signature_placeholder = os.urandom(len(signature))
            attributes = self._attribute_templates[attributes_key].fill(digest_placeholder)
            built = super()._package_signature(
                **{
                    **arguments,
                    "signed_attrs": cms.CMSAttributes.load(attributes),
                    "signature": signature_placeholder,
                }
            )
            template = DerTemplate.around(built.dump(), digest_placeholder, signature_placeholder)
            with self._templates_lock:
                self._container_templates.setdefault(key, template)
        template = self._container_templates[key]
        if template is None:
            return super()._package_signature(**arguments)
        return cms.ContentInfo.load(template.fill(data_digest, signature))

    def _is_plain_pades(
        self, *, attr_settings, content_type, use_pades, timestamper, dry_run, is_pdf_sig
    ) -> bool:
        return (
            use_pades
            and is_pdf_sig
            and not dry_run
            and timestamper is None
            and content_type == "data"
            and self.signed_attr_prov_spec is None
            and (
                attr_settings is None
                or (
                    getattr(attr_settings, "adobe_revinfo_attr", None) is None
                    and attr_settings.cades_signed_attrs is None
                )
            )
        )

    def _template_of(self, signed_attrs) -> tuple[tuple, bytes] | None:
        """(template key, message digest) when ``signed_attrs`` came from one of our templates."""
        der = signed_attrs.dump()
        with self._templates_lock:
            templates = list(self._attribute_templates.items())
        for key, template in templates:
            if template is not None and (values := template.values_in(der)) is not None:
                return key, values[0]
        return None
