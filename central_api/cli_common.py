"""What every ``central-api`` command shares: the one-line errors, the Central it works on,
and printing for people or for scripts (``--json``)."""

from __future__ import annotations

import functools
import json

import click
from sqlalchemy.exc import DBAPIError

from sync import SyncError

from .context import Central
from .errors import CentralError

pass_central = click.make_pass_decorator(Central)


def friendly(command):
    """Turn domain errors into one line on stderr and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (CentralError, SyncError) as exc:
            raise click.ClickException(exc.message) from exc
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise click.ClickException(
                f"The database cannot be used ({reason}): check DATABASE_URL / CENTRAL_HOME "
                "and run `central-api init`."
            ) from exc

    return wrapper


def emit(value, as_json: bool, lines) -> None:
    if as_json:
        click.echo(json.dumps(value, ensure_ascii=False, indent=2))
    else:
        for line in lines:
            click.echo(line)
