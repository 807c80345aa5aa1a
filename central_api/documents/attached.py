"""A document made in another of the municipality's systems, issued by central.

For a service with ``issuance: attached`` (plot sketch, tax valuation…) the clerk uploads the PDF
the cadastre or the tax software made. Central does not change its pages: it appends one page of
its own (the covering sheet: outgoing number and date, what is attached, the issuing official,
the QR statement and how to verify), writes the statement into ``/Keywords`` and signs the whole
file, so the attachment is numbered, signed and verifiable like a generated certificate.

Appending goes through pyHanko's incremental writer (the uploaded bytes stay as they were): our
sheet is drawn with reportlab, imported as a form XObject and placed on a new last page.
"""

from __future__ import annotations

import hashlib
import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from .errors import DocumentFormatError

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def check_attachment(pdf: bytes) -> int:
    """The number of pages of an uploaded PDF; :class:`DocumentFormatError` when it is not one
    that can be issued (not a PDF, damaged, encrypted, already signed, too large)."""
    if len(pdf) > MAX_ATTACHMENT_BYTES:
        raise DocumentFormatError(
            f"The file is {len(pdf) // (1024 * 1024)} MB; an attached document may have at most "
            f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB. Export it again at a lower resolution."
        )
    if not pdf.startswith(b"%PDF"):
        raise DocumentFormatError(
            "The file is not a PDF. Export the document from the other system as PDF and upload "
            "that file."
        )
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        if reader.encrypted:
            raise DocumentFormatError(
                "The PDF is password-protected; export it again without a password."
            )
        pages = int(reader.root["/Pages"]["/Count"])
        signed = bool(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DocumentFormatError(
            f"The PDF cannot be read ({exc}). Export it again from the other system."
        ) from exc
    if pages < 1:
        raise DocumentFormatError("The PDF has no pages.")
    if signed:
        raise DocumentFormatError(
            "The PDF is already signed; upload the unsigned export; central signs it when the "
            "request is approved."
        )
    return pages


def append_covering_sheet(pdf: bytes, sheet: bytes, keywords: str) -> bytes:
    """``pdf`` with the one-page ``sheet`` added as its last page and ``keywords`` as its
    ``/Keywords``, as an incremental update (the original bytes are kept unchanged)."""
    check_attachment(pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    sheet_reader = PdfFileReader(io.BytesIO(sheet), strict=False)
    xobject = writer.import_page_as_xobject(sheet_reader, page_ix=0)
    box = sheet_reader.root["/Pages"]["/Kids"][0].get_object()["/MediaBox"]
    contents = writer.add_object(generic.StreamObject(stream_data=b"q /CoveringSheet Do Q"))
    page = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Page"),
            pdf_name("/MediaBox"): generic.ArrayObject([generic.FloatObject(v) for v in box]),
            pdf_name("/Resources"): generic.DictionaryObject(
                {
                    pdf_name("/XObject"): generic.DictionaryObject(
                        {pdf_name("/CoveringSheet"): xobject}
                    )
                }
            ),
            pdf_name("/Contents"): contents,
        }
    )
    writer.insert_page(page)
    writer.document_meta.keywords = [keywords]
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def attachment_sha256(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()
