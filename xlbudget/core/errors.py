"""The project's errors, and the typed error value a worksheet function returns.

Every error a user can meet says what to do in Korean and names the file, sheet and cell
where it can: ``InputError`` for input xlbudget cannot work with (a missing table, a damaged
or hostile file, a bad option), ``OutputError`` for a result that could not be written (the
input and any earlier output are unchanged).  The command line maps both to exit code 2 and
one line of text; the ribbon to one message box.  Anything else is a bug.

``CellError`` is not an exception: it is the value a UDF computes for a cell it cannot
compute (``#VALUE!`` with the reason), so that an adapter can give Excel a real error value
(``CVErr``) instead of text that ``ISERROR`` and ``SUM`` cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass


class XbError(Exception):
    """Base of xlbudget's own errors: the message is for the user."""


class InputError(XbError, ValueError):
    """Input the pipeline cannot work with; the message names sheet, table and what is missing."""


class UnsafeFileError(InputError):
    """A file refused before parsing (damaged, encrypted, not a workbook, or hostile)."""


class OutputError(XbError):
    """The output could not be written; the input and any earlier output are unchanged."""


#: Excel's error codes that a worksheet function may answer with.
VALUE = "#VALUE!"
NUM = "#NUM!"
NA = "#N/A"


@dataclass(frozen=True, slots=True)
class CellError:
    """An Excel error value with the reason it was given (``#VALUE!`` + "숫자가 아닙니다")."""

    code: str
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.code} {self.reason}".strip()
