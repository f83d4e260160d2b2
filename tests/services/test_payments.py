"""Payments: the file format, the import (all or nothing, idempotent) and the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from packweb_tui.cli import cli
from packweb_tui.domain.dates import parse_paris_instant
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.hostfile import parse_hosts
from packweb_tui.domain.paymentfile import parse_payments
from packweb_tui.domain.payments import PaymentMethod, PaymentTarget, parse_method
from packweb_tui.services.establishments import add_establishment
from packweb_tui.services.hosts import import_hosts
from packweb_tui.services.payments import import_payments, list_payments, read_payments_file
from packweb_tui.store.database import Database
from packweb_tui.store.models import AuditEntry, Payment

UAI = "0750655E"
OTHER = "0010001W"
HEADER = "uai;carte;date;montant;moyen;transaction\n"
PAYMENTS = (
    HEADER + f"{UAI};123456;02/09/2026 08:00;12,50;en_ligne;PF0001\n"
    f"{UAI};7654321;02/09/2026 12:15;30,00;espèces;ESP-2026-00001\n"
    f"{UAI};7654321;15/12/2026 09:30;238,00;Chèque;1234567\n"
    f"{UAI};999999;2026-09-03T10:00:00+02:00;5;carte bancaire;CB-2026-00001\n"
)


def test_parse_every_method_amounts_and_paris_times() -> None:
    records = parse_payments(PAYMENTS.encode(), "p.csv")
    assert [r.method for r in records] == [
        PaymentMethod.EN_LIGNE,
        PaymentMethod.ESPECES,
        PaymentMethod.CHEQUE,
        PaymentMethod.CARTE_BANCAIRE,
    ]
    assert [r.amount_cents for r in records] == [1250, 3000, 23800, 500]
    # Paris summer time is UTC+2, winter time UTC+1; an explicit offset is kept.
    assert records[0].paid_at == datetime(2026, 9, 2, 6, 0, tzinfo=UTC)
    assert records[2].paid_at == datetime(2026, 12, 15, 8, 30, tzinfo=UTC)
    assert records[3].paid_at == datetime(2026, 9, 3, 8, 0, tzinfo=UTC)
    assert records[1].transaction_id == "ESP-2026-00001" and records[1].card == "7654321"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("en_ligne", PaymentMethod.EN_LIGNE),
        ("En ligne", PaymentMethod.EN_LIGNE),
        ("Paiement en ligne", PaymentMethod.EN_LIGNE),
        ("ESPÈCES", PaymentMethod.ESPECES),
        ("espece", PaymentMethod.ESPECES),
        ("Chèque", PaymentMethod.CHEQUE),
        ("carte_bancaire", PaymentMethod.CARTE_BANCAIRE),
        ("Carte Bancaire", PaymentMethod.CARTE_BANCAIRE),
        ("CB", PaymentMethod.CARTE_BANCAIRE),
    ],
)
def test_method_spellings(text: str, expected: PaymentMethod) -> None:
    assert parse_method(text) is expected


def test_dates_typed_the_french_way_or_iso() -> None:
    assert parse_paris_instant("02/09/2026 08:00:30") == datetime(2026, 9, 2, 6, 0, 30, tzinfo=UTC)
    assert parse_paris_instant("2026-09-02 08:00") == datetime(2026, 9, 2, 6, 0, tzinfo=UTC)
    assert parse_paris_instant("2026-09-02T08:00Z") == datetime(2026, 9, 2, 8, 0, tzinfo=UTC)
    with pytest.raises(InputError, match="JJ/MM/AAAA HH:MM"):
        parse_paris_instant("31/02/2026 08:00")


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_separators(separator: str) -> None:
    text = PAYMENTS.replace("12,50", "12.50").replace("30,00", "30").replace("238,00", "238")
    records = parse_payments(text.replace(";", separator).encode(), "p.csv")
    assert [r.amount_cents for r in records] == [1250, 3000, 23800, 500]


def test_windows_1252_crlf_and_bom_are_read() -> None:
    cp1252 = PAYMENTS.replace("\n", "\r\n").encode("cp1252")
    bom = "\ufeff".encode() + PAYMENTS.encode()
    for data in (cp1252, bom):
        records = parse_payments(data, "p.csv")
        assert records[1].method is PaymentMethod.ESPECES
        assert records[2].method is PaymentMethod.CHEQUE
        assert records[0].uai == UAI  # the BOM is not part of the first column name


def test_every_bad_row_is_listed_with_its_line() -> None:
    bad = (
        HEADER + f"{UAI};123456;02/09/2026 08:00;12,50;en_ligne;PF1\n"
        f"{UAI};;02/09/2026 08:00;12,50;en_ligne;PF2\n"
        f"{UAI};123456;02/09/2026;12,50;en_ligne;PF3\n"
        f"{UAI};123456;02/09/2026 08:00;douze;en_ligne;PF4\n"
        f"{UAI};123456;02/09/2026 08:00;-5,00;en_ligne;PF5\n"
        f"{UAI};123456;02/09/2026 08:00;5,00;virement;PF6\n"
        f"0750655A;123456;02/09/2026 08:00;5,00;cheque;PF7\n"
        f"{UAI};123456;02/09/2026 08:00;5,00;cheque;\n"
        "\n"
        f"{UAI};123457;03/09/2026 08:00;7,00;en_ligne;PF1\n"
    )
    with pytest.raises(InputErrors) as caught:
        parse_payments(bad.encode(), "p.csv")
    messages = [str(e) for e in caught.value.errors]
    assert messages == [
        "p.csv, ligne 3 : numéro de carte vide",
        "p.csv, ligne 4 : date « 02/09/2026 » invalide : JJ/MM/AAAA HH:MM ou ISO 8601 attendu",
        "p.csv, ligne 5 : montant « douze » invalide : euros attendus, par ex. 1,00",
        "p.csv, ligne 6 : montant « -5,00 » invalide : un encaissement est positif",
        "p.csv, ligne 7 : moyen de paiement « virement » inconnu "
        "(en_ligne, especes, cheque, carte_bancaire attendu)",
        "p.csv, ligne 8 : UAI « 0750655A » invalide : la lettre de contrôle devrait être E",
        "p.csv, ligne 9 : numéro de transaction vide",
        "p.csv, ligne 11 : transaction PF1 déjà présente ligne 2",
    ]


def test_missing_or_unknown_columns_and_empty_files() -> None:
    with pytest.raises(InputErrors, match=r"p.csv, ligne 1 : colonne manquante : moyen"):
        parse_payments(b"uai;carte;date;montant;transaction\n", "p.csv")
    with pytest.raises(InputErrors, match=r"colonne inconnue : payeur"):
        parse_payments(HEADER.replace("\n", ";payeur\n").encode(), "p.csv")
    with pytest.raises(InputErrors, match="aucun paiement"):
        parse_payments(HEADER.encode(), "p.csv")


def test_read_payments_file_reports_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputErrors, match="lecture impossible"):
        read_payments_file(tmp_path / "absent.csv")


async def setup(db: Database) -> None:
    await add_establishment(db, UAI, "Lycée Victor-Hugo", "alice")
    hosts = (
        "uai;carte;nom;prenom;type;mode\n"
        f"{UAI};123456;Dupont;Marie-Hélène;eleve;prepaye\n"
        f"{UAI};7654321;Lefèvre;Hélène;commensal;forfait\n"
    )
    await import_hosts(db, parse_hosts(hosts.encode(), "h.csv"), "alice", "h.csv")


async def count_payments(db: Database) -> int:
    async with db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(Payment)) or 0)


async def test_import_is_idempotent_and_ties_payments_to_hosts(db: Database) -> None:
    await setup(db)
    records = parse_payments(PAYMENTS.encode(), "p.csv")
    report = await import_payments(db, records, "alice", "p.csv")
    assert (report.rows, report.new, report.already_known, report.without_host) == (4, 4, 0, 1)
    assert report.summary() == (
        "4 paiements lus : 4 nouveaux (dont 1 sur une carte sans hôte), 0 déjà connu."
    )

    # The same file again, plus one new row and one known transaction under another method.
    more = PAYMENTS + f"{UAI};123456;04/09/2026 19:00;20,00;en_ligne;PF0002\n"
    more += f"{UAI};123456;04/09/2026 19:05;20,00;cheque;PF0001\n"
    again = await import_payments(db, parse_payments(more.encode(), "p.csv"), "bob", "p.csv")
    assert (again.new, again.already_known) == (2, 4)
    assert await count_payments(db) == 6

    views = await list_payments(db, UAI)
    assert [v.transaction_id for v in views][:2] == ["PF0001", "ESP-2026-00001"]
    by_txn = {(v.method, v.transaction_id): v for v in views}
    first = by_txn[(PaymentMethod.EN_LIGNE, "PF0001")]
    assert (first.last_name, first.first_name, first.target) == (
        "Dupont",
        "Marie-Hélène",
        PaymentTarget.SELF,
    )
    assert by_txn[(PaymentMethod.CHEQUE, "1234567")].target is PaymentTarget.FORFAIT
    unknown = by_txn[(PaymentMethod.CARTE_BANCAIRE, "CB-2026-00001")]
    assert unknown.last_name is None and unknown.card == "999999"
    item = first.to_json()
    assert item["amount_cents"] == 1250 and item["amount"] == "12,50"
    assert item["method"] == "en_ligne" and item["paid_at"] == "2026-09-02T06:00:00+00:00"
    assert await list_payments(db, OTHER) == []
    async with db.reading() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert actions.count("payments.import") == 2


async def test_repeats_given_by_a_caller_are_stored_once(db: Database) -> None:
    await setup(db)
    records = parse_payments(PAYMENTS.encode(), "p.csv")
    report = await import_payments(db, records + records[:2], "alice", "portal")
    assert (report.new, report.already_known) == (4, 2)
    assert await count_payments(db) == 4


async def test_unknown_establishment_refuses_the_whole_file(db: Database) -> None:
    await setup(db)
    mixed = PAYMENTS + f"{OTHER};123456;04/09/2026 19:00;20,00;en_ligne;PF9\n"
    with pytest.raises(InputErrors, match=f"p.csv : établissement {OTHER} inconnu"):
        await import_payments(db, parse_payments(mixed.encode(), "p.csv"), "alice", "p.csv")
    assert await count_payments(db) == 0


def invoke(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_import_and_list(sqlite_url: str, tmp_path: Path) -> None:
    assert invoke(sqlite_url, "establishments", "add", UAI, "Lycée Victor-Hugo")[0] == 0
    path = tmp_path / "paiements.csv"
    path.write_bytes(PAYMENTS.encode("cp1252"))
    code, out, _ = invoke(sqlite_url, "payments", "import", str(path))
    assert code == 0 and "4 nouveaux (dont 4 sur une carte sans hôte)" in out
    code, out, _ = invoke(sqlite_url, "payments", "import", str(path))
    assert code == 0 and "0 nouveau, 4 déjà connus" in out
    code, out, _ = invoke(sqlite_url, "payments", "list")
    assert code == 0 and "02/09/2026 08:00" in out and "12,50 €" in out and "Chèque" in out
    assert out.rstrip().endswith("4 paiements.")
    code, out, _ = invoke(sqlite_url, "payments", "list", "--json", "--uai", UAI.lower())
    assert code == 0 and len(json.loads(out)) == 4


def test_cli_bad_input_exits_2_and_writes_nothing(sqlite_url: str, tmp_path: Path) -> None:
    invoke(sqlite_url, "establishments", "add", UAI, "Lycée")
    bad = tmp_path / "paiements.csv"
    bad.write_text(HEADER + f"{UAI};123456;02/09/2026 08:00;12,50;virement;PF1\n")
    code, out, err = invoke(sqlite_url, "payments", "import", str(bad))
    assert code == 2 and out == ""
    assert "paiements.csv, ligne 2 : moyen de paiement « virement » inconnu" in err
    assert "rien n'a été enregistré" in err and "Traceback" not in err

    unknown = tmp_path / "autre.csv"
    unknown.write_text(HEADER + f"{OTHER};123456;02/09/2026 08:00;12,50;cheque;1\n")
    code, _, err = invoke(sqlite_url, "payments", "import", str(unknown))
    assert code == 2 and f"établissement {OTHER} inconnu" in err
    code, _, err = invoke(sqlite_url, "payments", "import", str(tmp_path / "absent.csv"))
    assert code == 2 and "lecture impossible" in err
    assert invoke(sqlite_url, "payments", "list", "--json")[1].strip() == "[]"
