"""The payments file (receipts from the counter or a previous system), validated row by row."""

from __future__ import annotations

from packweb_tui.domain.dates import parse_paris_instant
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.hosts import normalize_card
from packweb_tui.domain.money import parse_euros
from packweb_tui.domain.names import clean_text
from packweb_tui.domain.payments import PaymentRecord, parse_method
from packweb_tui.domain.tabular import Row, read_table
from packweb_tui.domain.uai import normalize_uai

PAYMENT_COLUMNS = ("uai", "carte", "date", "montant", "moyen", "transaction")
_MAX_TRANSACTION = 64


def parse_payments(data: bytes, source: str) -> list[PaymentRecord]:
    """Every payment of the file, or InputErrors listing every bad row with its line number.
    A transaction appears once per establishment and method (that is what identifies it)."""
    try:
        table = read_table(data, source, PAYMENT_COLUMNS, PAYMENT_COLUMNS)
    except InputError as error:
        raise InputErrors([error]) from None
    payments: list[PaymentRecord] = []
    errors: list[InputError] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        where = f"{source}, ligne {row.line}"
        try:
            payment = _payment(row)
        except InputError as error:
            errors.append(error.located(where))
            continue
        key = (payment.uai, payment.method.value, payment.transaction_id)
        first = seen.setdefault(key, row.line)
        if first != row.line:
            message = f"transaction {payment.transaction_id} déjà présente ligne {first}"
            errors.append(InputError(message, where))
            continue
        payments.append(payment)
    if errors:
        raise InputErrors(errors)
    if not payments:
        raise InputErrors([InputError("aucun paiement dans le fichier", source)])
    return payments


def _payment(row: Row) -> PaymentRecord:
    uai = row.get("uai")
    if not uai:
        raise InputError("UAI vide")
    date = row.get("date")
    if not date:
        raise InputError("date vide")
    amount_text = row.get("montant")
    if not amount_text:
        raise InputError("montant vide")
    amount = parse_euros(amount_text)
    if amount <= 0:
        raise InputError(f"montant « {amount_text} » invalide : un encaissement est positif")
    transaction = clean_text(row.get("transaction"))
    if not transaction:
        raise InputError("numéro de transaction vide")
    if len(transaction) > _MAX_TRANSACTION:
        raise InputError(f"numéro de transaction trop long ({_MAX_TRANSACTION} caractères au plus)")
    return PaymentRecord(
        uai=normalize_uai(uai),
        card=normalize_card(row.get("carte")),
        paid_at=parse_paris_instant(date),
        amount_cents=amount,
        method=parse_method(row.get("moyen")),
        transaction_id=transaction,
    )
