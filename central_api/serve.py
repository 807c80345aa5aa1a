"""Running the WSGI app under gunicorn, from code: several worker processes, threads in each.
(The long-poll service's own workers are in :mod:`central_api.longpoll_service`.)

Workers hold no state of their own (everything lives in the database), so two ``serve``
processes on one PostgreSQL behave as one service.
"""

from __future__ import annotations

import logging
import os

from gunicorn.app.base import BaseApplication


class ConfiguredGunicorn(BaseApplication):
    """gunicorn run from code: central's configuration, and gunicorn's options set as given.
    Subclasses say what each worker loads (the WSGI app here, the long-poll service in
    :mod:`central_api.longpoll_service`)."""

    def __init__(self, config: dict, options: dict):
        self.central_config = config
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)


class _Gunicorn(ConfiguredGunicorn):
    def load(self):
        from . import create_app

        app = create_app(
            {
                "CENTRAL_HOME": self.central_config["CENTRAL_HOME"],
                "DATABASE_URL": self.central_config["DATABASE_URL"],
            }
        )
        prepare_worker(app)
        return app


def prepare_worker(app) -> None:
    """What each server worker does once, before its first request (also called from
    deploy/gunicorn.conf.py's post_worker_init): on SQLite, start the background checkpointer,
    so that no request waits for one (central_api.db); and prepare each service's form check
    and due dates, so that a kiosk's first bundle to this worker does not pay for them; and load
    what issuing a document needs (the fonts, pyHanko, the key file), so that a clerk's first
    approval on this worker is not seconds slower than the next."""
    from . import central_of
    from .db import WalCheckpointer, is_sqlite, read
    from .records import warm_up

    engine = central_of(app).engine
    if is_sqlite(engine):
        WalCheckpointer(engine).start()
        # gunicorn's own logger: the journal shows it at the configured level.
        logging.getLogger("gunicorn.error").info(
            "worker %s: WAL checkpoints run in the background", os.getpid()
        )
    with read(engine) as conn:
        warm_up(conn)
    from .documents import register_fonts

    register_fonts()
    signer = central_of(app).document_signer  # None when the key is on a token
    if signer is not None:
        signer.pdf_signer()


def run(config: dict, host: str, port: int, workers: int = 2, threads: int = 4) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": max(1, workers),
        "worker_class": "gthread",
        "threads": max(1, threads),
        "timeout": 120,
        "graceful_timeout": 10,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "limit_request_line": 8190,
        "proc_name": "central-api",
    }
    _Gunicorn(config, options).run()
