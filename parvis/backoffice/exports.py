"""Exports of a filtered list: CSV (semicolons, UTF-8 with BOM, as spreadsheets in French expect), XLSX
(openpyxl, write-only) and ODS (odfpy).

Rows are read in chunks (`iterator`) so that memory stays flat; the number of rows is capped by
settings.BACKOFFICE_EXPORT_MAX_ROWS before anything is produced. Texts that a spreadsheet would take
for a formula (starting with =, +, -, @) are prefixed with an apostrophe in CSV and XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.http import HttpResponse
from django.utils import timezone

from parvis.cases.deadlines import PARIS
from parvis.cases.models import Channel

HEADERS = ["Référence", "Démarche", "Usager", "Canal", "Reçue le", "Statut", "Décision implicite le",
           "Agent attribué"]
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CHANNELS = dict(Channel.choices)


def resident_name(case):
    applicant = case.applicant if case.applicant_id else None
    if applicant is not None:
        return applicant.full_name or applicant.email or f"#{applicant.pk}"
    return case.contact_email or ""


def assignee_name(case):
    assignee = getattr(case, "assignee", None)
    if assignee is None:
        return ""
    return assignee.full_name or assignee.email or ""


def case_rows(cases, catalogue):
    """One list of values per case, in the order of HEADERS (dates as date/datetime in Paris time)."""
    for case in cases:
        received = timezone.localtime(case.received_at, PARIS).replace(tzinfo=None, microsecond=0)
        yield [
            case.reference, case.procedure.title, resident_name(case), str(_CHANNELS.get(case.channel, case.channel)),
            received, str(catalogue.label(case.status)), case.implicit_decision_on, assignee_name(case),
        ]


def _safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _text(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_csv(rows, headers=HEADERS):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe(_text(value)) for value in row])
    return buffer.getvalue().encode("utf-8")


def write_xlsx(rows, headers=HEADERS, title="Dossiers"):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for name in headers:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, dt.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
            else:
                cell = WriteOnlyCell(sheet, value=_safe("" if value is None else str(value)))
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_ods(rows, headers=HEADERS, title="Dossiers"):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=title[:31])

    def text_cell(value):
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=value))
        return cell

    header = TableRow()
    for name in headers:
        header.addElement(text_cell(name))
    table.addElement(header)
    for row in rows:
        line = TableRow()
        for value in row:
            if isinstance(value, dt.datetime):
                cell = TableCell(valuetype="date", datevalue=value.isoformat(timespec="seconds"))
                cell.addElement(P(text=_text(value)))
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=_text(value)))
            else:
                cell = text_cell("" if value is None else str(value))
            line.addElement(cell)
        table.addElement(line)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "ods": write_ods}


def file_response(content, fmt, basename):
    content_type, extension = FORMATS[fmt]
    stamp = timezone.localtime(timezone.now(), PARIS).strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response
