"""API: the admin's list of cuti bersama days."""
from flask import jsonify, request

from app.api.core import endpoint, json_body
from app.auth import roles
from app.extensions import db

from . import services
from .services import CutiBersamaOutSchema, CutiBersamaSchema, YearQuerySchema

_out = CutiBersamaOutSchema()


@endpoint("/admin/cuti-bersama", "GET", "Daftar cuti bersama (per tahun)", roles=(roles.ADMIN,),
          query=YearQuerySchema, response=CutiBersamaOutSchema, many=True, errors=(401, 403, 422))
def list_cuti_bersama(_user):
    """The cuti bersama days of ``?year=``, or of every year."""
    return jsonify(_out.dump(services.list_days_query(request.args.to_dict()), many=True))


@endpoint("/admin/cuti-bersama", "POST", "Tambah cuti bersama", roles=(roles.ADMIN,), body=CutiBersamaSchema,
          response=CutiBersamaOutSchema, status=201, errors=(401, 403, 409, 422))
def add_cuti_bersama(user):
    """Admin adds a cuti bersama day; deadlines from now on skip it."""
    day = services.add_day(user, json_body())
    db.session.commit()
    return jsonify(_out.dump(day)), 201


@endpoint("/admin/cuti-bersama/<int:day_id>", "DELETE", "Hapus cuti bersama", roles=(roles.ADMIN,),
          status=204, errors=(401, 403, 404))
def remove_cuti_bersama(user, day_id):
    """Admin removes a cuti bersama day."""
    services.remove_day(user, day_id)
    db.session.commit()
    return "", 204
