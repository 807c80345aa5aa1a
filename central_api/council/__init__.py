"""The municipal council: councillors, sessions, voting in the hall, protocol, publishing.

Modules by responsibility::

    rules        the majorities (quorum, simple, absolute, two thirds) as pure functions, and
                 the list of legal bases the secretary chooses from (majorities.toml)
    tables       the council's tables (migration 0004_council)
    errors       CouncilError and its branches
    members      councillors and the web users who vote for them
    sessions     sessions, agenda items, papers, presence, declared conflicts
    voting       opening, casting and closing a vote, with every refusal
    votelog      the hash-chained vote log (the audit log's code on its own table)
    state        what the hall's pages show
    record       decisions, each item's and each councillor's votes, for the public
    consultation villagers' comments on drafts under public consultation
    web          roles and plumbing shared by the blueprints below
    hall         /office/council/: tablet, chair, secretary (signed in)
    public       /council/: hall screen, sessions, papers, decisions, councillors (no sign-in)
    oparl        /oparl/v1/: the OParl 1.1 API
    cli          central-api council ...

docs/council.md tells the law behind it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line imports this package's modules without Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    from . import hall, oparl, public

    app.register_blueprint(hall.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(oparl.bp)
