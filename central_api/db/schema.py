"""The central database, in SQLAlchemy Core: one MetaData, every table.

Times are ISO-8601 UTC text (``2026-11-25T09:10:11Z``), dates ``YYYY-MM-DD``, JSON is text;
the same schema runs on SQLite and PostgreSQL. Alembic migrations in ``central_api/migrations``
create it; this module is what the code reads and what ``--autogenerate`` compares with.
Areas with tables of their own declare them on this MetaData in their package:
``central_api.office.tables`` (0003), ``central_api.council.tables`` (0004, 0009; checked
against the migrations by tests/test_council_schema.py).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),  # clerk | admin | auditor
    Column("password_hash", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)

kiosks = Table(
    "kiosks",
    metadata,
    Column("id", String(64), primary_key=True),  # party id <village code>-<n>
    Column("village", String(32), nullable=False),
    Column("kiosk_no", Integer, nullable=False),
    Column("signing_key", LargeBinary, nullable=False),
    Column("encryption_key", LargeBinary, nullable=False),
    Column("fingerprint", String(64), nullable=False, unique=True),  # hex of all 32 bytes
    Column("software_version", String(64)),
    Column("enrolled_at", String(32), nullable=False),
    Column("last_contact", String(32)),
    Column("revoked_at", String(32)),
    Column("revoke_reason", Text),
    Column("health", Text),  # JSON of the last kiosk.health record
    UniqueConstraint("village", "kiosk_no", name="uq_kiosks_village_kiosk_no"),
)

invites = Table(
    "invites",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("village", String(32), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("created_by", String(100)),
    Column("used_at", String(32)),
    Column("kiosk_id", String(64)),
)

# The inbound ledger: every bundle a kiosk sent us, with the receipt we answered.
inbound_bundles = Table(
    "inbound_bundles",
    metadata,
    Column("sender", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("bundle_id", String(64), nullable=False),
    Column("receipt", LargeBinary, nullable=False),
    Column("received_at", String(32), nullable=False),
    Column("record_count", Integer, nullable=False, default=0),
    PrimaryKeyConstraint("sender", "seq", name="pk_inbound_bundles"),
)

applied_records = Table(
    "applied_records",
    metadata,
    Column("record_id", String(64), primary_key=True),
    Column("sender", String(64), nullable=False),
    Column("type", String(64), nullable=False),
    Column("bundle_id", String(64), nullable=False),
    Column("applied_at", String(32), nullable=False),
)

quarantined_records = Table(
    "quarantined_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(64), nullable=False),
    Column("sender", String(64), nullable=False),
    Column("type", String(64), nullable=False),
    Column("bundle_id", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("record", Text, nullable=False),  # the record's JSON, for a person to look at
    Column("at", String(32), nullable=False),
    # A record of a type this software did not know waits to be applied after an upgrade
    # (central_api.waiting_room); released_at/outcome: when it left the quarantine and how.
    Column("waiting", Boolean, nullable=False, server_default=false()),
    Column("released_at", String(32)),
    Column("outcome", Text),
)

requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(32), nullable=False, unique=True),
    Column("service", String(100), nullable=False),
    Column("catalogue_version", Integer),
    Column("tier", String(20)),
    Column("village", String(32), nullable=False),
    Column("kiosk_id", String(64)),
    Column("fields", Text, nullable=False),  # JSON {name: value}
    Column("staff", Text),  # JSON or null
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("submitted_at", String(32)),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("due_date", String(10)),
    Column("fee_status", String(10), nullable=False, default="due"),  # due | paid | exempt
    Column("fee_method", String(20)),
    Column("fee_receipt_number", String(64)),
    Column("fee_amount_cents", Integer),
    Column("question", Text),
    Column("answer", Text),
    Column("document_number", String(16)),
    # The villager's signed request form (printed at submission) is on file at the mayoralty:
    # when, and the member of staff who filed it (the kiosk's request.form_filed).
    Column("form_filed_at", String(32)),
    Column("form_filed_by", String(100)),
    Index("ix_requests_status_due", "status", "due_date"),
    # Every exchange's stream positions name the kiosk's highest reference (central_api.streams).
    Index("ix_requests_kiosk_id", "kiosk_id"),
)

request_events = Table(
    "request_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", Integer, ForeignKey("requests.id"), nullable=False, index=True),
    Column("at", String(32), nullable=False),
    Column("from_status", String(20)),
    Column("to_status", String(20), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("via", String(10), nullable=False),  # kiosk | clerk | system
    Column("reason", Text),
    Column("record_id", String(64)),
)

# Central -> kiosk: records wait here until sealed into a bundle (bundle_seq set).
outbound_records = Table(
    "outbound_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("record_id", String(64), nullable=False, unique=True),
    Column("type", String(64), nullable=False),
    Column("subject", String(64)),  # what it is about, where looked up again (document number)
    Column("record", Text, nullable=False),  # the whole record's JSON
    Column("created_at", String(32), nullable=False),
    Column("bundle_seq", Integer),
    Index("ix_outbound_records_pending", "kiosk_id", "bundle_seq"),
    Index("ix_outbound_records_subject", "kiosk_id", "type", "subject"),
)

outbound_bundles = Table(
    "outbound_bundles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("bundle_id", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("record_count", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("acknowledged_at", String(32)),
    Column("receipt", LargeBinary),
    UniqueConstraint("kiosk_id", "seq", name="uq_outbound_bundles_kiosk_id_seq"),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(16), nullable=False, unique=True),  # "2026-000017"
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("reference", String(32), nullable=False, index=True),
    Column("pdf", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("statement", Text),  # the QR statement (text) the document carries
    Column("issued_at", String(32), nullable=False),
    Column("issued_by", String(100), nullable=False),
    Column("revoked_at", String(32)),
    Column("revoke_reason", Text),
    # certificate (what was asked for) | refusal (the written decision refusing it)
    Column("kind", String(16), nullable=False, server_default="certificate"),
    # the canonical content (JSON) whose hash the QR statement signs: what the document states
    Column("content", Text),
    # Random, printed on the document and carried by its QR statement: /verify/<number> shows
    # the document's details only to whoever holds it (guessing numbers reveals nothing).
    Column("verification_code", String(16)),
    # the numbering epoch (central_api.restore): 1 until central is first restored from a backup
    Column("epoch", Integer, nullable=False, server_default="1"),
    UniqueConstraint("year", "epoch", "seq", name="uq_documents_year_epoch_seq"),
)

# What staff saw that lets a request about another person go ahead: a power of attorney, a
# document of legal interest (central_api.review); the latest one counts.
authorisations = Table(
    "authorisations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(32), nullable=False, index=True),
    Column("document", Text, nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", String(32), nullable=False),
)

# The PDF a clerk uploads for a service whose document is made in another of the municipality's
# systems (catalogue ``issuance: attached``); approving stamps, numbers and signs the latest one.
attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(32), nullable=False, index=True),
    Column("file_name", String(200), nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_by", String(100), nullable=False),
    Column("uploaded_at", String(32), nullable=False),
)

# Who signs documents: a web-office user linked to the names and title printed under the
# document, the order authorising them, and the services they may sign (JSON list; NULL = all).
officials = Table(
    "officials",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_name", String(100), nullable=False, index=True),
    Column("names", String(200), nullable=False),
    Column("title", String(200), nullable=False),
    Column("order_number", String(100)),
    Column("order_date", String(10)),
    Column("services", Text),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("removed_at", String(32)),
    Column("removed_by", String(100)),
)

# The last outgoing number of each year in each numbering epoch (migration 0013).
outgoing_series = Table(
    "outgoing_series",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("epoch", Integer, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False),
)

# Numbering epochs (central_api.restore): a new one starts whenever central finds it was
# restored; no number is given in it until every kiosk active then has reported (or was forgone).
number_epochs = Table(
    "number_epochs",
    metadata,
    Column("epoch", Integer, primary_key=True, autoincrement=False),
    Column("started_at", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("backup_created", String(40)),
    Column("reconciled_at", String(32)),
)

epoch_kiosks = Table(
    "epoch_kiosks",
    metadata,
    Column("epoch", Integer, primary_key=True, autoincrement=False),
    Column("kiosk_id", String(64), primary_key=True),
    Column("reported_at", String(32)),
    Column("documents", Integer, nullable=False, server_default="0"),
    Column("refused", Text),  # JSON list of {number, reason}: documents whose proof failed
    Column("forgone_at", String(32)),
    Column("forgone_reason", Text),
)


def hash_chain_columns() -> list[Column]:
    """The columns of a hash-chained log (``central_api.audit``): each entry's ``hash`` covers
    its fields and ``prev_hash``, the hash of the entry before. The audit log and the council's
    vote log (``central_api.council.tables``) are two such chains."""
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("at", String(32), nullable=False),
        Column("actor", String(100), nullable=False),
        Column("action", String(64), nullable=False),
        Column("subject", String(200)),
        Column("details", Text),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
    ]


audit_log = Table("audit_log", metadata, *hash_chain_columns())

catalogues = Table(
    "catalogues",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("data", Text, nullable=False),  # {"version", "services": [...]} as JSON
    Column("published_at", String(32), nullable=False),
    Column("published_by", String(100)),
)

# The municipality profile (central_api.municipality): each change of municipality.toml is
# stored as the next version and sent to the kiosks.
municipality_versions = Table(
    "municipality_versions",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("data", Text, nullable=False),  # sync.municipality.Municipality.to_json() as JSON
    Column("published_at", String(32), nullable=False),
    Column("published_by", String(100)),
)

# --- The municipality's registers (central_api.registers, migration 0006) -----------------------
# The local population database (ЗГР): one row per person; addresses, marriages and every earlier
# value of a corrected field live in tables of their own, so a certificate can be made "on a date".
register_persons = Table(
    "register_persons",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("egn", String(10), unique=True),  # ЕГН, or
    Column("lnch", String(10), unique=True),  # ЛНЧ, or neither (then names + birth date)
    Column("first_name", String(100), nullable=False),
    Column("middle_name", String(100), nullable=False, default=""),
    Column("last_name", String(100), nullable=False),
    Column("sex", String(1), nullable=False),  # M | F
    Column("birth_date", String(10), nullable=False),
    Column("citizenship", String(60), nullable=False, default="BG"),
    Column("marital_status", String(20), nullable=False),  # single|married|divorced|widowed
    Column("mother_id", Integer, ForeignKey("register_persons.id"), index=True),
    Column("father_id", Integer, ForeignKey("register_persons.id"), index=True),
    Column("death_date", String(10)),
    Column("death_act", String(40)),
    Column("death_place", String(200)),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Index("ix_register_persons_names", "last_name", "first_name", "birth_date"),
)

# Permanent and current addresses with the date each was registered; the one in force has no
# ``ended_on``. Earlier ones stay, ended, as the address history.
register_addresses = Table(
    "register_addresses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("register_persons.id"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # permanent | current
    Column("settlement", String(32), nullable=False),  # settlement code
    Column("address", Text, nullable=False),
    Column("registered_on", String(10)),  # unknown for old entries
    Column("ended_on", String(10)),
    Column("recorded_at", String(32), nullable=False),
)

register_marriages = Table(
    "register_marriages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("spouse_a_id", Integer, ForeignKey("register_persons.id"), nullable=False, index=True),
    Column("spouse_b_id", Integer, ForeignKey("register_persons.id"), nullable=False, index=True),
    Column("married_on", String(10)),
    Column("ended_on", String(10)),
    Column("end_reason", String(10)),  # divorce | death | null while it lasts
    Column("recorded_at", String(32), nullable=False),
)

# Every earlier value of a person's field: by an import (source = the file's SHA-256) or by a
# registrar's correction (with its reason).
register_person_history = Table(
    "register_person_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("register_persons.id"), nullable=False, index=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("field", String(40), nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("reason", Text),
)

# Who in the office looked at whom (auditors read this; every look-up is one row).
register_lookups = Table(
    "register_lookups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("user_name", String(100), nullable=False, index=True),
    Column("person_id", Integer, ForeignKey("register_persons.id"), nullable=False, index=True),
    Column("purpose", String(200), nullable=False),
)

# The local-tax register (ЗМДТ): taxable objects (properties, vehicles), their yearly tax
# valuation, the yearly assessments with their due dates, and the payments against them.
tax_objects = Table(
    "tax_objects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # property | vehicle
    Column("identifier", String(64), nullable=False),  # property id / registration plate
    Column("settlement", String(32)),
    Column("address", Text),  # the property's address, or the vehicle's description
    Column("recorded_at", String(32), nullable=False),
    UniqueConstraint("kind", "identifier", name="uq_tax_objects_kind_identifier"),
)

tax_valuations = Table(
    "tax_valuations",
    metadata,
    Column("object_id", Integer, ForeignKey("tax_objects.id"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("valuation_cents", Integer, nullable=False),
    PrimaryKeyConstraint("object_id", "year", name="pk_tax_valuations"),
)

tax_assessments = Table(
    "tax_assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("register_persons.id"), nullable=False, index=True),
    Column("object_id", Integer, ForeignKey("tax_objects.id"), nullable=False),
    Column("kind", String(10), nullable=False),  # property | waste | vehicle
    Column("year", Integer, nullable=False),
    Column("instalment", Integer, nullable=False, default=1),
    Column("assessed_cents", Integer, nullable=False),
    Column("due_date", String(10), nullable=False),
    Column("recorded_at", String(32), nullable=False),
    UniqueConstraint(
        "person_id", "object_id", "kind", "year", "instalment", name="uq_tax_assessments_key"
    ),
)

# A payment (or, negative, a correction of one) against one assessment.
tax_payments = Table(
    "tax_payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessment_id", Integer, ForeignKey("tax_assessments.id"), nullable=False, index=True),
    Column("amount_cents", Integer, nullable=False),
    Column("paid_on", String(10), nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("source", String(100), nullable=False),
)

# Earlier amounts and due dates of a re-assessed item (an import changed them).
tax_assessment_history = Table(
    "tax_assessment_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessment_id", Integer, ForeignKey("tax_assessments.id"), nullable=False, index=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("old_assessed_cents", Integer, nullable=False),
    Column("old_due_date", String(10), nullable=False),
    Column("new_assessed_cents", Integer, nullable=False),
    Column("new_due_date", String(10), nullable=False),
)

# The audit chain verified up to this entry (one row, id 1): the audit page goes on from here.
audit_checkpoint = Table(
    "audit_checkpoint",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("entry_id", Integer, nullable=False),
    Column("entry_hash", String(64), nullable=False),
    Column("checked", Integer, nullable=False),
    Column("verified_at", String(32), nullable=False),
)

# Nonces of signed kiosk API calls seen within the freshness window (sync.request_auth): a
# second call with the same nonce is a replay. ``seen_at`` is Unix seconds, for the sweep.
request_nonces = Table(
    "request_nonces",
    metadata,
    Column("kiosk_id", String(64), nullable=False),
    Column("nonce", String(64), nullable=False),
    Column("seen_at", Integer, nullable=False, index=True),
    PrimaryKeyConstraint("kiosk_id", "nonce", name="pk_request_nonces"),
)

# Created by migration 0003_office; the staff and the notices are domain data (central_api.staff,
# central_api.notices), the sign-in tables are the office's own (central_api.office.tables).
# Mayoralty staff who confirm identities at a kiosk; only the argon2 hash of the PIN is kept.
office_staff = Table(
    "office_staff",
    metadata,
    Column("staff_id", String(64), primary_key=True),
    Column("village", String(32), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("pin_hash", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("removed_at", String(32)),
)

office_notices = Table(
    "office_notices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notice_id", String(64), nullable=False, unique=True),  # the id kiosks see
    Column("kind", String(20), nullable=False),  # announcement | council_decision
    Column("notice_date", String(10), nullable=False),
    Column("title_bg", String(200), nullable=False),
    Column("title_en", String(200)),
    Column("body_bg", Text, nullable=False),
    Column("body_en", Text),
    Column("pdf", LargeBinary),
    Column("pdf_name", String(200)),
    Column("published_at", String(32), nullable=False),
    Column("published_by", String(100), nullable=False),
    Column("kiosk_count", Integer, nullable=False, default=0),
)
