"""The central office service of the village information centres.

``create_app(test_config=None)`` builds the Flask app: defaults from
:func:`central_api.config.load_config`, then ``test_config``. The kiosk-facing API lives in
:mod:`central_api.api`, the clerks' web office in :mod:`central_api.office`, the council in
:mod:`central_api.council`; the command line
in :mod:`central_api.cli`. docs/design.md has the module map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import load_config
from .context import Central

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    # Imported here, not at the top: the command line imports this package, and only `serve`
    # needs Flask (each other command would pay for loading it).
    from flask import Flask

    from .proxy import TrustedProxy

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

    # Imported here, not at the top: the command line imports this package and needs neither.
    from .api import bp as api_bp
    from .api import register_errors, verify_bp
    from .council import init_app as init_council
    from .office import init_app as init_office

    register_errors(app)
    app.register_blueprint(api_bp)
    app.register_blueprint(verify_bp)
    init_office(app)
    init_council(app)
    return app


def central_of(app: Flask) -> Central:
    return app.extensions["central"]
