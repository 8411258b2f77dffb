"""The figures of PRODUCT.md §6, by concern: what a report covers (``filters``), the transaction report
(``transactions``), the annual recap and dashboard (``recap``) and the public summary (``public``).

What other modules use is named here.
"""
from ..state import ACCEPTED_STATUSES
from .filters import (REPORT_ROLES, TRANSACTIONS, AnnualQuerySchema, Letterhead, Period, PublicQuerySchema,
                      ReportFilter, TransactionQuerySchema, filter_choices, letterhead)
from .public import PublicSummarySchema, public_recap, public_summary
from .recap import AnnualRecap, RecapSchema, annual_recap
from .transactions import PPH_LABELS, TransactionReport, TransactionRow, transaction_report

__all__ = ["ACCEPTED_STATUSES", "PPH_LABELS", "REPORT_ROLES", "TRANSACTIONS", "AnnualQuerySchema", "AnnualRecap",
           "Letterhead", "Period", "PublicQuerySchema", "PublicSummarySchema", "RecapSchema", "ReportFilter",
           "TransactionQuerySchema", "TransactionReport", "TransactionRow", "filter_choices", "letterhead",
           "annual_recap", "public_recap", "public_summary", "transaction_report"]
