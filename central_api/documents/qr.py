"""The QR code of a statement: segno's symbol with segno's own choice of mask, found faster.

ISO/IEC 18004 §7.8.3 has an encoder try all eight data masks and keep the one with the lowest
penalty (long runs, 2×2 blocks, finder-like patterns, dark/light balance). segno does that module
by module in Python, which was ~13 of the ~17 ms the QR code of a statement cost on this machine.
:func:`qr_matrix` asks segno for the symbol once (mask 0), scores all eight masks with exactly
segno's rules but on the whole symbol at once (its rows and columns laid end to end in one
integer with a byte per module: runs and blocks become a few shifts and ANDs), then swaps in the
winning mask and its format information. The matrix is the one
``segno.make(text, error="m", micro=False)`` returns, module for module
(``tests/test_documents_equivalence.py`` checks it over hundreds of statements and random texts);
only the search is faster. The printed code is therefore exactly what it was.

The geometry (which modules carry data, where format and version information lie) comes from
segno's own encoder functions, once per symbol version.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import segno
from segno import consts as segno_consts
from segno import encoder as segno_encoder

ERROR_LEVEL = "M"
MASKS = range(8)
_FINDER_LIKE = b"\x01\x00\x01\x01\x01\x00\x01"  # 1:1:3:1:1
_DARK = b"\x01"
_LINE_SEPARATOR = b"\x02"  # neither light nor dark: no run or pattern crosses it


@dataclass(frozen=True)
class _Layout:
    """One symbol version's geometry, as integers with one byte per module (``0x01`` set)."""

    size: int
    line_bits: int  # from a module to the one above it, in the rows-then-columns integer
    pairs: int  # rows-then-columns: modules whose next one is in the same line
    block_corners: int  # rows: modules with a row above and a module to the left
    row_modules: int  # rows: every module
    masks: tuple  # masks[k][i]: the modules mask k flips in row i (data modules only)
    masks_by_column: tuple  # the same per column
    info_modules: tuple  # per row: format and version information, dark module
    info_modules_by_column: tuple  # the same per column
    format_modules: tuple  # per row: format information and dark module only
    format_bits: tuple  # format_bits[k][i]: the format information written for mask k


def qr_matrix(text: str) -> tuple[bytes, ...]:
    """The rows of the QR code (level M) for ``text``, one byte per module (1 dark, 0 light),
    without quiet zone: the same symbol segno makes, mask included."""
    code = segno.make(text, error=ERROR_LEVEL, micro=False, mask=0)
    layout = _layout(code.version, code.error)  # segno may raise the error level (boost_error)
    rows = [int.from_bytes(row, "big") for row in code.matrix]
    columns = [int.from_bytes(bytes(column), "big") for column in zip(*code.matrix, strict=True)]
    mask_zero, mask_zero_by_column = layout.masks[0], layout.masks_by_column[0]
    # What segno scores: data unmasked, format and version information still blank.
    unmasked = [
        (row & ~info) ^ mask
        for row, info, mask in zip(rows, layout.info_modules, mask_zero, strict=True)
    ]
    unmasked_columns = [
        (column & ~info) ^ mask
        for column, info, mask in zip(
            columns, layout.info_modules_by_column, mask_zero_by_column, strict=True
        )
    ]
    best = min(MASKS, key=lambda k: _penalty(unmasked, unmasked_columns, layout, k))
    if best == 0:
        return tuple(bytes(row) for row in code.matrix)
    final = []
    for i, row in enumerate(rows):
        row = (row ^ mask_zero[i] ^ layout.masks[best][i]) & ~layout.format_modules[i]
        final.append((row | layout.format_bits[best][i]).to_bytes(layout.size, "big"))
    return tuple(final)


def _penalty(rows, columns, layout: _Layout, mask: int) -> int:
    """segno's ``evaluate_mask`` (N1 + N2 + N3 + N4) of the symbol with ``mask`` applied.

    All rows, then all columns, are laid end to end, a separator byte between lines, and read
    both as bytes (N3) and as one integer with a byte per module (N1, N2, N4: each a few
    operations on the whole symbol).
    """
    size = layout.size
    lines = [
        (row ^ flip).to_bytes(size, "big")
        for row, flip in zip(rows, layout.masks[mask], strict=True)
    ] + [
        (column ^ flip).to_bytes(size, "big")
        for column, flip in zip(columns, layout.masks_by_column[mask], strict=True)
    ]
    joined = _LINE_SEPARATOR.join(lines)
    modules = int.from_bytes(joined, "big")  # a module's next one in its line is 8 bits lower
    # N1: each run of five or more modules of one colour in a row or column, 3 + (length - 5),
    # that is (length - 4) windows of five alike, plus 2 for the window that starts the run.
    same_as_next = ~(modules ^ (modules << 8)) & layout.pairs
    five_alike = same_as_next & (same_as_next << 8) & (same_as_next << 16) & (same_as_next << 24)
    run_starts = five_alike & ~(same_as_next >> 8)
    n1 = five_alike.bit_count() + 2 * run_starts.bit_count()
    # N2: 3 for each 2×2 block of one colour (blocks overlap), counted at its lower right module.
    same_as_above = ~(modules ^ (modules >> layout.line_bits))
    same_as_left = ~(modules ^ (modules >> 8))
    n2 = (same_as_above & (same_as_above >> 8) & same_as_left & layout.block_corners).bit_count()
    # N3: 40 for each dark-light-dark×3-light-dark with four light modules on one side.
    n3 = _finder_like_penalty(joined, size)
    # N4: 10 for each full 5 % the dark share strays from 50 %.
    dark = (modules & layout.row_modules).bit_count()
    n4 = 10 * int(abs(float(dark) / (size**2) * 100 - 50) / 5)
    return n1 + 3 * n2 + n3 + n4


def _finder_like_penalty(joined: bytes, size: int) -> int:
    """segno's N3 over all rows and columns (``size`` modules each, one separator between),
    its matching rules kept exactly: where segno's search resumes after a hit (7 on) or a near
    miss (4 on) decides which overlapping patterns count."""
    stride = size + 1
    count = 0
    start = joined.find(_FINDER_LIKE)
    while start != -1:
        line_start = start - start % stride
        index = start - line_start
        if (
            index in (0, size - 7)
            or _DARK not in joined[max(start - 4, line_start) : start]
            or _DARK not in joined[start + 7 : min(start + 11, line_start + size)]
        ):
            count += 40
            start = joined.find(_FINDER_LIKE, start + 7)
        else:
            start = joined.find(_FINDER_LIKE, start + 4)
    return count


@functools.lru_cache(maxsize=16)
def _layout(version: int, error_level: str) -> _Layout:
    size = version * 4 + 17
    error = segno_consts.ERROR_MAPPING[error_level]
    # Modules that carry data: as segno's find_and_apply_best_mask decides it.
    function_patterns = segno_encoder.make_matrix(size, size)
    segno_encoder.add_finder_patterns(function_patterns, size, size)
    segno_encoder.add_alignment_patterns(function_patterns, size, size)
    function_patterns[-8][8] = 0x1
    is_data = [[value > 0x1 for value in row] for row in function_patterns]
    mask_functions = segno_encoder.get_data_mask_functions(False)
    masks = tuple(
        tuple(
            _lanes(1 if is_data[i][j] and mask_function(i, j) else 0 for j in range(size))
            for i in range(size)
        )
        for mask_function in mask_functions
    )
    # Modules that segno leaves blank while scoring and fills afterwards.
    info = _blank(size)
    segno_encoder.add_format_info(info, version, error, 0)
    segno_encoder.add_version_info(info, version)
    format_only = _blank(size)
    segno_encoder.add_format_info(format_only, version, error, 0)
    format_bits = []
    for mask in MASKS:
        written = _blank(size)
        segno_encoder.add_format_info(written, version, error, mask)
        format_bits.append(tuple(_lanes(v == 0x1 for v in row) for row in written))
    # Which modules of the rows-then-columns integer each penalty looks at.
    lines = 2 * size
    pairs = _lanes_of_lines(lines, size, lambda line, j: j < size - 1)
    block_corners = _lanes_of_lines(lines, size, lambda line, j: 1 <= line < size and j >= 1)
    row_modules = _lanes_of_lines(lines, size, lambda line, j: line < size)
    return _Layout(
        size=size,
        line_bits=8 * (size + 1),
        pairs=pairs,
        block_corners=block_corners,
        row_modules=row_modules,
        masks=masks,
        masks_by_column=tuple(_transpose(mask, size) for mask in masks),
        info_modules=tuple(_lanes(v != 0x2 for v in row) for row in info),
        info_modules_by_column=tuple(
            _transpose([_lanes(v != 0x2 for v in row) for row in info], size)
        ),
        format_modules=tuple(_lanes(v != 0x2 for v in row) for row in format_only),
        format_bits=tuple(format_bits),
    )


def _blank(size: int) -> tuple[bytearray, ...]:
    """A matrix of 0x2 ("not written"), to see which modules segno's functions write."""
    return tuple(bytearray(b"\x02" * size) for _ in range(size))


def _lanes(flags) -> int:
    return int.from_bytes(bytes(1 if flag else 0 for flag in flags), "big")


def _lanes_of_lines(lines: int, size: int, wanted) -> int:
    """Lanes over all lines laid end to end with a separator lane between them."""
    flags = []
    for line in range(lines):
        if line:
            flags.append(False)
        flags.extend(wanted(line, j) for j in range(size))
    return _lanes(flags)


def _transpose(rows, size: int) -> list[int]:
    as_bytes = [row.to_bytes(size, "big") for row in rows]
    return [int.from_bytes(bytes(column), "big") for column in zip(*as_bytes, strict=True)]
