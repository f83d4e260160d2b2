"""The command line, through click's runner and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from packweb_tui.cli import cli
from packweb_tui.store.revision import HEAD_REVISION

UAI = "0750655E"


def invoke(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def hosts_csv(tmp_path: Path) -> Path:
    path = tmp_path / "hosts.csv"
    path.write_bytes(
        "uai;carte;nom;prénom;type;mode;classe\r\n"
        f"{UAI};123456;Dupont;Marie-Hélène;élève;prépayé;2nde A\r\n"
        f"{UAI};7654321;Lefèvre;Hélène;commensal;forfait;\r\n".encode("cp1252")
    )
    return path


def test_full_flow(db_url: str, hosts_csv: Path, tmp_path: Path) -> None:
    assert invoke(db_url, "establishments", "add", UAI, "Lycée Victor-Hugo")[0] == 0
    code, out, _ = invoke(db_url, "hosts", "import", str(hosts_csv))
    assert code == 0 and "2 ont été créés" in out
    requests = tmp_path / "requests.json"
    requests.write_text(
        json.dumps(
            [
                {
                    "portal_id": "w-1",
                    "uai": UAI,
                    "card_digits": "23456",
                    "last_name": "DUPONT",
                    "first_name": "Marie Helene",
                    "email": "parent@exemple.fr",
                    "submitted_at": "2026-09-01T20:15:00+02:00",
                }
            ]
        ),
        encoding="utf-8",
    )
    code, out, _ = invoke(db_url, "requests", "import", str(requests))
    assert code == 0 and "1 nouvelle" in out and "Récapitulatif" not in out  # no address yet
    code, out, _ = invoke(db_url, "requests", "list", "--json", "--uai", UAI)
    [item] = json.loads(out)
    assert item["status"] == "pending"
    assert item["match"]["kind"] == "exact" and item["match"]["cards"] == ["123456"]
    code, out, _ = invoke(db_url, "establishments", "list", "--json")
    assert json.loads(out) == [
        {"uai": UAI, "name": "Lycée Victor-Hugo", "address": [], "phone": None, "hosts": 2,
         "pending_requests": 1}
    ]  # fmt: skip


def test_the_postal_address_of_the_letters(sqlite_url: str) -> None:
    code, _, _ = invoke(
        sqlite_url, "establishments", "add", UAI, "Lycée Victor-Hugo",
        "--address", "27 rue de Sévigné", "--address", " 75003  Paris ",
    )  # fmt: skip
    assert code == 0
    [item] = json.loads(invoke(sqlite_url, "establishments", "list", "--json")[1])
    assert item["address"] == ["27 rue de Sévigné", "75003 Paris"]
    code, out, _ = invoke(sqlite_url, "establishments", "set", UAI, "--name", "Lycée Hugo")
    assert (
        code == 0
        and out == "Établissement 0750655E « Lycée Hugo » : 27 rue de Sévigné / 75003 Paris.\n"
    )
    code, out, _ = invoke(sqlite_url, "establishments", "set", UAI, "--no-address")
    assert code == 0 and "sans adresse" in out
    code, _, err = invoke(sqlite_url, "establishments", "set", UAI, "--address", "x" * 81)
    assert code == 2 and "ligne d'adresse trop longue (81 caractères, 80 au plus)" in err
    code, _, err = invoke(sqlite_url, "establishments", "set", UAI)
    assert code == 2 and "rien à changer" in err


def test_the_phone_of_the_letters(sqlite_url: str) -> None:
    """`establishments set --phone`: checked, printed in pairs, shown by `list`; cleared by
    --no-phone. A wrong number is bad input (exit 2) and changes nothing."""
    assert invoke(sqlite_url, "establishments", "add", UAI, "Lycée Victor-Hugo")[0] == 0
    code, out, _ = invoke(sqlite_url, "establishments", "set", UAI, "--phone", "0144556677")
    assert code == 0
    said = "Établissement 0750655E « Lycée Victor-Hugo » : sans adresse, tél. 01 44 55 66 77.\n"
    assert out == said
    [item] = json.loads(invoke(sqlite_url, "establishments", "list", "--json")[1])
    assert item["phone"] == "01 44 55 66 77"
    assert "sans adresse, tél. 01 44 55 66 77" in invoke(sqlite_url, "establishments", "list")[1]
    code, _, err = invoke(sqlite_url, "establishments", "set", UAI, "--phone", "intendance")
    assert code == 2 and err.count("\n") == 1
    assert "numéro de téléphone « intendance » invalide" in err
    code, _, err = invoke(sqlite_url, "establishments", "set", UAI, "--phone", "1", "--no-phone")
    assert code == 2 and "--phone et --no-phone ensemble" in err
    code, out, _ = invoke(sqlite_url, "establishments", "set", UAI, "--no-phone")
    assert code == 0 and "tél." not in out
    [item] = json.loads(invoke(sqlite_url, "establishments", "list", "--json")[1])
    assert item["phone"] is None


def test_new_requests_are_told_to_the_requests_address(
    sqlite_url: str, hosts_csv: Path, tmp_path: Path
) -> None:
    """The establishment's "email pour réceptionner les demandes" gets a digest of the new
    requests of each import (the synchronisation will do the same); none for known ones."""
    invoke(sqlite_url, "establishments", "add", UAI, "Lycée Victor-Hugo")
    invoke(sqlite_url, "hosts", "import", str(hosts_csv))
    assert invoke(sqlite_url, "settings", "set", UAI, "requests_email=demandes@lycee.fr")[0] == 0
    requests = tmp_path / "requests.json"
    item = {
        "portal_id": "w-1", "uai": UAI, "card_digits": "23456", "last_name": "DUPONT",
        "first_name": "Marie Helene", "email": "parent@exemple.fr",
        "submitted_at": "2026-09-01T20:15:00+02:00",
    }  # fmt: skip
    requests.write_text(json.dumps([item]), encoding="utf-8")
    code, out, _ = invoke(sqlite_url, "requests", "import", str(requests))
    assert code == 0 and "Récapitulatif en file d'envoi pour demandes@lycee.fr." in out
    code, out, _ = invoke(sqlite_url, "requests", "import", str(requests))
    assert code == 0 and "1 déjà connue." in out and "Récapitulatif" not in out
    [digest] = json.loads(invoke(sqlite_url, "outbox", "list", "--json")[1])
    assert digest["kind"] == "digest" and digest["to"] == "demandes@lycee.fr"
    assert digest["subject"] == "1 nouvelle demande de compte – Lycée Victor-Hugo"


def test_bad_rows_exit_2_and_write_nothing(sqlite_url: str, tmp_path: Path) -> None:
    invoke(sqlite_url, "establishments", "add", UAI, "Lycée")
    bad = tmp_path / "hosts.csv"
    bad.write_text(
        f"uai;carte;nom;prenom;type;mode\n{UAI};123456;A;B;eleve;forfait\n"
        f"{UAI};;A;B;eleve;forfait\n{UAI};123457;A;B;prof;forfait\n"
    )
    code, out, err = invoke(sqlite_url, "hosts", "import", str(bad))
    assert code == 2 and out == ""
    assert "hosts.csv, ligne 3 : numéro de carte vide" in err
    assert "hosts.csv, ligne 4 : type « prof » inconnu" in err
    assert "rien n'a été enregistré" in err
    assert '"hosts": 0' in invoke(sqlite_url, "establishments", "list", "--json")[1]


def test_unknown_establishment_says_how_to_add_it(sqlite_url: str, hosts_csv: Path) -> None:
    code, _, err = invoke(sqlite_url, "hosts", "import", str(hosts_csv))
    assert code == 2
    assert f"packweb establishments add {UAI} NOM" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["establishments", "add", "0750655F", "X"], "lettre de contrôle devrait être E"),
        (["hosts", "import", "/nonexistent/h.csv"], "lecture impossible"),
        (["requests", "import", "/nonexistent/r.json"], "lecture impossible"),
        (["requests", "list", "--uai", "123"], "UAI « 123 » invalide"),
    ],
)
def test_bad_input_is_one_clear_line(sqlite_url: str, args: list[str], message: str) -> None:
    code, _, err = invoke(sqlite_url, *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_bad_json(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text("[{")
    code, _, err = invoke(sqlite_url, "requests", "import", str(path))
    assert code == 2 and "r.json : JSON invalide" in err


def test_bad_config_file(tmp_path: Path) -> None:
    config = tmp_path / "packweb.toml"
    config.write_text("[smtp]\nport = 'vingt-cinq'\n")
    result = CliRunner().invoke(cli, ["--config", str(config), "establishments", "list"])
    assert result.exit_code == 2
    assert f"{config}, ligne 2 : [smtp] port : un nombre entier attendu" in result.stderr
    config.write_text("[databse]\nurl = 'x.db'\n")
    for args in (["establishments", "list"], []):  # the console too, before it starts
        result = CliRunner().invoke(cli, ["--config", str(config), *args])
        assert result.exit_code == 2
        assert result.stderr == (
            f"packweb : {config}, ligne 1 : [databse] : section inconnue (database ?)\n"
        )


def test_config_file_gives_the_database(tmp_path: Path) -> None:
    db_file = tmp_path / "from-config.db"
    config = tmp_path / "packweb.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{db_file}"\n')
    env = {k: v for k, v in os.environ.items() if k != "PACKWEB_DB_URL"}
    result = CliRunner(env=env).invoke(cli, ["--config", str(config), "db", "upgrade"])
    assert result.exit_code == 0 and db_file.exists()
    result = CliRunner(env=env).invoke(
        cli, ["--config", str(config), "establishments", "add", UAI, "Lycée"]
    )
    assert result.exit_code == 0


def run_packweb(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "packweb_tui", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def test_subprocess_round_trip(sqlite_url: str, hosts_csv: Path) -> None:
    done = run_packweb("--db", sqlite_url, "db", "upgrade")
    assert done.returncode == 0 and done.stdout == f"Schéma à jour ({HEAD_REVISION}).\n"
    assert run_packweb("--db", sqlite_url, "establishments", "add", UAI, "Lycée").returncode == 0
    done = run_packweb(
        "hosts", "import", str(hosts_csv), "--dry-run", env={"PACKWEB_DB_URL": sqlite_url}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Simulation : 2 hôtes lus : 2 seraient créés")


def test_unreachable_server_exits_1_without_traceback() -> None:
    done = run_packweb(
        "--db", "postgresql+asyncpg://postgres@127.0.0.1:1/test", "establishments", "list"
    )
    assert done.returncode == 1
    assert done.stderr.startswith("packweb : base de données inaccessible")
    assert "Traceback" not in done.stderr


def test_debug_shows_the_traceback() -> None:
    done = run_packweb(
        "--debug",
        "--db",
        "postgresql+asyncpg://postgres@127.0.0.1:1/test",
        "establishments",
        "list",
    )
    assert done.returncode == 1 and "Traceback" in done.stderr


def test_usage_errors_exit_2() -> None:
    done = run_packweb("requests", "list", "--status", "maybe")
    assert done.returncode == 2


# --- requests approve / reject, accounts list -----------------------------------------------
def approval_store(db_url: str, hosts_csv: Path, tmp_path: Path) -> dict[str, int]:
    """The two hosts of `hosts_csv` and three requests: one exact, one with a typo, one for an
    unknown card; portal id → request id."""
    assert invoke(db_url, "establishments", "add", UAI, "Lycée Victor-Hugo")[0] == 0
    assert invoke(db_url, "hosts", "import", str(hosts_csv))[0] == 0
    requests = tmp_path / "requests.json"
    items = [
        ("exact", "23456", "Dupont", "Marie-Hélène"),
        ("typo", "54321", "Lefevbre", "Hélène"),
        ("none", "99999", "Inconnu", "Personne"),
    ]
    requests.write_text(
        json.dumps(
            [
                {
                    "portal_id": pid,
                    "uai": UAI,
                    "card_digits": digits,
                    "last_name": last,
                    "first_name": first,
                    "email": f"{pid}@exemple.fr",
                    "submitted_at": f"2026-09-01T20:1{n}:00+02:00",
                }
                for n, (pid, digits, last, first) in enumerate(items)
            ]
        ),
        encoding="utf-8",
    )
    assert invoke(db_url, "requests", "import", str(requests))[0] == 0
    listed = json.loads(invoke(db_url, "requests", "list", "--json")[1])
    return {item["portal_id"]: item["id"] for item in listed}


def test_approve_reject_and_list_accounts(db_url: str, hosts_csv: Path, tmp_path: Path) -> None:
    ids = approval_store(db_url, hosts_csv, tmp_path)
    code, out, err = invoke(
        db_url, "requests", "approve", str(ids["exact"]), str(ids["typo"]), "--uai", UAI
    )
    assert code == 0, err
    assert f"n° {ids['exact']} : compte marie-helene.dupont" in out
    assert "1 compte créé" in out
    assert "1 ligne ignorée" in out
    assert f"1 demande : rapprochement ni exact ni confirmé à la main — n° {ids['typo']}" in out

    code, out, _ = invoke(db_url, "accounts", "list", "--json")
    assert code == 0
    [account] = json.loads(out)
    assert set(account) == {
        "login",
        "uai",
        "cards",
        "email",
        "created_at",
        "enabled",
        "credentials",
    }
    assert (account["login"], account["cards"], account["credentials"]) == (
        "marie-helene.dupont",
        ["123456"],
        "to_send",
    )
    code, out, _ = invoke(db_url, "accounts", "list", "--uai", UAI)
    assert code == 0 and out.startswith(f"marie-helene.dupont  {UAI}  cartes 123456")
    assert "identifiants à envoyer" in out and out.endswith("1 compte.\n")

    reason = "Carte inconnue de l'établissement"
    code, out, _ = invoke(
        db_url, "requests", "reject", str(ids["none"]), str(ids["exact"]), "--reason", reason
    )
    assert code == 0
    assert "1 demande refusée" in out
    assert f"1 demande : déjà acceptée ou refusée — n° {ids['exact']}" in out
    statuses = {
        item["portal_id"]: item["status"]
        for item in json.loads(invoke(db_url, "requests", "list", "--json")[1])
    }
    assert statuses == {"exact": "approved", "typo": "pending", "none": "rejected"}


def test_approve_all_exact(sqlite_url: str, hosts_csv: Path, tmp_path: Path) -> None:
    approval_store(sqlite_url, hosts_csv, tmp_path)
    code, out, _ = invoke(sqlite_url, "requests", "approve", "--all-exact", "--uai", UAI)
    assert code == 0 and "1 compte créé" in out and "ignorée" not in out
    code, out, _ = invoke(sqlite_url, "requests", "approve", "--all-exact")
    assert code == 0 and out == "Aucune demande en attente au rapprochement exact.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["requests", "approve"], "indiquez des numéros de demande ou --all-exact"),
        (["requests", "approve", "1", "--all-exact"], "l'un ou l'autre"),
        (["requests", "approve", "1", "999"], "demande inconnue : n° 999"),
        (["requests", "approve", "--all-exact", "--uai", "0010001W"], "0010001W inconnu"),
        (["requests", "approve", "1", "--uai", "123"], "UAI « 123 » invalide"),
        (["requests", "reject", "1", "--reason", "  "], "motif de refus vide"),
        (["requests", "reject", "999", "--reason", "Demande en double"], "n° 999"),
        (["accounts", "list", "--uai", "0750655F"], "lettre de contrôle devrait être E"),
    ],
)
def test_approval_bad_input_is_one_clear_line(
    sqlite_url: str, hosts_csv: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    approval_store(sqlite_url, hosts_csv, tmp_path)
    code, out, err = invoke(sqlite_url, *args)
    assert code == 2 and message in err and "Traceback" not in err
    assert "créé" not in out
    assert json.loads(invoke(sqlite_url, "accounts", "list", "--json")[1]) == []


def test_reject_needs_reason_and_ids(sqlite_url: str) -> None:
    assert invoke(sqlite_url, "requests", "reject", "1")[0] == 2
    assert invoke(sqlite_url, "requests", "reject", "--reason", "x")[0] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["letters", "print"], "Erreur : Option manquante : '-o' / '--output'."),
        (["outbox", "send", "--limit", "abc"], "'abc' n'est pas un nombre entier valide."),
        (["accounts", "check-password"], "Erreur : Argument manquant : 'IDENTIFIANT'."),
        (["nosuch"], "Erreur : Commande inconnue : 'nosuch'."),
    ],
)
def test_usage_errors_and_help_speak_french(sqlite_url: str, args: list[str], message: str) -> None:
    code, _, err = invoke(sqlite_url, *args)
    assert code == 2 and message in err and "Utilisation :" in err and "Error" not in err
    code, out, _ = invoke(sqlite_url, "outbox", "-h")
    assert code == 0 and "Affiche cette aide." in out and "Commandes :" in out
