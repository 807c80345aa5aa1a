"""The municipality this central serves: its profile file, and the versions sent to the kiosks.

The administrator keeps the profile in ``municipality.toml`` in central's home, with the coat of
arms beside it (format: docs/operations.md, "The municipality profile"). ``central-api init
--municipality FILE`` installs one; ``central-api municipality check [FILE]`` checks one.
Whenever ``init`` or ``serve`` starts, :func:`publish_if_changed` compares the file with the
newest published version: a changed profile is stored as the next version and queued as
``municipality.updated`` for every active kiosk (a new kiosk gets it in its enrollment answer).
Everything at central that names the municipality or a settlement reads
:func:`current_municipality` (the newest published version, parsed once per process).

The profile's shape and checks are shared with the kiosk: :mod:`sync.municipality`.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

from sqlalchemy import Connection, func, insert, select

from sync.municipality import Municipality, MunicipalityError, from_mapping

from .db import utc_now
from .db.schema import kiosks, municipality_versions
from .errors import InvalidInputError, NotInitialisedError

__all__ = [
    "PROFILE_FILE",
    "Municipality",
    "current_municipality",
    "install_profile",
    "load_municipality",
    "publish_if_changed",
]

PROFILE_FILE = "municipality.toml"
FILE_KEYS = {"municipality", "settlements", "privacy"}
MUNICIPALITY_KEYS = {"name", "official_name", "province", "coat_of_arms", "verification_url"}


def load_municipality(path: Path | str) -> Municipality:
    """Read and check a profile file (and its coat of arms beside it).

    :class:`InvalidInputError` names the file, the key and what to fix.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInputError(
            f"{path}: there is no municipality profile here; copy the example in "
            "deploy/profiles/ and change it (docs/operations.md, The municipality profile)."
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot be read ({exc}).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(f"{path}: is not valid TOML ({exc}).") from exc
    unknown = sorted(set(data) - FILE_KEYS) + sorted(
        f"municipality.{key}" for key in set(data.get("municipality") or {}) - MUNICIPALITY_KEYS
    )
    if unknown:
        raise InvalidInputError(
            f"{path}: unknown key(s) {', '.join(unknown)}: the file holds [municipality] with "
            f"{', '.join(sorted(MUNICIPALITY_KEYS))}, and one [[settlements]] table each."
        )
    image = b""
    coat_of_arms = data.get("municipality", {}).get("coat_of_arms")
    if isinstance(coat_of_arms, str) and coat_of_arms.strip() and "/" not in coat_of_arms:
        image_path = path.parent / coat_of_arms.strip()
        try:
            image = image_path.read_bytes()
        except OSError as exc:
            raise InvalidInputError(
                f"{path}: coat_of_arms: the image {image_path} cannot be read; put it beside "
                "the profile or correct the file name."
            ) from exc
    try:
        return from_mapping(data, coat_of_arms_data=image)
    except MunicipalityError as exc:
        raise InvalidInputError(f"{path}: {exc.message}") from exc


def profile_path(home: Path) -> Path:
    return Path(home) / PROFILE_FILE


def install_profile(home: Path, source: Path | str) -> Municipality:
    """Check ``source`` and copy it (and its coat of arms) into central's home."""
    source = Path(source)
    municipality = load_municipality(source)
    target = profile_path(home)
    home.mkdir(parents=True, exist_ok=True)
    if source.resolve() != target.resolve():
        shutil.copyfile(source, target)
        if municipality.coat_of_arms:
            shutil.copyfile(
                source.parent / municipality.coat_of_arms, home / municipality.coat_of_arms
            )
    return municipality


def load_installed(home: Path) -> Municipality:
    path = profile_path(home)
    if not path.exists():
        raise NotInitialisedError(
            f"Central has no municipality profile ({path}): run `central-api init "
            "--municipality FILE` (an example is in deploy/profiles/)."
        )
    return load_municipality(path)


def publish_if_changed(
    conn: Connection, municipality: Municipality, by: str = "admin"
) -> tuple[int, bool]:
    """Store ``municipality`` as a new version if it differs from the newest, and queue it as
    ``municipality.updated`` for every active kiosk; (the version in force, whether it is new).
    """
    newest = _newest_version(conn)
    if newest and newest.same_content(municipality):
        return newest.version, False
    version = (newest.version if newest else 0) + 1
    published = municipality.with_version(version)
    body = published.to_json()
    conn.execute(
        insert(municipality_versions).values(
            version=version,
            data=json.dumps(body, ensure_ascii=False, sort_keys=True),
            published_at=utc_now(),
            published_by=by,
        )
    )
    from .workflow import queue_record

    active = conn.execute(select(kiosks.c.id).where(kiosks.c.revoked_at.is_(None))).scalars()
    for kiosk_id in active:
        queue_record(conn, kiosk_id, "municipality.updated", body)
    return version, True


def _newest_version(conn: Connection) -> Municipality | None:
    newest = select(func.max(municipality_versions.c.version)).scalar_subquery()
    data = conn.execute(
        select(municipality_versions.c.data).where(municipality_versions.c.version == newest)
    ).scalar()
    if data is None:
        return None
    if data not in _parsed:
        # Published versions never change, so each is parsed once per process (keyed by its
        # text: two databases in one process may both hold a version 1).
        _parsed[data] = Municipality.from_json(json.loads(data))
    return _parsed[data]


_parsed: dict[str, Municipality] = {}


def current_municipality(conn: Connection) -> Municipality:
    """The profile in force: the newest version published from central's ``municipality.toml``."""
    municipality = _newest_version(conn)
    if municipality is None:
        raise NotInitialisedError(
            "No municipality profile is published: run `central-api init --municipality FILE`."
        )
    return municipality
