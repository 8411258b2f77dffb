"""API: public catalog reads and the supplier's listings."""
from flask import jsonify, request

from app.api.core import endpoint, json_body, list_response
from app.auth import roles
from app.extensions import db
from app.suppliers.schemas import ReasonSchema

from . import services
from .schemas import (
    AvailabilityQuerySchema,
    CategoryInputSchema,
    CategorySchema,
    EtalaseSchema,
    ListingInputSchema,
    ListingQuerySchema,
    ListingSchema,
    ListingUpdateSchema,
)

listing_schema = ListingSchema()


@endpoint("/etalase", "GET", "Tiga etalase dengan kategorinya", response=EtalaseSchema, many=True)
def list_etalase(_user):
    """The storefronts with their categories."""
    return jsonify(EtalaseSchema(many=True).dump(services.storefronts()))


@endpoint("/listings", "GET", "Cari produk tayang", query=ListingQuerySchema, response=ListingSchema,
          many=True, errors=(422,))
def search_listings(_user):
    """Search the public catalog."""
    page = services.search(request.args.to_dict())
    return list_response(listing_schema.dump(page.items, many=True), page.meta())


@endpoint("/listings/<int:listing_id>", "GET", "Rincian produk", response=ListingSchema, errors=(404,))
def get_listing(user, listing_id):
    """One listing."""
    return jsonify(listing_schema.dump(services.get_listing(user, listing_id)))


@endpoint("/listings/<int:listing_id>/availability", "GET", "Ketersediaan per hari (jasa) atau stok (produk)",
          query=AvailabilityQuerySchema, response={"oneOf": [
              {"type": "array", "items": {"type": "object", "properties": {
                  "date": {"type": "string", "format": "date"}, "available": {"type": "integer"}}}},
              {"type": "object", "properties": {"stock": {"type": "integer"}}}]},
          errors=(404, 422))
def listing_availability(user, listing_id):
    """Free capacity per day, or the stock."""
    listing = services.get_listing(user, listing_id)
    result = services.availability(listing, request.args.to_dict())
    if isinstance(result, list):
        result = [{"date": r["date"].isoformat(), "available": r["available"]} for r in result]
    return jsonify(result)


@endpoint("/listings", "POST", "Tambah produk (draf)", roles=(roles.SUPPLIER,), body=ListingInputSchema,
          response=ListingSchema, status=201, errors=(401, 403, 422))
def create_listing(user):
    """A supplier creates a draft listing."""
    listing = services.create_listing(user, json_body())
    db.session.commit()
    return jsonify(listing_schema.dump(listing)), 201


@endpoint("/listings/<int:listing_id>", "PATCH", "Ubah produk", roles=(roles.SUPPLIER,),
          body=ListingUpdateSchema, response=ListingSchema, errors=(401, 403, 404, 422))
def update_listing(user, listing_id):
    """The owner edits its listing; price changes are kept."""
    listing = services.get_listing(user, listing_id)
    services.update_listing(user, listing, json_body())
    db.session.commit()
    return jsonify(listing_schema.dump(listing))


def _listing_action(action: str, allowed: tuple[str, ...], summary: str, with_reason: bool = False):
    """Declare ``POST /listings/{id}/{action}``, a status change through the listing's state class."""

    def view(user, listing_id):
        listing = services.get_listing(user, listing_id)
        services.change_status(user, listing, action, json_body() if with_reason else {})
        db.session.commit()
        return jsonify(listing_schema.dump(listing))

    view.__name__ = f"listing_{action}"
    return endpoint(
        f"/listings/<int:listing_id>/{action}", "POST", summary, roles=allowed,
        body=ReasonSchema if with_reason else None, response=ListingSchema,
        errors=(401, 403, 404, 409, 422),
    )(view)


_listing_action("submit", (roles.SUPPLIER,), "Ajukan produk untuk kurasi")
_listing_action("deactivate", (roles.SUPPLIER,), "Turunkan produk dari katalog")
_listing_action("approve", (roles.ADMIN,), "Setujui produk (tayang)")
_listing_action("return", (roles.ADMIN,), "Kembalikan produk ke penyedia", with_reason=True)
_listing_action("freeze", (roles.ADMIN,), "Bekukan produk (harga tidak wajar)", with_reason=True)


@endpoint("/listings/<int:listing_id>/photos", "POST", "Unggah foto produk (JPEG/PNG)", roles=(roles.SUPPLIER,),
          multipart={"photo": "binary"}, response=ListingSchema, status=201, errors=(401, 403, 404, 409, 422))
def upload_photo(user, listing_id):
    """The owner adds a photo."""
    listing = services.get_listing(user, listing_id)
    services.add_photo(user, listing, request.files.get("photo"))
    db.session.commit()
    return jsonify(listing_schema.dump(listing)), 201


@endpoint("/admin/categories", "POST", "Tambah kategori", roles=(roles.ADMIN,), body=CategoryInputSchema,
          response=CategorySchema, status=201, errors=(401, 403, 409, 422))
def create_category(user):
    """Admin adds a category under a storefront."""
    category = services.create_category(user, json_body())
    db.session.commit()
    return jsonify(CategorySchema().dump(category)), 201
