"""The XB_ functions built into the workbook as VBA: generated from udfs.py, read back by
olevba, parsed by an independent VBA grammar, and run by LibreOffice's VBA support.

Excel cannot run here.  What can be checked without it is checked three ways: the wrappers'
names and arguments are derived from ``xlbudget/udfs.py`` and compared with what olevba
reads out of the built file; every module of ours is parsed by antlr4-vba (a parser of the
VBA language generated from its grammar, not our writer); LibreOffice imports every module
as Basic (tests/workbook/test_libreoffice.py) and resolves the functions' names in cells.
What only Excel shows (the Function Wizard's help, a call reaching Python, the error values
and XB_WHY) is in docs/windows-check.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser

from tests.conftest import BUNDLED_WORKBOOK
from xlbudget import udfs
from xlbudget.workbook.build import own_modules
from xlbudget.workbook.functions import (
    MODULE,
    WORKBOOK_OPEN,
    functions_module,
    signature,
    utf16_hex,
    vba_name,
)

antlr = pytest.importorskip("antlr4_vba", reason="antlr4-vba (dev dependency) checks VBA syntax")


def vba_of(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_the_workbook_holds_a_wrapper_per_function() -> None:
    """Names, arguments and optional ones, as udfs.py declares them."""
    modules = vba_of(BUNDLED_WORKBOOK)
    code = next(c for name, c in modules.items() if name.startswith(MODULE))
    found = {
        m.group(1): [a.strip() for a in m.group(2).split(",") if a.strip()]
        for m in re.finditer(r"^Public Function (XB_\w+)\(([^)]*)\)", code, re.M)
    }
    expected = {
        fn.__name__: [("Optional " if opt else "") + vba_name(p) for p, opt in signature(fn)]
        for fn in udfs.UDFS
    }
    assert {k: v for k, v in found.items() if k != "XB_WHY"} == expected
    assert found["XB_WHY"] == ["target As Range"]
    for fn in udfs.UDFS:  # each one calls Python through xlwings, errors mapped
        assert f'XLPy.CallUDF("xlbudget.udfs", "{fn.__name__}"' in code
    assert "CVErr(code)" in code and "XbErrors(" in code
    this_workbook = next(c for name, c in modules.items() if name.startswith("ThisWorkbook"))
    assert "Private Sub Workbook_Open()" in this_workbook
    assert "XbRegisterFunctions" in this_workbook


def test_wizard_help_is_udfs_help_in_korean() -> None:
    """Every argument's help is ARG_DOCS' text, written as code points (VBA is cp1252)."""
    code = functions_module().source
    for fn in udfs.UDFS:
        line = next(x for x in code.splitlines() if f'Macro:="{fn.__name__}"' in x)
        for name, _ in signature(fn):
            assert utf16_hex(udfs.ARG_DOCS[name]) in line, (fn.__name__, name)
        assert "Category:=category" in line
    assert code.isascii()


def _parse(text: str) -> list[tuple[int, int, str]]:
    from antlr4 import CommonTokenStream, InputStream
    from antlr4.error.ErrorListener import ErrorListener
    from antlr4_vba.vbaLexer import vbaLexer
    from antlr4_vba.vbaParser import vbaParser

    class Errors(ErrorListener):
        def __init__(self) -> None:
            self.found: list[tuple[int, int, str]] = []

        def syntaxError(self, recognizer, symbol, line, column, message, e) -> None:
            self.found.append((line, column, message))

    errors = Errors()
    lexer = vbaLexer(InputStream(text.replace("\r\n", "\n")))
    lexer.removeErrorListeners()
    lexer.addErrorListener(errors)
    parser = vbaParser(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(errors)
    parser.startRule()
    return errors.found


def test_our_vba_parses_by_the_languages_grammar() -> None:
    """Our modules (the ribbon's, the functions', ThisWorkbook's code) against antlr4-vba;
    a broken procedure is rejected, so the check can fail."""
    modules = [m.source for m in own_modules()] + [functions_module().source]
    modules.append('Attribute VB_Name = "ThisWorkbook"\n' + WORKBOOK_OPEN)
    for source in modules:
        assert _parse(source) == [], source[:60]
    assert _parse('Attribute VB_Name = "X"\nSub A()\n    If x Then\nEnd Sub\n')
    declared_late = functions_module().source + "Private lateVariable As Long\n"
    assert _parse(declared_late)  # a declaration after the procedures: Excel refuses it
