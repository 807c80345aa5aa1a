"""A central that signs on the SoftHSM2 token, time-stamped by the loopback TSA.

A test module takes it by importing the three fixtures, which override the shared
``central_config`` and ``central_env`` for that module only::

    from tests.central_on_token import central_config, central_env, signing  # noqa: F401
"""

from __future__ import annotations

import pytest

from tests.fixtures_signing import token_environment, token_settings


@pytest.fixture
def signing(softhsm_token, timestamp_authority) -> dict:
    """Central's settings for signing on the token."""
    return token_settings(softhsm_token, timestamp_authority.url)


@pytest.fixture
def central_config(central_config, signing) -> dict:
    """Every central of the importing module signs on the token."""
    return {**central_config, **signing}


@pytest.fixture
def central_env(central_env, signing) -> dict:
    """The same for a ``central-api`` process."""
    return {**central_env, **token_environment(signing)}
