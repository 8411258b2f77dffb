"""Pages: the admin's cuti bersama days, per year."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import roles
from app.auth.access import deny_unless
from app.common.timeutil import tanggal, today_wib

from . import services
from .forms import CutiBersamaForm, RemoveForm

bp = Blueprint("kalender", __name__, url_prefix="/admin/cuti-bersama")


@bp.before_request
def _admin_only():
    """The calendar belongs to the catalog manager."""
    return deny_unless(roles.ADMIN)


@bp.route("", methods=["GET", "POST"])
def days():
    """The cuti bersama days of one year (``?tahun=``, this year by default), and a form to add one."""
    year = request.args.get("tahun", type=int)
    if year is None or not services.FIRST_YEAR <= year <= services.LAST_YEAR:
        year = today_wib().year
    form = CutiBersamaForm()
    added = form.submit_to(lambda: services.add_day(current_user, form.service_data()))
    if added:
        flash(f"Cuti bersama {tanggal(added.day)} ditambahkan.", "success")
        return redirect(url_for("kalender.days", tahun=added.day.year))
    return render_template("kalender/cuti_bersama.html", form=form, year=year,
                           days=services.list_days(year)), form.status


@bp.route("/<int:day_id>/hapus", methods=["GET", "POST"])
def remove(day_id):
    """Ask to confirm the removal of a cuti bersama day, then remove it."""
    day = services.get_day(day_id)
    year, label = day.day.year, f"{tanggal(day.day)} ({day.description})"
    form = RemoveForm()
    if form.submit_to(lambda: services.remove_day(current_user, day_id)):
        flash(f"Cuti bersama {label} dihapus.", "success")
        return redirect(url_for("kalender.days", tahun=year))
    return render_template("kalender/hapus.html", form=form, day=day), form.status
