"""Running the app under gunicorn, from code: several worker processes, threads in each.

Workers hold no state of their own (everything lives in the database), so two ``serve``
processes on one PostgreSQL behave as one service.
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, config: dict, options: dict):
        self.central_config = config
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from . import central_of, create_app
        from .db import WalCheckpointer, is_sqlite

        app = create_app(
            {
                "CENTRAL_HOME": self.central_config["CENTRAL_HOME"],
                "DATABASE_URL": self.central_config["DATABASE_URL"],
            }
        )
        engine = central_of(app).engine
        if is_sqlite(engine):
            # In each worker: its requests never wait for a checkpoint (central_api.db).
            WalCheckpointer(engine).start()
        return app


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
