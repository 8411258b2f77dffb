"""Cuti bersama: the joint leave days the government sets each year (SKB 3 Menteri)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class CutiBersama(db.Model):
    """A cuti bersama day: government offices are closed, so it is no working day."""

    __tablename__ = "cuti_bersama"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    description: Mapped[str] = mapped_column(String(200))
