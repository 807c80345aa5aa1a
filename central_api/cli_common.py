"""What every ``central-api`` command shares: the one-line errors, the Central it works on,
and printing for people or for scripts (``--json``)."""

from __future__ import annotations

import functools
import json

import click
from sqlalchemy.exc import DBAPIError

from sync import SyncError

from .context import Central
from .errors import CentralError, InvalidInputError

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


def check_ready_to_serve(central: Central) -> None:
    """Before a server starts: keys in place and the database at the newest schema."""
    from .db.migrate import current_revision, head_revision

    central.identity  # noqa: B018 - fails with a clear message when init has not run
    current = current_revision(central.engine)
    if current != head_revision():
        raise InvalidInputError(
            f"The database schema is at {current or 'nothing'}, not {head_revision()}: "
            "run `central-api init`."
        )
