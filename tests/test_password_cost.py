"""The argon2 cost as a deployment setting (CENTRAL_ARGON2, KIOSK_ARGON2): production keeps
argon2-cffi's RFC 9106 low-memory default, a wrong value is refused with what to write, and a
change of the setting locks nobody out."""

from __future__ import annotations

import pytest
from argon2 import Parameters, PasswordHasher, extract_parameters, profiles
from click.testing import CliRunner
from sqlalchemy import select

from central_api import passwords
from central_api.cli import cli
from central_api.config import load_config
from central_api.db import read, write
from central_api.db.schema import users
from central_api.users import add_user
from kiosk_app.cli import cli as kiosk_cli
from kiosk_app.config import KioskConfig
from sync.hashing import argon2_parameters

# Cheap, but not the tests' CHEAPEST: a deployment that changed its setting.
OTHER = "time_cost=2,memory_cost=16,parallelism=2"


def test_production_hashes_at_rfc_9106_low_memory_argon2_cffis_own_default():
    default = PasswordHasher()
    for parameters in (load_config(environ={})["ARGON2"], KioskConfig.from_env({}).argon2):
        assert parameters == profiles.RFC_9106_LOW_MEMORY
        assert PasswordHasher.from_parameters(parameters).time_cost == default.time_cost == 3
        assert (parameters.memory_cost, parameters.parallelism) == (
            default.memory_cost,
            default.parallelism,
        )


def test_a_profile_by_name_or_the_numbers_themselves():
    assert load_config(environ={"CENTRAL_ARGON2": "CHEAPEST"})["ARGON2"] == profiles.CHEAPEST
    chosen = KioskConfig.from_env({"KIOSK_ARGON2": "time_cost=4, memory_cost=131072,parallelism=2"})
    assert (chosen.argon2.time_cost, chosen.argon2.memory_cost, chosen.argon2.parallelism) == (
        4,
        131072,
        2,
    )
    assert chosen.argon2.hash_len == profiles.RFC_9106_LOW_MEMORY.hash_len


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ("LOW_MEMORY", "няма такъв профил на argon2"),
        ("time_cost=3,memory_cost=65536", "липсва parallelism"),
        ("time_cost=3,memory_cost=64M,parallelism=4", "не разбирам 'memory_cost=64M'"),
        ("time_cost=0,memory_cost=65536,parallelism=4", "time_cost=0 е извън допустимото"),
        ("time_cost=1,memory_cost=16,parallelism=4", "memory_cost=16 е извън допустимото"),
    ],
)
def test_a_wrong_setting_is_refused_saying_what_to_write(setting, says):
    with pytest.raises(ValueError, match=says) as refused:
        argon2_parameters(setting, "CENTRAL_ARGON2")
    bulgarian, english = str(refused.value).split(" / ")
    assert bulgarian.startswith("CENTRAL_ARGON2") and english.startswith("CENTRAL_ARGON2")


def test_central_and_the_kiosk_stop_at_start_on_a_wrong_setting(tmp_path):
    result = CliRunner().invoke(
        cli, ["user", "list"], env={"CENTRAL_HOME": str(tmp_path), "CENTRAL_ARGON2": "fast"}
    )
    assert result.exit_code == 1
    assert "CENTRAL_ARGON2='fast': няма такъв профил на argon2" in result.output
    result = CliRunner().invoke(
        kiosk_cli, ["status"], env={"KIOSK_HOME": str(tmp_path), "KIOSK_ARGON2": "m=64"}
    )
    assert result.exit_code == 1
    assert "KIOSK_ARGON2='m=64': не разбирам 'm=64'" in result.output


@pytest.fixture
def argon2_setting(monkeypatch):
    """``argon2_setting(text)``: this process's central now hashes with that setting."""

    def choose(setting: str) -> None:
        monkeypatch.setenv("CENTRAL_ARGON2", setting)
        passwords.password_hasher.cache_clear()
        passwords.timing_hash.cache_clear()

    yield choose
    passwords.password_hasher.cache_clear()  # the next test's hasher: the tests' own setting
    passwords.timing_hash.cache_clear()


def _stored(central, name: str) -> Parameters:
    with read(central.engine) as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.name == name)).scalar()
    return extract_parameters(stored)


def test_a_changed_setting_signs_everyone_in_and_rehashes_at_the_new_cost(
    central, office_client, argon2_setting
):
    argon2_setting("CHEAPEST")
    with write(central.engine) as conn:
        add_user(conn, "vesela", "clerk", "vesela-pass-1")
    assert _stored(central, "vesela") == profiles.CHEAPEST

    argon2_setting(OTHER)
    visitor = office_client(None)
    assert visitor.sign_in("vesela", "wrong-password").status_code == 401
    assert _stored(central, "vesela") == profiles.CHEAPEST  # a wrong password changes nothing
    assert visitor.sign_in("vesela", "vesela-pass-1").status_code == 302
    assert _stored(central, "vesela") == argon2_parameters(OTHER, "CENTRAL_ARGON2")

    argon2_setting("CHEAPEST")  # and back: the hash made under OTHER still signs in
    assert office_client(None).sign_in("vesela", "vesela-pass-1").status_code == 302
    assert _stored(central, "vesela") == profiles.CHEAPEST
