"""Web forms of the catalog: a supplier's listing and photos, the admin's categories.

The rules are the services' (``ListingInputSchema``, ``CategoryInputSchema``);
these forms render, carry CSRF and hand the values over.
"""
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField

from app.common.forms import ServiceForm

from .schemas import UNITS


class ListingForm(ServiceForm):
    """A listing; build it with :meth:`for_etalase`, which asks stock or capacity as the storefront needs."""

    integer_fields = ("category_id", "price", "min_order", "lead_time_days", "stock", "capacity_per_day")

    category_id = SelectField("Kategori", validate_choice=False)
    name = StringField("Nama produk/jasa")
    description = TextAreaField("Deskripsi")
    unit = SelectField("Satuan", choices=[(u, u) for u in UNITS], validate_choice=False)
    price = StringField("Harga (Rp)")
    min_order = StringField("Minimal pesan", default="1")
    lead_time_days = StringField("Waktu persiapan (hari)", default="0")
    stock = StringField("Stok (jumlah satuan tersedia)")
    capacity_per_day = StringField("Kapasitas per hari")

    @classmethod
    def for_etalase(cls, etalase, listing=None, **kwargs) -> "ListingForm":
        """The form for a storefront, filled from ``listing`` if given: categories, price basis, stock or capacity."""
        form = cls(obj=listing, **kwargs)
        form.category_id.choices = [(str(c.id), c.name) for c in etalase.categories]
        if etalase.is_goods:
            del form.capacity_per_day
        else:
            del form.stock
            form.capacity_per_day.label.text = (
                "Unit tersedia per hari" if etalase.pricing == "per_day" else "Paket/pesanan yang sanggup dilayani per hari"
            )
        if etalase.pricing == "per_day":
            form.price.label.text = "Harga per satuan per hari (Rp)"
        else:
            form.price.label.text = "Harga per satuan (Rp)"
        return form


class PhotoForm(ServiceForm):
    """One photo of a listing."""

    photo = FileField("Foto (JPEG/PNG, maks. 5 MB)")


class CategoryForm(ServiceForm):
    """A new category under a storefront."""

    etalase = SelectField("Etalase", validate_choice=False)
    name = StringField("Nama kategori")
