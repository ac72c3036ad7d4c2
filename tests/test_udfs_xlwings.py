"""The XB_ functions through xlwings' own argument conversion (Office.js custom functions).

Classic xlwings UDFs need Excel on Windows, but ``xlwings.server`` (xlwings.pro.udfs_officejs)
runs the same converter pipeline on Linux: ``custom_functions_call`` takes the JSON payload
that Excel's Office.js sends, reads each argument with the registered options (``ndim=2``,
``err_to_str`` …), calls the function and writes the result back as Office.js expects it.
We register the same functions with the same options (``udfs.register``) and call them with
Office.js-shaped payloads: every argument a matrix, empty cells as "", Excel errors as
``{"type": "Error", "basicValue": "#N/A", …}``.
"""

from __future__ import annotations

import asyncio
import types

import pytest
import xlwings

from xlbudget import udfs
from xlbudget.core import seed

NA = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
NA_OUT = {"type": "Error", "errorType": "NotAvailable"}


@pytest.fixture(scope="module")
def officejs():
    """(module of the XB_ functions registered through xlwings.server, call helper)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings.server as server
    from xlwings.pro import _xlofficejs

    # xlwings registers its Office.js engine when it is first imported, and only if the
    # licence key was set then; other tests may have imported it earlier without it.
    added = "officejs" not in xlwings.engines.engines_by_name
    if added:
        engine = xlwings.main.Engine(impl=_xlofficejs.engine)
        xlwings.engines.add(engine)

    module = types.ModuleType("xb_officejs")
    for fn in udfs.UDFS:
        # A copy, so that registering does not touch the functions of xlbudget.udfs.
        copy = types.FunctionType(
            fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__
        )
        copy.__doc__ = fn.__doc__
        setattr(module, fn.__name__, udfs.register(copy, server.func, server.arg))

    def call(name: str, *args):
        data = {
            "func_name": name,
            "args": list(args),
            "caller_address": "Sheet1!D2",
            "version": xlwings.__version__,
            "client": "Office.js",
            "runtime": "1.4",
            "culture_info_name": "ko-KR",
            "date_format": "yyyy-mm-dd",
        }
        return asyncio.run(server.custom_functions_call(data, module))

    yield module, server, call
    if added:
        xlwings.engines.engines.remove(engine)
        del xlwings.engines.engines_by_name["officejs"]
    mp.undo()


def test_registration_matches_udfs(officejs) -> None:
    module, server, _ = officejs
    meta = server.custom_functions_meta(module)
    functions = {f["id"]: f for f in meta["functions"]}
    assert set(functions) == {fn.__name__ for fn in udfs.UDFS}
    for fn in udfs.UDFS:
        info = fn.__name__ and getattr(module, fn.__name__).__xlfunc__
        for arg in info["args"]:
            assert arg["doc"] == udfs.ARG_DOCS[arg["name"]]
            assert arg["options"] == udfs.arg_options(arg["name"])
        params = functions[fn.__name__]["parameters"]
        assert [p["description"] for p in params] == [a["doc"] for a in info["args"]]
        assert functions[fn.__name__]["description"] == fn.__doc__
    assert not hasattr(udfs.XB_RATE, "__xlfunc__")


def test_rate_column(officejs) -> None:
    *_, call = officejs
    new = [[10045], [9955], [""], [5], [110433], ["△594"]]
    base = [[10000], [10000], [10000], [""], [100589], ["1,000"]]
    assert call("XB_RATE", new, base, None) == [[0.5], [-0.5], [-100.0], [""], [9.8], [-159.4]]


def test_single_cells_and_optional_arguments(officejs) -> None:
    *_, call = officejs
    assert call("XB_RATE", [[10045]], [[10000]], [[2]]) == [[0.45]]
    assert call("XB_RATE", [[10045]], [[10000]]) == [[0.5]]  # digits omitted: default 1
    assert call("XB_RATE", [[10045]], [[10000]], [[""]]) == [[0.5]]  # an empty cell as digits
    assert call("XB_DIFF", [[109838]], [[110433]]) == [[-595.0]]
    assert call("XB_TRI", [[-594]]) == [["△594"]]
    assert call("XB_TRI", [[-0.54], [1234.5]], [[1]]) == [["△0.5"], ["1,234.5"]]


def test_won_examples(officejs) -> None:
    *_, call = officejs
    assert call("XB_WON", [[110433]], [["백만원"]]) == [["1,104억 3천 3백만원"]]
    assert call("XB_WON", [[120843]], [["천원"]], [["천만원"]], [[False]]) == [["1억2천만원"]]
    assert call("XB_WON", [[34400], [""]]) == [["3천 4백 4십만원"], [""]]
    out = call("XB_WON", [[1]], [["달러"]])
    assert out[0][0].startswith("#VALUE!") and "단위" in out[0][0]


def test_excel_errors_pass_through(officejs) -> None:
    """err_to_str makes an input #N/A arrive as text, so the answer is #N/A, not a blank."""
    *_, call = officejs
    out = call("XB_RATE", [[110], [NA], ["abc"]], [[100], [100], [100]])
    assert out[0] == [10.0]
    assert out[1] == [NA_OUT]  # written back as a real Excel error
    assert out[2] == ["#VALUE! 숫자가 아닙니다: 'abc'"]
    assert call("XB_TRI", [[NA]]) == [[NA_OUT]]


def test_execution_table(officejs) -> None:
    *_, call = officejs
    table = seed.load("집행현황")
    budget = [[int(v)] for v in table["예산현액"]]
    spent = [[int(v)] for v in table["지출액"]]
    assert call("XB_UNSPENT", budget, spent) == [[v] for v in table["불용률"]]
    execution = call("XB_EXEC", budget, spent, [[0]])
    assert all(float(e).is_integer() for (e,) in execution)


def test_mismatched_ranges(officejs) -> None:
    *_, call = officejs
    out = call("XB_DIFF", [[1], [2]], [[1], [2], [3]])
    assert out[0][0].startswith("#VALUE!") and "범위 크기" in out[0][0]
