"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-26 18:10:53.469742
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import packweb_tui.store.types

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "establishments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uai", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("created_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_establishments")),
        sa.UniqueConstraint("uai", name=op.f("uq_establishments_uai")),
    )
    op.create_table(
        "used_logins",
        sa.Column("login", sa.String(length=80), nullable=False),
        sa.Column("created_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_used_logins")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=True),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("row_ids", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_audit_log_establishment_id_establishments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_at", ["at"], unique=False)

    op.create_table(
        "closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("block_payment", sa.Boolean(), nullable=False),
        sa.Column("block_reservation", sa.Boolean(), nullable=False),
        sa.Column("created_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_closures_establishment_id_establishments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
    )
    with op.batch_alter_table("closures", schema=None) as batch_op:
        batch_op.create_index("ix_closures_period", ["establishment_id", "starts_on"], unique=False)

    op.create_table(
        "hosts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("card", sa.String(length=10), nullable=False),
        sa.Column("card_suffix", sa.String(length=5), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_folded", sa.String(length=100), nullable=False),
        sa.Column("first_folded", sa.String(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "eleve", "commensal", "stagiaire", name="hostkind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column(
            "mode",
            sa.Enum("prepaye", "forfait", name="hostmode", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("class_name", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("balance_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_hosts_establishment_id_establishments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hosts")),
        sa.UniqueConstraint(
            "establishment_id", "card", name=op.f("uq_hosts_establishment_id_card")
        ),
    )
    with op.batch_alter_table("hosts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hosts_card_suffix", ["establishment_id", "card_suffix"], unique=False
        )
        batch_op.create_index(
            "ix_hosts_names", ["establishment_id", "last_folded", "first_folded"], unique=False
        )

    op.create_table(
        "portal_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column(
            "credentials",
            sa.Enum(
                "to_send",
                "sent",
                "failed",
                "printed",
                name="credentialsstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("pushed_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_portal_accounts_establishment_id_establishments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_accounts")),
        sa.UniqueConstraint("login", name=op.f("uq_portal_accounts_login")),
    )
    op.create_table(
        "portal_settings",
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("school_email", sa.String(length=254), nullable=True),
        sa.Column("requests_email", sa.String(length=254), nullable=True),
        sa.Column("show_meal_count", sa.Boolean(), nullable=False),
        sa.Column("min_meals", sa.Integer(), nullable=False),
        sa.Column("show_credit_amount", sa.Boolean(), nullable=False),
        sa.Column("min_credit_amount_cents", sa.Integer(), nullable=False),
        sa.Column("min_forfait_amount_cents", sa.Integer(), nullable=False),
        sa.Column("school_website", sa.String(length=300), nullable=True),
        sa.Column("reservation_weeks", sa.Integer(), nullable=False),
        sa.Column("reservation_lead_days", sa.Integer(), nullable=False),
        sa.Column("block_online_payment", sa.Boolean(), nullable=False),
        sa.Column("block_online_reservation", sa.Boolean(), nullable=False),
        sa.Column("updated_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("pushed_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_portal_settings_establishment_id_establishments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("establishment_id", name=op.f("pk_portal_settings")),
    )
    op.create_table(
        "sync_cursors",
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("stream", sa.String(length=30), nullable=False),
        sa.Column("cursor", sa.String(length=200), nullable=False),
        sa.Column("updated_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_sync_cursors_establishment_id_establishments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("establishment_id", "stream", name=op.f("pk_sync_cursors")),
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=True),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("started_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum("running", "ok", "failed", name="syncstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_sync_runs_establishment_id_establishments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_runs_establishment_id"), ["establishment_id"], unique=False
        )

    op.create_table(
        "account_hosts",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_accounts.id"],
            name=op.f("fk_account_hosts_account_id_portal_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_id"],
            ["hosts.id"],
            name=op.f("fk_account_hosts_host_id_hosts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "host_id", name=op.f("pk_account_hosts")),
    )
    with op.batch_alter_table("account_hosts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_hosts_host_id"), ["host_id"], unique=False)

    op.create_table(
        "account_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("portal_id", sa.String(length=64), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("card_digits", sa.String(length=5), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column(
            "submitted_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "received_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="requeststatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "match_kind",
            sa.Enum(
                "exact",
                "probable",
                "ambiguous",
                "mismatch",
                "none",
                "duplicate",
                "has_account",
                name="matchkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("match_note", sa.Text(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=True),
        sa.Column("attached_by", sa.String(length=64), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_accounts.id"],
            name=op.f("fk_account_requests_account_id_portal_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_account_requests_establishment_id_establishments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_id"],
            ["hosts.id"],
            name=op.f("fk_account_requests_host_id_hosts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_requests")),
        sa.UniqueConstraint("portal_id", name=op.f("uq_account_requests_portal_id")),
    )
    with op.batch_alter_table("account_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_account_requests_queue",
            ["establishment_id", "status", "submitted_at"],
            unique=False,
        )

    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "sent",
                "printed",
                "failed",
                "void",
                name="letterstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("password_plain", sa.String(length=64), nullable=True),
        sa.Column("created_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column(
            "delivered_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_accounts.id"],
            name=op.f("fk_letters_account_id_portal_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letters_account_id"), ["account_id"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=True),
        sa.Column("card", sa.String(length=10), nullable=False),
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("paid_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "en_ligne",
                "especes",
                "cheque",
                "carte_bancaire",
                name="paymentmethod",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "target",
            sa.Enum("self", "forfait", name="paymenttarget", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("payer", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column(
            "recorded_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_payments_establishment_id_establishments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["hosts.id"], name=op.f("fk_payments_host_id_hosts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint(
            "establishment_id",
            "method",
            "transaction_id",
            name=op.f("uq_payments_establishment_id_method_transaction_id"),
        ),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_day", ["establishment_id", "paid_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_host_id"), ["host_id"], unique=False)

    op.create_table(
        "receivables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("paid_cents", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column(
            "avis_state",
            sa.Enum("none", "draft", "validated", name="avisstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "avis_validated_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["hosts.id"], name=op.f("fk_receivables_host_id_hosts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receivables")),
    )
    with op.batch_alter_table("receivables", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receivables_host_id"), ["host_id"], unique=False)

    op.create_table(
        "sync_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["sync_runs.id"],
            name=op.f("fk_sync_log_run_id_sync_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_log")),
    )
    with op.batch_alter_table("sync_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_log_run_id"), ["run_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("to_addr", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "sent", "failed", name="outboxstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "next_attempt_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("sent_at", packweb_tui.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_outbox_letter_id_letters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["account_requests.id"],
            name=op.f("fk_outbox_request_id_account_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_queue", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "request_candidates",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_id"],
            ["hosts.id"],
            name=op.f("fk_request_candidates_host_id_hosts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["account_requests.id"],
            name=op.f("fk_request_candidates_request_id_account_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "host_id", name=op.f("pk_request_candidates")),
    )
    with op.batch_alter_table("request_candidates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_candidates_host_id"), ["host_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("request_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_candidates_host_id"))

    op.drop_table("request_candidates")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_queue")

    op.drop_table("outbox")
    with op.batch_alter_table("sync_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_log_run_id"))

    op.drop_table("sync_log")
    with op.batch_alter_table("receivables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receivables_host_id"))

    op.drop_table("receivables")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_host_id"))
        batch_op.drop_index("ix_payments_day")

    op.drop_table("payments")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letters_account_id"))

    op.drop_table("letters")
    with op.batch_alter_table("account_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_account_requests_queue")

    op.drop_table("account_requests")
    with op.batch_alter_table("account_hosts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_hosts_host_id"))

    op.drop_table("account_hosts")
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_runs_establishment_id"))

    op.drop_table("sync_runs")
    op.drop_table("sync_cursors")
    op.drop_table("portal_settings")
    op.drop_table("portal_accounts")
    with op.batch_alter_table("hosts", schema=None) as batch_op:
        batch_op.drop_index("ix_hosts_names")
        batch_op.drop_index("ix_hosts_card_suffix")

    op.drop_table("hosts")
    with op.batch_alter_table("closures", schema=None) as batch_op:
        batch_op.drop_index("ix_closures_period")

    op.drop_table("closures")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_at")

    op.drop_table("audit_log")
    op.drop_table("used_logins")
    op.drop_table("establishments")
