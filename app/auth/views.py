"""Pages: log in and out."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from app.common.errors import Throttled, Unauthorized
from app.extensions import db

from . import roles, services, sessions

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField("Nama pengguna", validators=[DataRequired("Isi nama pengguna.")])
    password = PasswordField("Kata sandi", validators=[DataRequired("Isi kata sandi.")])


HOME_BY_ROLE = {
    roles.ADMIN: "admin.dashboard",
    roles.SUPPLIER: "suppliers.dashboard",
    roles.PP: "procurement.worklist",
    roles.PPK: "procurement.worklist",
    roles.BENDAHARA: "procurement.worklist",
}


def home_url() -> str:
    """Where a logged-in user starts."""
    return url_for(HOME_BY_ROLE.get(current_user.role, "etalase.index"))


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    """Log in with a username and password; repeated failures are throttled."""
    if current_user.is_authenticated:
        return redirect(home_url())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data, request.remote_addr)
        except Unauthorized as exc:
            db.session.commit()
            form.password.errors.append(exc.message)
            status = 401
        except Throttled as exc:
            form.password.errors.append(exc.message)
            status = 429
        else:
            db.session.commit()
            sessions.begin(user)
            flash(f"Selamat datang, {user.full_name}.", "success")
            target = request.args.get("next", "")
            if target.startswith("/") and not target.startswith("//"):
                return redirect(target)
            return redirect(home_url())
    return render_template("auth/login.html", form=form), status


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    """Log out."""
    sessions.end()
    flash("Anda telah keluar.", "info")
    return redirect(url_for("etalase.index"))
