"""What both register files share: reading the CSV, checking its columns and values, the report.

A file is read whole (UTF-8, with or without a byte-order mark, comma-separated, a header row),
every row is checked, and the problems are collected as :class:`RowProblem` values rather than
raised one by one, so a refused file lists everything to fix at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .errors import ImportRefusedError, RowProblem

__all__ = ["ImportReport", "RegisterFile", "Rows", "read_register_file"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    register: str  # population | taxes
    sha256: str
    rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    details: dict = field(default_factory=dict)  # counts of the register's own kinds of change
    changes: list[str] = field(default_factory=list)  # a few human lines, for --dry-run

    def as_dict(self) -> dict:
        return {
            "register": self.register,
            "sha256": self.sha256,
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            **self.details,
        }


@dataclass
class RegisterFile:
    sha256: str
    rows: list[tuple[int, dict[str, str]]]  # (line number, {column: stripped value})
    columns: list[str]


def read_register_file(
    data: bytes, what: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> RegisterFile:
    """Parse ``data``; refuse it (:class:`ImportRefusedError`) if it is not a CSV with the
    required columns and no unknown ones."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefusedError(
            [
                RowProblem(
                    1,
                    "*",
                    "файлът не е в UTF-8: запишете го като UTF-8 CSV",
                    f"the file is not UTF-8 (byte {exc.start}): save it as UTF-8 CSV",
                )
            ],  # fmt: skip
            what,
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ImportRefusedError(
            [RowProblem(1, "*", "файлът е празен", "the file is empty")], what
        ) from None
    problems = []
    for name in required:
        if name not in header:
            problems.append(
                RowProblem(
                    1,
                    name,
                    "липсва задължителна колона: добавете я в заглавния ред",
                    "a required column is missing: add it to the header row",
                )  # fmt: skip
            )
    for name in header:
        if name not in required and name not in optional:
            problems.append(
                RowProblem(
                    1,
                    name or "(празно)",
                    "непозната колона: махнете я или поправете името",
                    "unknown column: remove it or correct its name",
                )  # fmt: skip
            )
    if problems:
        raise ImportRefusedError(problems, what)
    rows = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            line = reader.line_num
            if len(values) != len(header):
                problems.append(
                    RowProblem(
                        line,
                        "*",
                        f"{len(values)} стойности вместо {len(header)}: "
                        "проверете запетаите и кавичките",
                        f"{len(values)} values instead of {len(header)}: check the commas "
                        "and quotes",
                    )  # fmt: skip
                )
                continue
            rows.append((line, {h: v.strip() for h, v in zip(header, values, strict=True)}))
    except csv.Error as exc:
        problems.append(
            RowProblem(
                reader.line_num,
                "*",
                f"редът не е правилен CSV ({exc})",
                f"the row is not valid CSV ({exc})",
            )  # fmt: skip
        )
    if problems:
        raise ImportRefusedError(problems, what)
    return RegisterFile(sha, rows, header)


class Rows:
    """Checks values of one file, collecting problems (``problems``) instead of raising."""

    def __init__(self, today: dt.date):
        self.today = today
        self.problems: list[RowProblem] = []

    def problem(self, line: int, column: str, bg: str, en: str) -> None:
        self.problems.append(RowProblem(line, column, bg, en))

    def date(self, line: int, row: dict, column: str, *, required: bool = False) -> str | None:
        value = row.get(column, "")
        if not value:
            if required:
                self.problem(line, column, "липсва дата: напишете я като ГГГГ-ММ-ДД",
                             "the date is missing: write it as YYYY-MM-DD")  # fmt: skip
            return None
        try:
            if not _DATE.match(value):
                raise ValueError(value)
            parsed = dt.date.fromisoformat(value)
        except ValueError:
            self.problem(line, column, f"„{value}“ не е дата: напишете я като ГГГГ-ММ-ДД",
                         f"'{value}' is not a date: write it as YYYY-MM-DD")  # fmt: skip
            return None
        if parsed > self.today and column not in ("due_date",):
            self.problem(line, column, f"датата {value} е в бъдещето: поправете я",
                         f"the date {value} is in the future: correct it")  # fmt: skip
            return None
        return value

    def cents(self, line: int, row: dict, column: str, *, required: bool) -> int | None:
        value = row.get(column, "")
        if not value:
            if required:
                self.problem(line, column, "липсва сума в евро (напр. 12.50)",
                             "the amount in euro is missing (e.g. 12.50)")  # fmt: skip
            return None if not required else None
        try:
            amount = Decimal(value.replace(",", "."))
        except InvalidOperation:
            amount = None
        if (
            amount is None
            or not amount.is_finite()
            or amount < 0
            or amount != amount.quantize(Decimal("0.01"))
        ):
            self.problem(line, column, f"„{value}“ не е сума в евро с до два знака след точката",
                         f"'{value}' is not an amount in euro with at most two decimals")  # fmt: skip
            return None
        return int(amount * 100)
