"""The demo region's data (``app/demo/data/*.json``), loaded into named types.

The region is modelled on Kota Batu (Jawa Timur): three kecamatan, their
kelurahan/desa and streets, the work units of a city government with the budget
accounts they buy on, local businesses (UMKM) and the demo logins. Names of
businesses and people are invented. Another region is another set of data files.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent / "data"


@cache
def load(name: str):
    """The parsed data file ``data/<name>.json`` (read once)."""
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


class Account(NamedTuple):
    """A budget account (kode rekening belanja) and the range its pagu is drawn from, in rupiah."""

    code: str
    name: str
    low: int
    high: int


class CivilServant(NamedTuple):
    """A demo login of the city government; the NIP is made of ``born``, ``tmt`` and ``gender``."""

    username: str
    role: str
    skpd: str | None
    full_name: str
    born: str
    tmt: str
    gender: int


class SupplierLogin(NamedTuple):
    """A demo supplier login and the key of its business."""

    username: str
    key: str


@dataclass(frozen=True)
class SupplierRow:
    """One demo supplier; ``plan`` is how many active listings it has per category."""

    key: str
    name: str
    legal_form: str
    kecamatan: str
    kelurahan: str
    scale: str
    plan: tuple[tuple[str, int], ...]
    kbli: tuple[str, ...]
    status: str = "verified"
    reason: str | None = None


_region, _people = load("region"), load("people")

REGION_NAME: str = _region["name"]
DEMO_PASSWORD: str = _region["demo_password"]
ACCOUNTS = {key: Account(a["code"], a["name"], *a["ceiling"]) for key, a in _region["accounts"].items()}
SKPD = [(s["code"], s["name"], tuple(s["accounts"])) for s in _region["skpd"]]
KECAMATAN_CODE: dict[str, str] = _region["kecamatan_code"]
STREETS = {kec: {kel: tuple(streets) for kel, streets in kels.items()} for kec, kels in _region["streets"].items()}

MALE_NAMES, FEMALE_NAMES = tuple(_people["male_names"]), tuple(_people["female_names"])
MALE_SECOND_NAMES, FEMALE_SECOND_NAMES = tuple(_people["male_second_names"]), tuple(_people["female_second_names"])
BANKS = tuple(_people["banks"])
CIVIL_SERVANTS = [CivilServant(**row) for row in _people["civil_servants"]]
SUPPLIER_LOGINS = [SupplierLogin(*pair) for pair in _people["supplier_logins"].items()]
OWNER_NAMES: dict[str, str] = _people["owner_names"]  # owners whose names are part of the business name

SUPPLIERS = [SupplierRow(**{**row, "plan": tuple(row["plan"].items()), "kbli": tuple(row["kbli"])})
             for row in load("suppliers")]
