"""Marshmallow schemas of SKPD, budget lines and orders."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from app.common.timeutil import isoformat

from .actions import next_step

# an id the database's integer column can hold; a larger one is refused (422), not sent to the driver
_id = validate.Range(min=1, max=2**31 - 1, error="Nomor tidak sah.")


class SkpdOutSchema(Schema):
    """An SKPD."""

    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class BudgetLineOutSchema(Schema):
    """A budget line with what is committed, realised and still available."""

    id = fields.Integer()
    skpd_id = fields.Integer()
    year = fields.Integer()
    code = fields.String()
    name = fields.String()
    ceiling = fields.Integer()
    committed = fields.Integer()
    realized = fields.Integer()
    available = fields.Integer()


class OrderLineInputSchema(Schema):
    """A line of a new order."""

    listing_id = fields.Integer(required=True, strict=True, validate=_id)
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1_000_000))
    start_date = fields.Date(load_default=None, allow_none=True)
    end_date = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def _dates(self, data, **_kwargs):
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            raise ValidationError("Tanggal selesai tidak boleh sebelum tanggal mulai.", "end_date")
        if start and end and (end - start).days > 365:
            raise ValidationError("Rentang sewa paling lama satu tahun.", "end_date")


class OrderInputSchema(Schema):
    """``POST /orders``."""

    budget_line_id = fields.Integer(required=True, strict=True, validate=_id)
    delivery_address = fields.String(required=True, validate=validate.Length(min=5, max=500))
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    lines = fields.List(fields.Nested(OrderLineInputSchema), required=True,
                        validate=validate.Length(min=1, max=50, error="Isi 1–50 baris pesanan."))


class OrderQuerySchema(Schema):
    """Filters of ``GET /orders``; unknown parameters are ignored."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=None)
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    skpd = fields.Integer(load_default=None, validate=_id)
    supplier = fields.Integer(load_default=None, validate=_id)
    etalase = fields.String(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class _Party(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class _SupplierRef(Schema):
    id = fields.Integer()
    name = fields.Function(lambda s: s.business_name)


class OrderLineSchema(Schema):
    """An order line as the API shows it."""

    listing_id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    unit_price = fields.Integer()
    counter_price = fields.Integer(allow_none=True)
    quantity = fields.Integer()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    days = fields.Integer(allow_none=True)
    line_total = fields.Integer()


class OrderTermsSchema(Schema):
    """What the order kept at its creation (PRODUCT.md §9 "Frozen terms")."""

    ppn_rate = fields.Function(lambda t: format(t.ppn_rate, "f"), metadata={
        "type": "string", "pattern": r"^\d+(\.\d+)?$", "example": "0.11",
        "description": "Tarif PPN saat pesanan dibuat, desimal sebagai teks (tepat, tanpa pembulatan float)."})
    is_pkp = fields.Boolean()
    has_pp55 = fields.Boolean()
    pph_kind = fields.String(metadata={
        "enum": ["pph22", "pph23", "final_pp55"],
        "description": "Aturan PPh pesanan: final_pp55 bila penyedia bersertifikat PP 55/2022, selain itu pph22 "
                       "untuk barang (dipotong hanya di atas ambang) dan pph23 untuk sewa dan jasa. "
                       "withholding.pph_kind menyebut PPh yang benar-benar dipotong."})
    bank_name = fields.String()
    bank_account = fields.String()
    bank_account_holder = fields.String()


def _next(order) -> dict | None:
    step = next_step(order)
    return step.as_json() if step is not None else None


_NEXT = {
    "type": "object", "nullable": True, "required": ["action", "role", "due"],
    "description": "Langkah berikutnya: tindakan, peran yang harus mengambilnya, dan batas waktunya (tanggal, "
                   "atau waktu dengan zona untuk jawaban penyedia); null bila tidak ada lagi yang ditunggu.",
    "properties": {"action": {"type": "string"}, "role": {"type": "string"},
                   "due": {"type": "string", "nullable": True}},
}


class OrderSchema(Schema):
    """An order as API.md describes it."""

    id = fields.Integer()
    number = fields.String()
    status = fields.String()
    skpd = fields.Nested(_Party)
    supplier = fields.Nested(_SupplierRef)
    budget_line_id = fields.Integer()
    delivery_address = fields.String()
    notes = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(OrderLineSchema))
    subtotal = fields.Integer()
    ppn = fields.Integer()
    total = fields.Integer()
    withholding = fields.Function(lambda o: {"ppn": o.withholding_ppn, "pph": o.withholding_pph, "pph_kind": o.pph_kind})
    net_to_supplier = fields.Integer()
    created_at = fields.Function(lambda o: isoformat(o.created_at))
    respond_by = fields.Function(lambda o: isoformat(o.respond_by))
    bast = fields.Function(lambda o: {"number": o.bast_number, "date": o.bast_date.isoformat()} if o.bast_number else None)
    payment = fields.Function(lambda o: {
        "sp2d_number": o.sp2d_number,
        "date": o.payment_date.isoformat() if o.payment_date else None,
        "due_date": o.due_date.isoformat() if o.due_date else None,
        "days_to_pay": (o.payment_date - o.bast_date).days if o.payment_date else None,
    } if o.payment_date else None)
    due_date = fields.Date(allow_none=True)
    rating = fields.Function(lambda o: {"score": o.rating_score, "comment": o.rating_comment} if o.rating_score else None)
    history = fields.Function(lambda o: [
        {"action": e.action, "status": e.status, "at": isoformat(e.at), "by": e.by_name, "reason": e.reason}
        for e in o.events])
    terms = fields.Nested(OrderTermsSchema)
    next = fields.Function(_next, metadata=_NEXT)
