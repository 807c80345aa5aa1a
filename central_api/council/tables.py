"""The council's tables, on the same MetaData as :mod:`central_api.db.schema`.

Migration ``0004_council`` creates them. Times are ISO-8601 UTC text, dates ``YYYY-MM-DD``.

A *councillor* may be linked to a web user (``user_name``) with the ``councillor`` role, who
signs in on a tablet in the hall. A *session* has an agenda of *items*; each item carries its
paper (report and draft decision, a PDF), the majority and kind of vote from the list
(``basis``), and, once voted, its result. ``council_ballots`` holds one row per councillor who
took part in an item's vote; for a secret vote its ``choice`` stays NULL and only the item's
tally counts. ``council_vote_log`` is hash-chained like ``audit_log`` (same columns).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ..db.schema import hash_chain_columns, metadata

council_members = Table(
    "council_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("political_group", String(200), nullable=False),
    Column("term_start", String(10), nullable=False),
    Column("term_end", String(10), nullable=False),
    Column("user_name", String(100), unique=True),  # the web user who votes on a tablet
    Column("created_at", String(32), nullable=False),
)

council_sessions = Table(
    "council_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("starts_at", String(32), nullable=False),  # local date and time, "2026-11-26T09:00"
    Column("place", String(200), nullable=False),
    Column("status", String(10), nullable=False),  # planned | open | closed
    Column("opened_at", String(32)),
    Column("closed_at", String(32)),
    Column("protocol_pdf", LargeBinary),
    Column("protocol_sha256", String(64)),
    Column("created_at", String(32), nullable=False),
)

council_items = Table(
    "council_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("council_sessions.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("title", String(500), nullable=False),
    Column("proposer", String(200), nullable=False),
    Column("committee_opinions", Text, nullable=False, default="[]"),  # JSON [{committee, opinion}]
    Column("draft_decision", Text, nullable=False),
    Column("basis", String(40), nullable=False),  # key in majorities.toml
    Column("rule", String(20), nullable=False),
    Column("kind", String(10), nullable=False),  # open | named | secret
    Column("legal_basis", String(500), nullable=False),
    Column("paper_pdf", LargeBinary),
    Column("paper_name", String(200)),
    Column("consultation_until", String(10)),  # a draft regulation under public consultation
    Column("vote_status", String(10), nullable=False, default="pending"),  # pending|open|closed
    Column("vote_opened_at", String(32)),
    Column("vote_closed_at", String(32)),
    Column("present", Integer),  # at the close
    Column("conflicted", Integer),
    Column("for_votes", Integer),
    Column("against", Integer),
    Column("abstained", Integer),
    Column("passed", Boolean),
    Column("decision_number", Integer),
    Column("decision_year", Integer),
    UniqueConstraint("session_id", "position", name="uq_council_items_session_position"),
    UniqueConstraint("decision_year", "decision_number", name="uq_council_items_decision"),
)

council_attendance = Table(
    "council_attendance",
    metadata,
    Column("session_id", Integer, ForeignKey("council_sessions.id"), nullable=False),
    Column("member_id", Integer, ForeignKey("council_members.id"), nullable=False),
    Column("present", Boolean, nullable=False),
    Column("at", String(32), nullable=False),
    PrimaryKeyConstraint("session_id", "member_id", name="pk_council_attendance"),
)

council_conflicts = Table(
    "council_conflicts",
    metadata,
    Column("item_id", Integer, ForeignKey("council_items.id"), nullable=False),
    Column("member_id", Integer, ForeignKey("council_members.id"), nullable=False),
    Column("declared_at", String(32), nullable=False),
    Column("note", Text),
    PrimaryKeyConstraint("item_id", "member_id", name="pk_council_conflicts"),
)

council_ballots = Table(
    "council_ballots",
    metadata,
    Column("item_id", Integer, ForeignKey("council_items.id"), nullable=False),
    Column("member_id", Integer, ForeignKey("council_members.id"), nullable=False),
    Column("choice", String(10)),  # for | against | abstain; NULL for a secret vote
    Column("cast_at", String(32), nullable=False),
    PrimaryKeyConstraint("item_id", "member_id", name="pk_council_ballots"),
)

council_comments = Table(
    "council_comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(64), nullable=False, unique=True),
    Column("item_id", Integer, ForeignKey("council_items.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("author_name", String(200)),
    Column("kiosk_id", String(64), nullable=False),
    Column("village", String(32), nullable=False),
    Column("written_at", String(32), nullable=False),
    Column("received_at", String(32), nullable=False),
)

council_vote_log = Table("council_vote_log", metadata, *hash_chain_columns())

# What was published to the kiosks' notice boards (central_api.notices): which notice
# carries which session's agenda, decision or draft under consultation, so that a villager's
# comment on a notice finds its draft.
council_publications = Table(
    "council_publications",
    metadata,
    Column("notice_id", String(64), primary_key=True),
    Column(
        "kind", String(30), nullable=False
    ),  # council_agenda|council_decision|council_consultation
    Column("session_id", Integer, ForeignKey("council_sessions.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("council_items.id")),
    Column("published_at", String(32), nullable=False),
)
