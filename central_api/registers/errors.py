"""The registers' errors: each is a :class:`central_api.errors.CentralError`, so the web and the
CLI already know how to show it. Texts are Bulgarian first, then English.

::

    CentralError
    ├── NotFoundError
    │   └── PersonNotFoundError       no such person in the population register
    ├── InvalidInputError
    │   ├── ImportRefusedError        a register file was refused whole (``problems``: per row)
    │   └── CorrectionRefusedError    a registrar's correction lacks a reason or is malformed
    └── ConflictError
        └── NotDeceasedError          heirs asked for a person the register does not hold as dead
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.wording import counted

from ..errors import ConflictError, InvalidInputError, NotFoundError

__all__ = [
    "CorrectionRefusedError",
    "ImportRefusedError",
    "NotDeceasedError",
    "PersonNotFoundError",
    "RowProblem",
]


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one row of a register file: where, and what to fix (BG, EN)."""

    line: int
    column: str
    bg: str
    en: str

    def __str__(self) -> str:
        return f"ред {self.line}, колона {self.column}: {self.bg} / line {self.line}, column {self.column}: {self.en}"


class PersonNotFoundError(NotFoundError):
    code = "person_not_found"


class ImportRefusedError(InvalidInputError):
    code = "register_file_refused"

    def __init__(self, problems: list[RowProblem], what: str):
        self.problems = list(problems)
        shown = "\n".join(str(problem) for problem in self.problems[:200])
        more = len(self.problems) - 200
        tail = f"\n… и още {more} / … and {more} more" if more > 0 else ""
        super().__init__(
            f"Файлът ({what}) не е внесен, нищо не е записано: "
            f"{counted(len(self.problems), 'problem', 'bg')}. Поправете ги и внесете файла "
            f"отново. / The {what} file was not imported, nothing was stored: "
            f"{counted(len(self.problems), 'problem', 'en')}. Fix them and import the file again.\n"
            + shown
            + tail
        )


class CorrectionRefusedError(InvalidInputError):
    code = "correction_refused"


class NotDeceasedError(ConflictError):
    code = "not_deceased"
