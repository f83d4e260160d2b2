"""The tables of the whole domain (see docs/domain.md). Money in integer cents,
instants in UTC (UTCDateTime), dates as dates; the domain's enums stored as their short text
values, the portal settings' defaults taken from the domain's."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from packweb_tui.domain.hosts import HostKind, HostMode
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.payments import PaymentMethod, PaymentTarget
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.domain.settings import DEFAULTS
from packweb_tui.domain.states import (
    AvisState,
    CredentialsState,
    LetterState,
    OutboxStatus,
    SyncStatus,
)
from packweb_tui.store.types import UTCDateTime, utcnow

# Stable constraint names so that migrations can refer to them on both engines.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(
        kind,
        native_enum=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it once)
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Establishment(Base):
    __tablename__ = "establishments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uai: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(30))  # printed on its letters
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Host(Base):
    __tablename__ = "hosts"
    __table_args__ = (
        UniqueConstraint("establishment_id", "card"),
        # Matching looks hosts up by the last five card digits, never one query a request.
        Index("ix_hosts_card_suffix", "establishment_id", "card_suffix"),
        Index("ix_hosts_names", "establishment_id", "last_folded", "first_folded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="CASCADE")
    )
    card: Mapped[str] = mapped_column(String(10))
    card_suffix: Mapped[str] = mapped_column(String(5))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    last_folded: Mapped[str] = mapped_column(String(100))
    first_folded: Mapped[str] = mapped_column(String(100))
    kind: Mapped[HostKind] = mapped_column(_enum(HostKind))
    mode: Mapped[HostMode] = mapped_column(_enum(HostMode))
    class_name: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    balance_cents: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccountRequest(Base):
    __tablename__ = "account_requests"
    __table_args__ = (
        Index("ix_account_requests_queue", "establishment_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    portal_id: Mapped[str] = mapped_column(String(64), unique=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="CASCADE")
    )
    card_digits: Mapped[str] = mapped_column(String(5))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    submitted_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus), default=RequestStatus.PENDING
    )
    match_kind: Mapped[MatchKind] = mapped_column(_enum(MatchKind))
    match_note: Mapped[str] = mapped_column(Text, default="")
    # The host the request is attached to: set automatically only for `exact`, else by hand.
    host_id: Mapped[int | None] = mapped_column(ForeignKey("hosts.id", ondelete="SET NULL"))
    attached_by: Mapped[str | None] = mapped_column(String(64))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_accounts.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    # Optimistic concurrency: two operators deciding the same request, one wins.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class RequestCandidate(Base):
    """The hosts a request's card digits point to, as shown to the operator."""

    __tablename__ = "request_candidates"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("account_requests.id", ondelete="CASCADE"), primary_key=True
    )
    host_id: Mapped[int] = mapped_column(
        ForeignKey("hosts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class PortalAccount(Base):
    __tablename__ = "portal_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="CASCADE")
    )
    login: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    credentials: Mapped[CredentialsState] = mapped_column(
        _enum(CredentialsState), default=CredentialsState.TO_SEND
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    pushed_at: Mapped[datetime | None]  # last time the sync sent it to the portal


class UsedLogin(Base):
    """Every login ever given out: a login is never reused, even after its account is gone."""

    __tablename__ = "used_logins"

    login: Mapped[str] = mapped_column(String(80), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccountHost(Base):
    """A login reaches one or more cards (a parent with several children)."""

    __tablename__ = "account_hosts"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("portal_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    host_id: Mapped[int] = mapped_column(
        ForeignKey("hosts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Letter(Base):
    """A credentials letter. The plain password lives here only until it is delivered."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("portal_accounts.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[LetterState] = mapped_column(_enum(LetterState), default=LetterState.PENDING)
    password_plain: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    delivered_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(Base):
    """An email waiting to go: written in the same transaction as what it reports."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_queue", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # letter, rejection, reset
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_requests.id", ondelete="SET NULL")
    )
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class PortalSettings(Base):
    """The guide's "Configurer mon espace numérique" screen, one row per establishment. A
    new row takes the domain's defaults (domain/settings.py)."""

    __tablename__ = "portal_settings"

    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="CASCADE"), primary_key=True
    )
    school_email: Mapped[str | None] = mapped_column(String(254))
    requests_email: Mapped[str | None] = mapped_column(String(254))
    show_meal_count: Mapped[bool] = mapped_column(Boolean, default=DEFAULTS.show_meal_count)
    min_meals: Mapped[int] = mapped_column(Integer, default=DEFAULTS.min_meals)
    show_credit_amount: Mapped[bool] = mapped_column(Boolean, default=DEFAULTS.show_credit_amount)
    min_credit_amount_cents: Mapped[int] = mapped_column(
        Integer, default=DEFAULTS.min_credit_amount_cents
    )
    min_forfait_amount_cents: Mapped[int] = mapped_column(
        Integer, default=DEFAULTS.min_forfait_amount_cents
    )
    school_website: Mapped[str | None] = mapped_column(String(300))
    reservation_weeks: Mapped[int] = mapped_column(Integer, default=DEFAULTS.reservation_weeks)
    reservation_lead_days: Mapped[int] = mapped_column(
        Integer, default=DEFAULTS.reservation_lead_days
    )
    block_online_payment: Mapped[bool] = mapped_column(
        Boolean, default=DEFAULTS.block_online_payment
    )
    block_online_reservation: Mapped[bool] = mapped_column(
        Boolean, default=DEFAULTS.block_online_reservation
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    pushed_at: Mapped[datetime | None]  # settings changed after this go in the next sync


class Closure(Base):
    """A dated closure ("Fermeture par périodes"): both days included."""

    __tablename__ = "closures"
    __table_args__ = (Index("ix_closures_period", "establishment_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="CASCADE")
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(100), default="")
    block_payment: Mapped[bool] = mapped_column(Boolean, default=True)
    block_reservation: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))


class SyncRun(Base):
    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int | None] = mapped_column(
        ForeignKey("establishments.id", ondelete="CASCADE"), index=True
    )
    trigger: Mapped[str] = mapped_column(String(20))  # nightly, manual, cli
    operator: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[SyncStatus] = mapped_column(_enum(SyncStatus), default=SyncStatus.RUNNING)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class SyncLogLine(Base):
    __tablename__ = "sync_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    level: Mapped[str] = mapped_column(String(10), default="info")
    message: Mapped[str] = mapped_column(Text)


class SyncCursor(Base):
    """Where each paged portal stream (requests, payments) was read up to."""

    __tablename__ = "sync_cursors"

    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="CASCADE"), primary_key=True
    )
    stream: Mapped[str] = mapped_column(String(30), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("establishment_id", "method", "transaction_id"),
        Index("ix_payments_day", "establishment_id", "paid_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="CASCADE")
    )
    host_id: Mapped[int | None] = mapped_column(
        ForeignKey("hosts.id", ondelete="SET NULL"), index=True
    )
    card: Mapped[str] = mapped_column(String(10))
    transaction_id: Mapped[str] = mapped_column(String(64))
    paid_at: Mapped[datetime]
    amount_cents: Mapped[int] = mapped_column(Integer)
    method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod))
    target: Mapped[PaymentTarget] = mapped_column(_enum(PaymentTarget), default=PaymentTarget.SELF)
    payer: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default="import")  # portal, import, demo
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Receivable(Base):
    """A créance: an amount invoiced to a forfait host. The portal shows something to pay
    only while it is due and its avis détaillé is validated."""

    __tablename__ = "receivables"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("hosts.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    amount_cents: Mapped[int] = mapped_column(Integer)
    paid_cents: Mapped[int] = mapped_column(Integer, default=0)
    issued_on: Mapped[date] = mapped_column(Date)
    avis_state: Mapped[AvisState] = mapped_column(_enum(AvisState), default=AvisState.NONE)
    avis_validated_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who did what, when, on which rows."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    operator: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(50))
    establishment_id: Mapped[int | None] = mapped_column(
        ForeignKey("establishments.id", ondelete="SET NULL")
    )
    entity: Mapped[str] = mapped_column(String(30))
    row_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, for bulk statements (executemany) that skip the ORM."""
    return cast(Table, model.__table__)
