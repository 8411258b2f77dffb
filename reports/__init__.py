"""Renderers of documents and reports: plain data in, bytes out.

``reports.pdf`` lays out PDFs with WeasyPrint from ``templates/reports/``,
``reports.xlsx`` streams workbooks with openpyxl's write-only mode, and
``reports.charts`` draws inline SVG bar charts for pages and PDFs alike.
Nothing here queries the database: the module that owns the data prepares it
(``app.procurement.reporting``, ``app.procurement.documents``,
``app.etalase.imports``) and hands it over.
"""
