"""SQL expressions the recap's statements share, written per dialect."""
from __future__ import annotations

from sqlalchemy import BigInteger, Integer, cast, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def whole_sum(column):
    """SUM as a whole number, 0 over no rows."""
    return cast(func.coalesce(func.sum(column), 0), BigInteger)


# Below this, 2 × total × part (+ whole) stays within bigint.
_EXACT_IN_BIGINT = 2_000_000_000


class _Written(FunctionElement):
    """An SQL expression of two arguments written per dialect: ``templates[dialect]`` (else ``"default"``),
    ``{0}`` and ``{1}`` standing for the arguments."""

    inherit_cache = True
    templates: dict[str, str] = {}


@compiles(_Written)
def _write(element, compiler, **kw):
    template = element.templates.get(compiler.dialect.name, element.templates["default"])
    return template.format(*(compiler.process(clause, **kw) for clause in element.clauses))


class Share(_Written):
    """``total × part / whole`` rounded half up (``money.share_half_up``), exact at any size: on PostgreSQL
    in bigint while the product fits (below ``_EXACT_IN_BIGINT``, and much faster than numeric), else in
    numeric; on SQLite by the app's own function on Python's integers (see ``configure_sqlite``)."""

    type = BigInteger()
    inherit_cache = True
    templates = {
        "default": "elokal_share({0}, {1}, {2})",
        "postgresql": "CASE WHEN {0} < %(limit)d AND {1} < %(limit)d THEN (2 * {0} * {1} + {2}) / (2 * {2}) "  # noqa: UP031 (keeps the str.format braces)
                      "ELSE CAST(div(2 * CAST({0} AS NUMERIC) * {1} + {2}, 2 * CAST({2} AS NUMERIC)) AS BIGINT) END"
                      % {"limit": _EXACT_IN_BIGINT},
    }


class Days(_Written):
    """Whole days from the second date to the first."""

    type = Integer()
    inherit_cache = True
    templates = {"default": "CAST(julianday({0}) - julianday({1}) AS INTEGER)", "postgresql": "({0} - {1})"}
