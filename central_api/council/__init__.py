"""The municipal council: councillors, sessions, voting in the hall, protocol, publishing.

Modules by responsibility::

    rules        the majorities (quorum, simple, absolute, two thirds) as pure functions, and
                 the list of legal bases the secretary chooses from (majorities.toml)
    tables       the council's tables (migration 0004_council)
    errors       CouncilError and its branches

docs/council.md tells the law behind it.
"""
