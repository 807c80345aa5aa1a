"""Running the WSGI app under gunicorn, from code: several worker processes, threads in each.
(The long-poll service's own workers are in :mod:`central_api.longpoll_service`.)

Workers hold no state of their own (everything lives in the database), so two ``serve``
processes on one PostgreSQL behave as one service.
"""

from __future__ import annotations

import gc
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
        prepare_app(app)
        return app


def prepare_app(app) -> None:
    """What the workers share, done once in gunicorn's master before it forks them
    (``preload_app``; deploy/gunicorn.conf.py too): prepare each service's form check and due
    dates, so that a kiosk's first bundle to a worker does not pay for them; and load what
    issuing a document needs (the fonts, pyHanko, the key file), so that a clerk's first
    approval is not seconds slower than the next. Each forked worker inherits all of it instead
    of loading it again. No database connection may cross the fork: the engine's pool is
    emptied at the end; and the objects made so far are frozen out of the garbage collector."""
    from . import central_of
    from .db import read
    from .records import warm_up

    central = central_of(app)
    with read(central.engine) as conn:
        warm_up(conn)
    from .documents import register_fonts

    register_fonts()
    from .passwords import timing_hash

    timing_hash()  # made once here, not by each worker's first unknown name at sign-in
    signer = central.document_signer  # None when the key is on a token (opened per worker)
    if signer is not None:
        signer.pdf_signer()
    central.engine.dispose()
    # Python's advice for fork without exec: without it each worker's collector and exit touch
    # every inherited object, copying the master's pages (~0.6 s of CPU per worker, measured).
    gc.freeze()
    logging.getLogger("gunicorn.error").info(
        "master %s: app loaded and prepared; the workers are forked from it", os.getpid()
    )


def start_worker(app) -> None:
    """What each forked worker does once, before its first request (post_worker_init, here and
    in deploy/gunicorn.conf.py): drop any pooled connection it inherited without closing the
    parent's (SQLAlchemy's rule for os.fork); on SQLite, start the background checkpointer
    thread (threads do not survive a fork), so that no request waits for one (central_api.db)."""
    from . import central_of
    from .db import WalCheckpointer, is_sqlite

    engine = central_of(app).engine
    engine.dispose(close=False)
    if is_sqlite(engine):
        WalCheckpointer(engine).start()
        # gunicorn's own logger: the journal shows it at the configured level.
        logging.getLogger("gunicorn.error").info(
            "worker %s: WAL checkpoints run in the background", os.getpid()
        )


def _post_worker_init(worker) -> None:
    start_worker(worker.wsgi)


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
        # The app is loaded once, in the master, and the workers are forked from it: two
        # workers cost one start-up instead of three (prepare_app).
        "preload_app": True,
        "post_worker_init": _post_worker_init,
    }
    _Gunicorn(config, options).run()
