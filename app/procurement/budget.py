"""SKPD and budget lines (DPA): creation and scoped reading."""
from __future__ import annotations

from marshmallow import Schema, fields, validate
from sqlalchemy import bindparam, select, update

from app.audit.services import record
from app.auth import roles
from app.common.errors import Conflict, Invalid
from app.common.money import rupiah
from app.common.validation import load
from app.extensions import db

from .models import BudgetLine, Skpd

BUDGET_CODE = r"^\d(\.\d{1,2}){4}\.\d{4}$"


class SkpdSchema(Schema):
    """Input for a new SKPD."""

    code = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Z0-9-]{2,20}$", error="Kode 2–20 huruf kapital, angka atau tanda hubung."),
    )
    name = fields.String(required=True, validate=validate.Length(min=3, max=200))


class BudgetLineSchema(Schema):
    """Input for a new budget line."""

    skpd_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    code = fields.String(
        required=True,
        validate=validate.Regexp(BUDGET_CODE, error="Format kode rekening seperti 5.1.02.01.01.0024."),
    )
    name = fields.String(required=True, validate=validate.Length(min=3, max=300))
    ceiling = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10**15))


def create_skpd(actor, data: dict) -> Skpd:
    """Create an SKPD with a unique code."""
    values = load(SkpdSchema(), data)
    if db.session.scalar(select(Skpd.id).where(Skpd.code == values["code"])):
        raise Conflict("Kode SKPD sudah dipakai.", {"code": ["Kode SKPD sudah dipakai."]})
    skpd = Skpd(**values)
    db.session.add(skpd)
    db.session.flush()
    record(actor, "skpd.create", "skpd", skpd.id, values)
    return skpd


def list_skpd() -> list[Skpd]:
    """Every SKPD, by code."""
    return list(db.session.scalars(select(Skpd).order_by(Skpd.code)))


def create_budget_line(actor, data: dict) -> BudgetLine:
    """Create a budget line of an SKPD for a fiscal year."""
    values = load(BudgetLineSchema(), data)
    if db.session.get(Skpd, values["skpd_id"]) is None:
        raise Invalid({"skpd_id": ["SKPD tidak ditemukan."]})
    exists = db.session.scalar(
        select(BudgetLine.id).where(
            BudgetLine.skpd_id == values["skpd_id"],
            BudgetLine.year == values["year"],
            BudgetLine.code == values["code"],
        )
    )
    if exists:
        raise Conflict("Kode rekening sudah ada untuk SKPD dan tahun ini.", {"code": ["Sudah ada."]})
    line = BudgetLine(committed=0, realized=0, **values)
    db.session.add(line)
    db.session.flush()
    record(actor, "budget_line.create", "budget_line", line.id, values)
    return line


def budget_lines_for(actor, year: int | None = None) -> list[BudgetLine]:
    """Budget lines the actor may see: its own SKPD's, or all for admin and finance."""
    query = select(BudgetLine).order_by(BudgetLine.skpd_id, BudgetLine.year, BudgetLine.code)
    if actor.role not in (roles.ADMIN, roles.FINANCE):
        if actor.skpd_id is None:
            return []
        query = query.where(BudgetLine.skpd_id == actor.skpd_id)
    if year is not None:
        query = query.where(BudgetLine.year == year)
    return list(db.session.scalars(query))


_lines = BudgetLine.__table__
_COMMIT_AMOUNT = (update(_lines)
                  .where(_lines.c.id == bindparam("line_id"),
                         _lines.c.committed + bindparam("amount") <= _lines.c.ceiling)
                  .values(committed=_lines.c.committed + bindparam("amount")))


def reserve(line: BudgetLine, amount: int) -> None:
    """Commit ``amount`` against the line's pagu, or raise Conflict; never beyond the ceiling."""
    if amount > line.ceiling:  # can never fit; and an absurd total must not reach the database's integers
        raise Conflict(f"Pagu {line.code} ({rupiah(line.ceiling)}) tidak cukup untuk {rupiah(amount)}.")
    result = db.session.connection().execute(_COMMIT_AMOUNT, {"line_id": line.id, "amount": amount})
    if result.rowcount != 1:
        db.session.refresh(line)
        raise Conflict(
            f"Sisa pagu {line.code} ({rupiah(line.available)}) tidak cukup untuk {rupiah(amount)}."
        )


def release(line_id: int, amount: int) -> None:
    """Give ``amount`` back to the line's available pagu."""
    if amount:
        db.session.execute(
            update(BudgetLine).where(BudgetLine.id == line_id)
            .values(committed=BudgetLine.committed - amount)
            .execution_options(synchronize_session=False)
        )


def realize(line_id: int, amount: int) -> None:
    """Record ``amount`` as paid from the line."""
    db.session.execute(
        update(BudgetLine).where(BudgetLine.id == line_id)
        .values(realized=BudgetLine.realized + amount)
        .execution_options(synchronize_session=False)
    )
