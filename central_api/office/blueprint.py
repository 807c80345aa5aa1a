"""The office's blueprint and its CSRF protection, which every page module attaches to."""

from __future__ import annotations

from flask import Blueprint
from flask_wtf.csrf import CSRFProtect

bp = Blueprint(
    "office",
    "central_api.office",  # templates and static files are found beside the package
    url_prefix="/office",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
csrf = CSRFProtect()
