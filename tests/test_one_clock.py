"""One clock: no code in ``app/`` or ``reports/`` reads the system clock except ``app.common.timeutil.now``.

Python's clocks (``datetime.now``/``utcnow``/``today``, ``date.today``, ``time.time`` and
friends, under any import alias) and the database's (``func.now()``, SQL ``now()``,
``CURRENT_TIMESTAMP``, SQLite's ``'now'``) would each tell a different time than the one
the rules and the tests run on.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THE_CLOCK = ("app/common/timeutil.py", "now")  # the one function allowed to read it
CLOCK_METHODS = {"datetime": {"now", "utcnow", "today"}, "date": {"today"},
                 "time": {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"}}
SQL_FUNCTIONS = {"now", "current_timestamp", "current_date", "current_time", "localtimestamp", "localtime",
                 "sysdate", "clock_timestamp", "statement_timestamp", "transaction_timestamp"}
SQL_CLOCK = re.compile(r"\bnow\s*\(|\bcurrent_(timestamp|date|time)\b|\blocaltimestamp\b|\bclock_timestamp\b"
                       r"|\b(statement|transaction)_timestamp\b|'now'", re.IGNORECASE)


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local names of the modules and classes that own a clock: ``{"dt": "datetime", "datetime": "datetime", …}``."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("datetime", "time"):
                    names[alias.asname or alias.name] = alias.name + "-module"
        elif isinstance(node, ast.ImportFrom) and node.module in ("datetime", "time"):
            for alias in node.names:
                owner = alias.name if node.module == "datetime" else "time-function"
                names[alias.asname or alias.name] = owner if alias.name != "*" else "star"
    return names


def _owner(node: ast.expr, names: dict[str, str]) -> str | None:
    """Which clock owner ``node`` names: ``datetime``/``date`` (the classes) or ``time`` (the module)."""
    if isinstance(node, ast.Name):
        found = names.get(node.id)
        return {"datetime-module": None, "time-module": "time"}.get(found, found)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if names.get(node.value.id) == "datetime-module" and node.attr in ("datetime", "date"):
            return node.attr
    return None


def clock_reads(source: str, path: str = "<snippet>") -> list[str]:
    """Where ``source`` reads a clock other than the one clock: ``path:line what``."""
    tree = ast.parse(source)
    names = _aliases(tree)
    allowed = set()
    if path == THE_CLOCK[0]:
        allowed = {id(n) for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == THE_CLOCK[1]
                   for n in ast.walk(f)}
    allowed |= {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}  # docstrings: prose, not SQL
    found = []
    for node in ast.walk(tree):
        if id(node) in allowed:
            continue
        what = None
        if isinstance(node, ast.Attribute):
            owner = _owner(node.value, names)
            if owner and node.attr in CLOCK_METHODS.get(owner, ()):
                what = f"{owner}.{node.attr}"
            elif isinstance(node.value, ast.Name) and node.value.id == "func" and node.attr.lower() in SQL_FUNCTIONS:
                what = f"func.{node.attr}"
        elif isinstance(node, ast.Name) and names.get(node.id) == "time-function" and node.id in CLOCK_METHODS["time"]:
            what = f"time.{node.id}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_CLOCK.search(node.value):
            what = f"SQL {SQL_CLOCK.search(node.value).group(0)!r}"
        if what:
            found.append(f"{path}:{node.lineno} {what}")
    return found


def test_app_and_reports_read_no_clock_but_timeutil_now():
    files = sorted(p for folder in ("app", "reports", "migrations") for p in (ROOT / folder).rglob("*.py"))
    assert len(files) > 50
    found = [hit for p in files for hit in clock_reads(p.read_text(), p.relative_to(ROOT).as_posix())]
    assert found == []


@pytest.mark.parametrize("snippet", [
    "from datetime import datetime\nx = datetime.now()",
    "from datetime import datetime as dt\nx = dt.utcnow()",
    "import datetime\nx = datetime.date.today()",
    "import datetime as d\nx = d.datetime.now",
    "from datetime import date\nx = date.today()",
    "import time\nx = time.time()",
    "from time import time\nx = time()",
    "from sqlalchemy import func\nx = func.now()",
    "q = 'SELECT * FROM orders WHERE respond_by < now()'",
    "q = \"UPDATE t SET at = CURRENT_TIMESTAMP\"",
    "q = \"SELECT date('now')\"",
    "def f():\n    return text('SELECT now ()')",
])
def test_the_check_finds_each_way_of_reading_a_clock(snippet):
    assert len(clock_reads(snippet)) == 1, clock_reads(snippet)


def test_the_check_leaves_alone_what_is_not_a_clock():
    source = ("import time\nfrom datetime import date, datetime\nfrom app.common.timeutil import now, today_wib\n"
              "x = now(); y = today_wib(); z = date(y.year, 1, 1); w = datetime.combine(z, datetime.min.time())\n"
              "t = time.monotonic(); u = time.perf_counter()\nmessage = 'Sekarang (now) juga'\n"
              "def f():\n    \"\"\"Read the figures now (and share them).\"\"\"\n")
    assert clock_reads(source) == []
