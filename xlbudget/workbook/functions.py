"""The XB_ worksheet functions as VBA in the workbook: there when it opens, with real errors.

xlwings makes a UDF callable from Excel only after "Import Functions", which writes VBA into
the workbook and so needs the Trust Center's "access to the VBA project object model" — a
setting many council PCs lock.  Our functions are known when the workbook is built, so the
builder writes their wrappers itself, generated here from :mod:`xlbudget.udfs` (names,
arguments, defaults, help), the way xlwings' own generator writes them: each calls the
standalone ``XLPy.CallUDF``.  Nothing to import, nothing to allow.

Two things xlwings' wrappers cannot do, ours do:

* **Real error values.**  A classic xlwings UDF cannot return an Excel error (xlwings issue
  #776): the core's errors arrive as text ("#VALUE! 숫자가 아닙니다: '모름'").  The wrapper
  turns each such text, element by element, into the error value itself (``CVErr``), so
  ``ISERROR`` is TRUE and ``SUM`` does not skip it silently; the reason is kept, and
  ``=XB_WHY(cell)`` returns it.
* **Function Wizard help in Korean at open.**  ``Workbook_Open`` registers every function,
  its description and each argument's help (``Application.MacroOptions``) under the
  category 예산검토.

VBA source is stored in code page 1252, so Korean text is written as code points and decoded
by ``XbU`` at run time; the module stays ASCII.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from .. import udfs
from ..core.schema import TITLE
from .vba import VbaModule

MODULE = "XbFunctions"
#: Python argument names that are VBA keywords, and what the wrapper calls them.
VBA_NAMES = {"new": "newAmount"}
#: Excel's error texts and their CVErr numbers (xlErrNull … xlErrNA).
ERRORS = (
    ("#NULL!", 2000),
    ("#DIV/0!", 2007),
    ("#VALUE!", 2015),
    ("#REF!", 2023),
    ("#NAME?", 2029),
    ("#NUM!", 2036),
    ("#N/A", 2042),
)


def vba_name(name: str) -> str:
    return VBA_NAMES.get(name, name)


def utf16_hex(text: str) -> str:
    """Text as XbU decodes it: four hex digits per UTF-16 code unit."""
    data = text.encode("utf-16-be")
    return "".join(f"{data[i]:02X}{data[i + 1]:02X}" for i in range(0, len(data), 2))


def _u(text: str) -> str:
    """A VBA expression for ``text`` (ASCII as a literal, anything else through XbU)."""
    if text.isascii():
        return '"' + text.replace('"', '""') + '"'
    return f'XbU("{utf16_hex(text)}")'


def signature(fn: Callable[..., Any]) -> list[tuple[str, bool]]:
    """(argument, optional) of a worksheet function, as Python declares it."""
    return [
        (p.name, p.default is not inspect.Parameter.empty)
        for p in inspect.signature(fn).parameters.values()
    ]


def _wrapper(fn: Callable[..., Any]) -> list[str]:
    name = fn.__name__
    params = signature(fn)
    declared = ", ".join(("Optional " if opt else "") + vba_name(p) for p, opt in params)
    args = ", ".join(vba_name(p) for p, _ in params)
    return [
        f"Public Function {name}({declared})",
        "    If TypeOf Application.Caller Is Range Then On Error GoTo failed",
        f'    {name} = XbErrors(XLPy.CallUDF("xlbudget.udfs", "{name}", Array({args}), '
        "ThisWorkbook, Application.Caller), Application.Caller)",
        "    Exit Function",
        "failed:",
        f"    {name} = XbFailed(Err.Description, Application.Caller)",
        "End Function",
        "",
    ]


def _register(functions: Sequence[Callable[..., Any]]) -> list[str]:
    out = [
        "Public Sub XbRegisterFunctions()",
        "    ' Function Wizard help (Excel 2010 and later); harmless where it is not known.",
        "    On Error Resume Next",
        f"    Dim category As String: category = {_u(TITLE)}",
    ]
    for fn in functions:
        params = signature(fn)
        descriptions = ", ".join(_u(udfs.ARG_DOCS[p]) for p, _ in params)
        doc = (fn.__doc__ or "").strip().splitlines()[0]
        out.append(
            f'    Application.MacroOptions Macro:="{fn.__name__}", '
            f"Description:={_u(doc)}, Category:=category, "
            f"ArgumentDescriptions:=Array({descriptions})"
        )
    why = "오류 값이 나온 셀의 이유 | why a cell shows an error value"
    out += [
        f'    Application.MacroOptions Macro:="XB_WHY", Description:={_u(why)}, '
        f"Category:=category, ArgumentDescriptions:=Array({_u('오류가 난 셀 | the cell')})",
        "End Sub",
        "",
    ]
    return out


_HELPERS = r"""
Public Function XB_WHY(target As Range) As Variant
    Dim key As String
    XB_WHY = ""
    If xbReasons Is Nothing Then Exit Function
    key = target.Cells(1, 1).Address(External:=True)
    On Error Resume Next
    XB_WHY = xbReasons(key)
End Function

Private Sub XbRemember(ByVal caller As Variant, ByVal di As Long, ByVal dj As Long, _
                       ByVal reason As String)
    Dim key As String
    If Not TypeOf caller Is Range Then Exit Sub
    If xbReasons Is Nothing Then Set xbReasons = New Collection
    key = caller.Cells(1, 1).Offset(di, dj).Address(External:=True)
    On Error Resume Next
    xbReasons.Remove key
    xbReasons.Add reason, key
End Sub

Private Sub XbForget(ByVal caller As Variant, ByVal di As Long, ByVal dj As Long)
    If xbReasons Is Nothing Then Exit Sub
    If Not TypeOf caller Is Range Then Exit Sub
    On Error Resume Next
    xbReasons.Remove caller.Cells(1, 1).Offset(di, dj).Address(External:=True)
End Sub

' An error text of the core ("#VALUE! ...") as the error value itself; anything else as is.
Private Function XbError(ByVal value As Variant, ByVal caller As Variant, _
                         ByVal di As Long, ByVal dj As Long) As Variant
    Dim code As Long
    XbError = value
    If VarType(value) <> vbString Then
        XbForget caller, di, dj
        Exit Function
    End If
    code = XbErrorCode(CStr(value))
    If code = 0 Then
        XbForget caller, di, dj
        Exit Function
    End If
    XbRemember caller, di, dj, CStr(value)
    XbError = CVErr(code)
End Function

Private Function XbErrorCode(ByVal text As String) As Long
    XbErrorCode = 0
{codes}
End Function

' Element by element for an answer of many cells (1-D or 2-D), else the one value.
Private Function XbErrors(ByVal result As Variant, ByVal caller As Variant) As Variant
    Dim i As Long, j As Long, rows As Long
    If Not IsArray(result) Then
        XbErrors = XbError(result, caller, 0, 0)
        Exit Function
    End If
    rows = XbDimensions(result)
    If rows = 1 Then
        For j = LBound(result, 1) To UBound(result, 1)
            result(j) = XbError(result(j), caller, 0, j - LBound(result, 1))
        Next j
    Else
        For i = LBound(result, 1) To UBound(result, 1)
            For j = LBound(result, 2) To UBound(result, 2)
                result(i, j) = XbError(result(i, j), caller, i - LBound(result, 1), _
                                       j - LBound(result, 2))
            Next j
        Next i
    End If
    XbErrors = result
End Function

Private Function XbDimensions(ByVal values As Variant) As Long
    Dim upper As Long
    On Error GoTo one
    upper = UBound(values, 2)
    XbDimensions = 2
    Exit Function
one:
    XbDimensions = 1
End Function

' Python could not be reached (not installed, not found): a #VALUE! with the reason.
Private Function XbFailed(ByVal reason As String, ByVal caller As Variant) As Variant
    XbRemember caller, 0, 0, reason
    XbFailed = CVErr(2015)
End Function

' Text from code points (VBA source is stored in code page 1252: Korean is written so).
' (The digits are summed by hand: CLng("&HAC00") would be a negative Integer.)
Public Function XbU(ByVal hexCodes As String) As String
    Dim i As Long, k As Long, code As Long
    Dim out As String
    For i = 1 To Len(hexCodes) Step 4
        code = 0
        For k = i To i + 3
            code = code * 16 + InStr(1, "0123456789ABCDEF", Mid$(hexCodes, k, 1)) - 1
        Next k
        out = out & ChrW(code)
    Next i
    XbU = out
End Function
"""


def functions_module(functions: Sequence[Callable[..., Any]] = udfs.UDFS) -> VbaModule:
    """The XbFunctions module: a wrapper per worksheet function, XB_WHY, the registration."""
    codes = "\n".join(
        f'    If Left$(text, {len(code)}) = "{code}" Then XbErrorCode = {number}: Exit Function'
        for code, number in ERRORS
    )
    lines = [
        f'Attribute VB_Name = "{MODULE}"',
        "' xlbudget: the XB_ worksheet functions, generated from xlbudget/udfs.py when the",
        "' workbook is built (xlbudget/workbook/functions.py). Do not edit: rebuild instead.",
        "Option Explicit",
        "",
        "' The reasons of the error values the functions returned, by cell (for XB_WHY).",
        "Private xbReasons As Collection",
        "",
    ]
    for fn in functions:
        lines += _wrapper(fn)
    lines += _register(functions)
    lines += _HELPERS.replace("{codes}", codes).strip("\n").splitlines()
    return VbaModule(MODULE, "standard", "\n".join(lines) + "\n")


#: The ThisWorkbook code: the functions' help is registered each time the workbook opens.
WORKBOOK_OPEN = """Private Sub Workbook_Open()
    XbRegisterFunctions
End Sub
"""
