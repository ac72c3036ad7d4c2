"""Build workbook/budget_review.xlsm from text sources, reproducibly.

Excel cannot run where the workbook is built, so the .xlsm is assembled from parts kept as
text in the repository: the seed CSVs (data), ``src/customUI14.xml`` (ribbon),
``src/vba/*.bas`` (our VBA) and xlwings' own standalone VBA modules.  openpyxl creates the
sheets of this new file (it never re-saves a user's workbook); the package layer of the file
adapter adds the ribbon and the VBA project and writes a zip whose bytes depend only on
those sources (fixed timestamps, part order and document dates), so the committed workbook
can be checked against a fresh build.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree as ET

from defusedxml.ElementTree import fromstring
from openpyxl import Workbook

from ..adapters.xlsx.package import CUSTOM_UI_PART, VBA_PART, Package, to_bytes, write_atomic
from ..core.errors import InputError
from ..core.report.templates import default_templates
from ..core.schema import FUNCTION_SHEET, TEMPLATE_PREFIX, XLWINGS_CONF_SHEET
from .examples import write_examples_sheet
from .functions import WORKBOOK_OPEN, functions_module
from .sheets import (
    write_input_sheets,
    write_rules_sheets,
    write_settings_sheet,
    write_template,
    write_xlwings_conf,
)
from .vba import VbaModule, build_vba_project, module_from_file, xlwings_standalone_modules

#: Document dates of every build (the seed report's date), so builds are byte-identical.
BUILD_TIMESTAMP = "2021-08-19T00:00:00Z"
WORKBOOK_BASE = "{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "{00020820-0000-0000-C000-000000000046}"
_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def source_dir() -> Path:
    """Directory of the text sources (ribbon XML, VBA), shipped inside the package."""
    return Path(str(resources.files("xlbudget.workbook") / "src"))


def ribbon_xml() -> bytes:
    """The ribbon part exactly as kept in ``src/customUI14.xml`` (checked to be well-formed)."""
    data = (source_dir() / "customUI14.xml").read_bytes()
    fromstring(data)
    return data


def document_module(name: str, base: str) -> VbaModule:
    """An empty document module (ThisWorkbook / a worksheet) with the attributes Excel stores."""
    header = (
        f'Attribute VB_Name = "{name}"\n'
        f'Attribute VB_Base = "0{base}"\n'
        "Attribute VB_GlobalNameSpace = False\n"
        "Attribute VB_Creatable = False\n"
        "Attribute VB_PredeclaredId = True\n"
        "Attribute VB_Exposed = True\n"
        "Attribute VB_TemplateDerived = False\n"
        "Attribute VB_Customizable = True\n"
    )
    return VbaModule(name, "document", header)


def own_modules() -> list[VbaModule]:
    """Our standard modules from ``src/vba/*.bas`` (ASCII only: VBA stores cp1252)."""
    modules = []
    for path in sorted((source_dir() / "vba").glob("*.bas")):
        data = path.read_bytes()
        if not data.isascii():
            raise ValueError(f"{path}: VBA sources must be ASCII-only")
        modules.append(module_from_file(path))
    return modules


def vba_modules(sheet_code_names: list[str]) -> list[VbaModule]:
    """Every module of the project: documents first (as Excel lists them), then code:
    xlwings' standalone modules, ours, and the XB_ functions generated from udfs.py."""
    workbook = document_module("ThisWorkbook", WORKBOOK_BASE)
    workbook = VbaModule(workbook.name, workbook.kind, workbook.source + WORKBOOK_OPEN)
    return [
        workbook,
        *(document_module(name, WORKSHEET_BASE) for name in sheet_code_names),
        *xlwings_standalone_modules(),
        *own_modules(),
        functions_module(),
    ]


def _write_templates(wb: Workbook) -> None:
    """The default 양식_ sheets (users may edit them in the workbook)."""
    for template in default_templates():
        write_template(wb.create_sheet(template.name), template)


def build_sheets(
    with_templates: bool = True, settings: Mapping[str, str] | None = None
) -> Workbook:
    """The openpyxl workbook: input sheets, 설정, templates, 함수예시, xlwings.conf.

    With ``settings`` it is an officer's own workbook: empty input tables, 설정 from
    ``settings`` (else defaults) and no 함수예시 (its examples point at the seed's cells).
    """
    wb = Workbook()
    wb.remove(wb.active)
    layouts = write_input_sheets(wb, empty=settings is not None)
    write_settings_sheet(wb, settings)
    write_rules_sheets(wb)
    if with_templates:
        _write_templates(wb)
    if settings is None:
        write_examples_sheet(wb, layouts)
    write_xlwings_conf(wb)
    wb.code_name = "ThisWorkbook"
    for i, ws in enumerate(wb.worksheets, start=1):
        ws.sheet_properties.codeName = f"Sheet{i}"
    # Only the review prints: the templates, the function examples and xlwings' settings
    # are hidden (still there and editable: 숨기기 취소 on any sheet tab shows them).
    for ws in wb.worksheets:
        if ws.title.startswith(TEMPLATE_PREFIX) or ws.title in (FUNCTION_SHEET, XLWINGS_CONF_SHEET):
            ws.sheet_state = "hidden"
    wb.active = 0
    wb.worksheets[0].sheet_view.tabSelected = True  # exactly one selected tab, as Excel saves
    wb.properties.creator = "xlbudget"
    wb.properties.title = "예산 검토보고서 작업 통합문서"
    return wb


def _fix_core_dates(data: bytes) -> bytes:
    """docProps/core.xml with fixed created/modified dates (openpyxl stamps 'now')."""
    for prefix, uri in _CORE_NS.items():
        ET.register_namespace(prefix, uri)  # xsi:type values name the dcterms prefix
    root = fromstring(data)
    for tag in ("created", "modified"):
        element = root.find(f"{{{_CORE_NS['dcterms']}}}{tag}")
        if element is None:
            element = ET.SubElement(
                root,
                f"{{{_CORE_NS['dcterms']}}}{tag}",
                {f"{{{_CORE_NS['xsi']}}}type": "dcterms:W3CDTF"},
            )
        element.text = BUILD_TIMESTAMP
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


def build_parts(
    with_templates: bool = True, settings: Mapping[str, str] | None = None
) -> dict[str, bytes]:
    """All parts of the finished .xlsm."""
    wb = build_sheets(with_templates, settings)
    code_names = [ws.sheet_properties.codeName for ws in wb.worksheets]
    buffer = io.BytesIO()
    wb.save(buffer)
    package = Package.from_bytes(buffer.getvalue(), "build.xlsm")
    package.parts["docProps/core.xml"] = _fix_core_dates(package.parts["docProps/core.xml"])
    package.parts[VBA_PART] = build_vba_project(vba_modules(code_names))
    package.parts[CUSTOM_UI_PART] = ribbon_xml()
    return package.finish(".xlsm")


def build_bytes(with_templates: bool = True, settings: Mapping[str, str] | None = None) -> bytes:
    """The .xlsm as bytes (identical for identical sources)."""
    return to_bytes(build_parts(with_templates, settings))


def build_workbook(path: str | Path, with_templates: bool = True) -> Path:
    """Write the .xlsm to ``path`` atomically and return the path."""
    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        raise InputError(f"작업 통합문서에는 매크로가 있어 이름이 .xlsm 으로 끝나야 합니다: {path}")
    write_atomic(build_bytes(with_templates), path)
    return path


def new_workbook(path: str | Path, settings: Mapping[str, str], overwrite: bool = False) -> Path:
    """An officer's own working workbook at ``path``: VBA, ribbon, 양식_ sheets, empty input
    tables and 설정 (``settings`` over the defaults).  An existing file is never replaced
    unless ``overwrite``."""
    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        raise InputError(f"작업 통합문서에는 매크로가 있어 이름이 .xlsm 으로 끝나야 합니다: {path}")
    if path.exists() and not overwrite:
        raise InputError(f"파일이 이미 있습니다: {path} (덮어쓰려면 --force)")
    if not path.parent.is_dir():
        raise InputError(f"폴더가 없습니다: {path.parent}")
    write_atomic(build_bytes(True, settings), path)
    return path
