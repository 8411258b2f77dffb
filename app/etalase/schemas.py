"""Marshmallow schemas of the catalog: listing input, search query and output."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_dump, validate, validates_schema

UNITS = ("pcs", "paket", "pax", "hari", "kg", "gram", "liter", "botol", "kotak", "lembar",
         "set", "unit", "buah", "ikat", "tangkai", "meter", "orang", "sesi", "jam", "porsi")
SORTS = ("relevance", "price", "-price", "newest", "rating")

_count = validate.Range(min=0, max=1_000_000)
MAX_PRICE = 10**12
# ids are database integers: a larger number is refused rather than overflowing the driver
_id = validate.Range(min=1, max=2**31 - 1, error="Nomor tidak sah.")


class ListingInputSchema(Schema):
    """Fields a supplier sets on a listing."""

    etalase = fields.String(required=True)
    category_id = fields.Integer(required=True, validate=_id)
    name = fields.String(required=True, validate=validate.Length(min=3, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    unit = fields.String(required=True, validate=validate.OneOf(UNITS))
    price = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10**12, error="Harga harus bilangan bulat rupiah lebih dari 0."))
    min_order = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1, max=100_000))
    lead_time_days = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0, max=365))
    stock = fields.Integer(allow_none=True, load_default=None, strict=True, validate=_count)
    capacity_per_day = fields.Integer(allow_none=True, load_default=None, strict=True, validate=validate.Range(min=1, max=100_000))


class ListingUpdateSchema(ListingInputSchema):
    """A partial update: every field optional, storefront fixed."""

    class Meta:
        exclude = ("etalase",)


class ListingQuerySchema(Schema):
    """Query parameters of catalog search, for pages and the API; unknown parameters are ignored."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="", validate=validate.Length(max=200))
    etalase = fields.String(load_default=None)
    category = fields.Integer(load_default=None, validate=_id)
    kecamatan = fields.String(load_default=None, validate=validate.Length(max=100))
    supplier = fields.Integer(load_default=None, validate=_id)
    min_price = fields.Integer(load_default=None, validate=validate.Range(min=0, max=MAX_PRICE))
    max_price = fields.Integer(load_default=None, validate=validate.Range(min=0, max=MAX_PRICE))
    scale = fields.String(load_default=None, validate=validate.OneOf(["mikro", "kecil", "menengah"]))
    available_from = fields.Date(load_default=None)
    available_to = fields.Date(load_default=None)
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))

    @validates_schema
    def _ranges(self, data, **_kwargs):
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise ValidationError("Harga minimum melebihi harga maksimum.", "min_price")
        start, end = data.get("available_from"), data.get("available_to")
        if (start is None) != (end is None):
            raise ValidationError("Isi tanggal mulai dan selesai.", "available_to")
        if start and end and end < start:
            raise ValidationError("Tanggal selesai sebelum tanggal mulai.", "available_to")
        if start and end and (end - start).days > 366:
            raise ValidationError("Rentang tanggal paling lama satu tahun.", "available_to")


class AvailabilityQuerySchema(Schema):
    """``start`` and ``end`` of an availability question."""

    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _range(self, data, **_kwargs):
        if data["end"] < data["start"]:
            raise ValidationError("Tanggal selesai sebelum tanggal mulai.", "end")
        if (data["end"] - data["start"]).days > 366:
            raise ValidationError("Rentang tanggal paling lama satu tahun.", "end")


class CategoryInputSchema(Schema):
    """A new category under a storefront."""

    etalase = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=2, max=100))


class CategorySchema(Schema):
    """A category as the API shows it."""

    id = fields.Integer()
    name = fields.String()


class EtalaseSchema(Schema):
    """A storefront with its categories."""

    code = fields.String()
    name = fields.String()
    categories = fields.List(fields.Nested(CategorySchema))


class ListingSupplierSchema(Schema):
    """The supplier as shown on a listing."""

    id = fields.Integer()
    name = fields.String(attribute="business_name")
    kecamatan = fields.String()
    scale = fields.String()
    rating = fields.Float(allow_none=True)


class ListingSchema(Schema):
    """A listing as the API shows it."""

    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    etalase = fields.String(attribute="etalase_code")
    category = fields.Nested(CategorySchema)
    unit = fields.String()
    price = fields.Integer()
    pricing = fields.String()
    min_order = fields.Integer()
    lead_time_days = fields.Integer()
    stock = fields.Integer(allow_none=True)
    capacity_per_day = fields.Integer(allow_none=True)
    supplier = fields.Nested(ListingSupplierSchema)
    status = fields.String()
    photos = fields.Method("_photos")

    def _photos(self, listing):
        return [f"/katalog/foto/{p.id}" for p in listing.photos]

    @post_dump(pass_original=True)
    def _one_capacity(self, data, listing, **_kwargs):
        """Show ``stock`` for goods and ``capacity_per_day`` for rentals and services."""
        data.pop("capacity_per_day" if listing.stock is not None else "stock", None)
        return data
