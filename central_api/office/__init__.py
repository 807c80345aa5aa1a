"""The clerks' web office: server-rendered pages under ``/office/`` (issue 5).

Pages, and who may open them (one table, :data:`central_api.office.auth.ACCESS`; an endpoint
missing from it is refused to everyone)::

    sign-in, language switch, static files      anyone
    work queue, request page and its actions    clerk, admin
    notices                                     clerk, admin (publishing: admin)
    fleet: map, enrolment, revocation, staff    admin
    quarantine: refused records, retry          admin
    office users: disable, enable, password     admin
    service catalogue: see, check, publish      admin
    reports                                     clerk, admin, auditor
    audit log                                   auditor
    population register: search, entry          clerk, admin, registrar
    register: corrections                       registrar
    register: who looked at whom                auditor

Every form carries a CSRF token (Flask-WTF's ``CSRFProtect``, checked for this blueprint only:
the kiosk API authenticates by signed bundles, not cookies). Sessions live in the database
(:mod:`.auth`), so any web process can serve any browser and a sign-out ends the session
everywhere. Bulgarian is the default language; English is one click away (:mod:`.i18n`).
Nothing is loaded from the internet: CSS, the little JavaScript and the SVGs are served here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

SECRET_FILE = "office-secret.key"


def _secret_key(app: Flask) -> str:
    """The key that signs the office's cookies: from the configuration, else a file in the
    home's keys folder shared by every process (made once, by whichever process comes first)."""
    configured = app.config.get("OFFICE_SECRET_KEY") or app.config.get("SECRET_KEY")
    if configured:
        return configured
    folder = Path(app.config["CENTRAL_HOME"]) / "keys"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SECRET_FILE
    if not path.exists():
        # Written whole to a private temporary file, then linked into place: a link never
        # replaces an existing file, so of two processes starting at once one key wins and the
        # other reads it complete.
        temporary = folder / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    # Imported here, not at the top: the command line imports this package's tables, without
    # Flask. Importing the page modules attaches their routes to ``bp`` (once per process).
    from . import (  # noqa: F401
        actions,
        audit_view,
        auth,
        catalogue_admin,
        common,
        fleet,
        i18n,
        notices,
        officials_view,
        quarantine_view,
        queue,
        register_view,
        reports,
        request_view,
        staff,
        users_view,
    )
    from .blueprint import bp, csrf

    app.secret_key = _secret_key(app)
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # checked in auth.before_request
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    # Flask's defaults are always present, so replace them (not setdefault) unless configured.
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if app.config.get("SESSION_COOKIE_NAME") == "session":
        # Over HTTPS the cookie is Secure and __Host- prefixed: a browser then keeps it only
        # from this host over TLS, for every path, and no subdomain or plain-HTTP page can set
        # one in its place.
        https = bool(app.config.get("PUBLIC_HTTPS"))
        app.config["SESSION_COOKIE_NAME"] = "__Host-office_session" if https else "office_session"
        app.config["SESSION_COOKIE_SECURE"] = https
        app.config["SESSION_COOKIE_PATH"] = "/"
        app.config["SESSION_COOKIE_DOMAIN"] = None
    app.config.setdefault("OFFICE_SESSION_IDLE_MINUTES", 30)
    app.config.setdefault("OFFICE_SESSION_HOURS", 8)
    csrf.init_app(app)
    app.register_blueprint(bp)
