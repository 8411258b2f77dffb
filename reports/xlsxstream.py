"""A small streaming XLSX writer: rows are serialised as they come, each sheet into a temporary
file, and the workbook is zipped at the end.

Half a million order lines go through it in seconds with flat memory (openpyxl's
write-only mode needs minutes for the same rows, spent styling one cell object
at a time). It writes what the reports need and nothing more: typed cells (a
number stays a number, a date a date), a fixed set of formats (rupiah,
thousands, one decimal, percent, date, date-time), a bold header row that can
be frozen and filtered, column widths and drop-down lists.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

RUPIAH = '"Rp"#,##0'
KINDS = ("text", "money", "int", "decimal", "percent", "date", "datetime")
_FORMAT_IDS = {"text": 0, "money": 164, "int": 3, "decimal": 165, "percent": 10, "date": 166, "datetime": 167}
_CUSTOM_FORMATS = {164: RUPIAH, 165: "#,##0.0", 166: "DD-MM-YYYY", 167: "DD-MM-YYYY HH:MM"}
_HEADER_STYLE = 1 + 2 * len(KINDS)
_EPOCH = datetime(1899, 12, 30)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_TEXT = 32_767
_FLUSH_ROWS = 500
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Column:
    """A column: its header, the kind of value (one of ``KINDS``), its width, and whether the
    totals row sums it."""

    header: str
    kind: str = "text"
    width: float = 14
    total: bool = False


@dataclass(frozen=True)
class ListCheck:
    """A drop-down list on one column, for ``rows`` rows under the header: ``source`` is an
    inline list (``'"a,b"'``) or a range of another sheet (``"Kategori!$C$2:$C$9"``)."""

    column: int
    source: str
    rows: int


def column_letter(index: int) -> str:
    """The letters of a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _style(kind: str, bold: bool = False) -> int:
    return 1 + 2 * KINDS.index(kind) + int(bold)


@lru_cache(maxsize=4096)
def _text(value: str) -> str:
    """Text for a cell: XML-escaped, without the control characters XML forbids, within Excel's length."""
    return escape(_ILLEGAL.sub("", value[:_MAX_TEXT]))


def _plain(value):
    """A date, time or flag as the number Excel stores; anything else not a number as text."""
    if isinstance(value, datetime):
        return (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86_400  # shown as given (WIB)
    if isinstance(value, date):
        return (value - _EPOCH.date()).days
    if isinstance(value, int):  # bool and other int subclasses
        return int(value)
    if isinstance(value, float):
        return float(value)
    return Decimal(value) if isinstance(value, Decimal) else str(value)


def _cell(ref: str, value, style: int) -> str:
    kind = type(value)
    if kind is str:
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if kind is int or kind is float or kind is Decimal:
        return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
    return _cell(ref, _plain(value), style)


class Sheet:
    """One sheet: a bold header row, then rows appended one by one, then :meth:`close`."""

    def __init__(self, title: str, columns: Sequence[Column], freeze: bool = True, checks: Sequence[ListCheck] = ()):
        self.title = title
        self.columns = tuple(columns)
        self.freeze = freeze
        self.checks = tuple(checks)
        self.sums = [0] * len(self.columns)
        self.rows = 0
        self.filter_ref: str | None = None
        self.closed = False
        self._refs = [column_letter(i) for i in range(len(self.columns))]
        self._styles = [_style(column.kind) for column in self.columns]
        self._summed = [index for index, column in enumerate(self.columns) if column.total]
        self._body = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
        self._pending: list[str] = []
        self._row([column.header for column in self.columns], [_HEADER_STYLE] * len(self.columns))

    def _row(self, values: Sequence, styles: Sequence[int]) -> None:
        self.rows += 1
        number = self.rows
        cells = "".join([_cell(f"{ref}{number}", value, style)
                         for ref, value, style in zip(self._refs, values, styles) if value is not None])
        self._pending.append(f'<row r="{number}">{cells}</row>')
        if len(self._pending) >= _FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        self._body.write("".join(self._pending).encode())
        self._pending.clear()

    def append(self, values: Sequence, kinds: Sequence[str] | None = None) -> None:
        """Add a data row; values follow the columns, ``kinds`` overrides the columns' kinds."""
        for index in self._summed:
            if values[index] is not None:
                self.sums[index] += values[index]
        self._row(values, [_style(kind) for kind in kinds] if kinds else self._styles)

    def close(self, totals: bool = True, filter_rows: bool = True) -> None:
        """Put the autofilter over header and data, then a bold totals row under them."""
        if filter_rows:
            self.filter_ref = f"A1:{self._refs[-1]}{self.rows}"
        if totals and any(column.total for column in self.columns):
            values = ["JUMLAH"] + [self.sums[i] if c.total else None for i, c in enumerate(self.columns)][1:]
            self._row(values, [_style(column.kind, bold=True) for column in self.columns])
        self._flush()
        self.closed = True

    def write_to(self, archive: zipfile.ZipFile, path: str) -> None:
        """Store the sheet's XML in the archive."""
        pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if self.freeze else ""
        widths = "".join(f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>'
                         for i, c in enumerate(self.columns, 1))
        head = (f'{_DECL}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0">'
                f'{pane}</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols>'
                '<sheetData>')
        tail = "</sheetData>"
        if self.filter_ref:
            tail += f'<autoFilter ref="{self.filter_ref}"/>'
        if self.checks:
            tail += f'<dataValidations count="{len(self.checks)}">' + "".join(
                f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" '
                f'sqref="{self._refs[c.column]}2:{self._refs[c.column]}{c.rows + 1}">'
                f'<formula1>{escape(c.source)}</formula1></dataValidation>' for c in self.checks) + "</dataValidations>"
        tail += '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        self._body.seek(0)
        with archive.open(path, "w", force_zip64=True) as out:
            out.write(head.encode())
            shutil.copyfileobj(self._body, out, 1024 * 1024)
            out.write(tail.encode())
        self._body.close()


class Workbook:
    """Sheets in order; :meth:`to_bytes` zips them with the parts every XLSX needs."""

    def __init__(self):
        self.sheets: list[Sheet] = []

    def sheet(self, title: str, columns: Sequence[Column], **options) -> Sheet:
        """Add a sheet (see :class:`Sheet` for the options)."""
        sheet = Sheet(title, columns, **options)
        self.sheets.append(sheet)
        return sheet

    def to_bytes(self) -> bytes:
        """The workbook as an XLSX file (zipped on disk, read once); sheets not closed yet are closed."""
        with tempfile.TemporaryFile() as file:
            self._write(file)
            file.seek(0)
            return file.read()

    def _write(self, file) -> None:
        with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
            for sheet in self.sheets:
                if not sheet.closed:
                    sheet.close()
            archive.writestr("[Content_Types].xml", self._content_types())
            archive.writestr("_rels/.rels", f'{_DECL}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
                             f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
            archive.writestr("xl/workbook.xml", self._workbook())
            archive.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels())
            archive.writestr("xl/styles.xml", _styles())
            for index, sheet in enumerate(self.sheets, 1):
                sheet.write_to(archive, f"xl/worksheets/sheet{index}.xml")

    def _content_types(self) -> str:
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
                         for i in range(1, len(self.sheets) + 1))
        return (f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                f'{sheets}</Types>')

    def _workbook(self) -> str:
        sheets = "".join(f'<sheet name={quoteattr(s.title)} sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self.sheets, 1))
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{escape(_quoted(s.title))}!{_absolute(s.filter_ref)}</definedName>"
            for i, s in enumerate(self.sheets) if s.filter_ref)
        return (f'{_DECL}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
                f'<sheets>{sheets}</sheets>' + (f"<definedNames>{names}</definedNames>" if names else "")
                + "</workbook>")

    def _workbook_rels(self) -> str:
        sheets = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                         for i in range(1, len(self.sheets) + 1))
        styles = f'<Relationship Id="rId{len(self.sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        return f'{_DECL}<Relationships xmlns="{_PKG}">{sheets}{styles}</Relationships>'


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    """``A1:V9`` as ``$A$1:$V$9``."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))


def _styles() -> str:
    """Two fonts (regular, bold), a header fill, and a regular and a bold style per kind, then the header."""
    formats = "".join(f'<numFmt numFmtId="{i}" formatCode={quoteattr(code)}/>' for i, code in _CUSTOM_FORMATS.items())
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
    for kind in KINDS:
        for bold in (0, 1):
            xfs.append(f'<xf numFmtId="{_FORMAT_IDS[kind]}" fontId="{bold}" fillId="0" borderId="0" xfId="0" '
                       'applyNumberFormat="1" applyFont="1"/>')
    xfs.append('<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
               'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>')
    return (f'{_DECL}<styleSheet xmlns="{_MAIN}"><numFmts count="{len(_CUSTOM_FORMATS)}">{formats}</numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="3"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill>'
            '<fill><patternFill patternType="solid"><fgColor rgb="FFE8EDE6"/><bgColor indexed="64"/></patternFill>'
            '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
