"""The central office service of the village information centres.

``create_app(test_config=None)`` builds the Flask app: defaults from
:func:`central_api.config.load_config`, then ``test_config``. The kiosk-facing API lives in
:mod:`central_api.api`; the command line in :mod:`central_api.cli`.
"""

from __future__ import annotations

from flask import Flask

from .config import load_config
from .context import Central
from .proxy import TrustedProxy


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    overrides = dict(test_config or {})
    config = load_config(
        **{k: overrides.pop(k) for k in ("CENTRAL_HOME", "DATABASE_URL") if k in overrides}
    )
    app.config.from_mapping(config)
    app.config.update(overrides)
    app.extensions["central"] = Central.from_config(app.config)
    if app.config.get("TRUSTED_PROXIES"):
        app.wsgi_app = TrustedProxy(app.wsgi_app, tuple(app.config["TRUSTED_PROXIES"]))

    from .api import bp as api_bp
    from .api import register_errors, verify_bp

    register_errors(app)
    app.register_blueprint(api_bp)
    app.register_blueprint(verify_bp)
    try:
        from .office import init_app as init_office
    except ImportError:  # the web office is built by a later issue
        init_office = None
    if init_office is not None:
        init_office(app)
    from .council import init_app as init_council

    init_council(app)
    return app


def central_of(app: Flask) -> Central:
    return app.extensions["central"]


def audit_hook(conn, actor: str, action: str, subject: str, details=None) -> None:
    """Append to the hash-chained audit log (central_api.audit) in the caller's transaction."""
    try:
        from .audit import record
    except ImportError:  # the audit module is not there yet
        return
    record(conn, actor, action, subject, details)
