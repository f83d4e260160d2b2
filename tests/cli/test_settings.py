"""`packweb settings show/set` and `packweb closures list/add/remove`: the same rules as the
console; a bad value exits 2 with one clear French line and leaves the store as it was."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from packweb_tui.cli import cli
from packweb_tui.domain.settings import SETTING_KEYS

UAI = "0750655E"


def invoke(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def url(db_url: str) -> str:
    assert invoke(db_url, "establishments", "add", UAI, "Lycée Victor-Hugo")[0] == 0
    return db_url


def shown(url: str) -> str:
    code, out, err = invoke(url, "settings", "show", UAI)
    assert code == 0, err
    return out


def test_show_gives_every_key_and_set_reads_them_back(url: str) -> None:
    out = shown(url)
    assert out.splitlines() == [
        "school_email=",
        "requests_email=",
        "show_meal_count=oui",
        "min_meals=1",
        "show_credit_amount=oui",
        "min_credit_amount=1,00",
        "min_forfait_amount=0,00",
        "school_website=",
        "reservation_weeks=8",
        "reservation_lead_days=0",
        "block_online_payment=non",
        "block_online_reservation=non",
    ]
    code, out, err = invoke(
        url, "settings", "set", UAI, "requests_email=intendance@lycee.fr",
        "min_credit_amount=1.5", "reservation_lead_days=J+1", "school_website=www.lycee.fr",
    )  # fmt: skip
    assert code == 0, err
    assert "min_credit_amount : 1,00 → 1,50" in out
    assert "4 réglages enregistrés" in out
    code, out, _ = invoke(url, "settings", "set", UAI, "min_meals", "3")  # KEY VALUE also reads
    assert code == 0 and "min_meals : 1 → 3" in out
    code, out, _ = invoke(url, "settings", "show", UAI, "--json")
    data = json.loads(out)
    assert set(SETTING_KEYS) <= set(data)
    assert data["min_credit_amount"] == 1.5 and data["min_credit_amount_cents"] == 150
    assert data["reservation_lead_days"] == 1 and data["min_meals"] == 3
    assert data["school_website"] == "https://www.lycee.fr"
    assert data["requests_email"] == "intendance@lycee.fr" and data["to_push"] is True
    assert data["closures"] == []
    # What show writes, set reads: the same settings again change nothing.
    lines = shown(url).splitlines()
    code, out, _ = invoke(url, "settings", "set", UAI, *lines)
    assert code == 0 and out.strip() == "Aucun changement."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["min_meals=0"], "packweb : min_meals : nombre entier de 1 à 100 attendu"),
        (["min_credit_amount=1,555"], "packweb : min_credit_amount : montant en euros"),
        (["requests_email=nobody"], "packweb : requests_email : adresse email invalide"),
        (["requests_email="], "packweb : requests_email : obligatoire"),
        (["show_meal_count=peut-être"], "packweb : show_meal_count : oui ou non attendu"),
        (["school_website=lycee"], "packweb : school_website : adresse web invalide"),
        (["colour=red"], "packweb : réglage « colour » inconnu"),
        (["min_meals"], "packweb : « min_meals » : KEY=VALEUR attendu"),
    ],
)
def test_a_bad_value_exits_2_and_changes_nothing(url: str, args: list[str], message: str) -> None:
    before = shown(url)
    code, _, err = invoke(url, "settings", "set", UAI, "min_meals=5", *args)
    assert code == 2
    assert err.splitlines() == [err.splitlines()[0]] and err.startswith(message)
    assert "Traceback" not in err
    assert shown(url) == before


def test_several_bad_values_are_all_listed(url: str) -> None:
    before = shown(url)
    code, _, err = invoke(url, "settings", "set", UAI, "min_meals=0", "reservation_weeks=99")
    assert code == 2
    assert err.splitlines() == [
        "min_meals : nombre entier de 1 à 100 attendu",
        "reservation_weeks : nombre entier de 1 à 52 attendu",
        "packweb : 2 erreurs, rien n'a été enregistré",
    ]
    assert shown(url) == before


def test_unknown_establishment(url: str) -> None:
    code, _, err = invoke(url, "settings", "show", "0692185A")
    assert code == 2 and "établissement 0692185A inconnu" in err
    code, _, err = invoke(url, "settings", "set", "0692185A", "min_meals=2")
    assert code == 2 and "établissement 0692185A inconnu" in err


def test_closures(url: str) -> None:
    code, out, err = invoke(
        url, "closures", "add", UAI, "19/12/2098", "2099-01-04", "--label", "Noël"
    )
    assert code == 0, err
    assert "« Noël » du 19/12/2098 au 04/01/2099  bloque : paiement et réservation" in out
    code, out, _ = invoke(
        url, "closures", "add", UAI, "06/02/2099", "21/02/2099", "--no-reservation-block"
    )
    assert code == 0 and "bloque : paiement" in out
    code, out, _ = invoke(url, "closures", "list", UAI)
    lines = out.splitlines()
    assert "Noël" in lines[0] and "06/02/2099" in lines[1] and lines[2] == "2 fermetures."
    code, out, _ = invoke(url, "closures", "list", UAI, "--json")
    items = json.loads(out)
    assert [i["from"] for i in items] == ["2098-12-19", "2099-02-06"]
    assert items[1]["block_payment"] is True and items[1]["block_reservation"] is False
    data = json.loads(invoke(url, "settings", "show", UAI, "--json")[1])
    assert [c["label"] for c in data["closures"]] == ["Noël", ""]

    before = invoke(url, "closures", "list", UAI, "--json")[1]
    refused = [
        (["01/01/2099", "02/01/2099"], "chevauche la période « Noël » du 19/12/2098 au 04/01/2099"),
        (["01/01/2001", "02/01/2001"], "période déjà terminée"),
        (["31/02/2099", "02/03/2099"], "du : le 31 février 2099 n'existe pas"),
        (["02/03/2099", "01/03/2099"], "la fin est avant le début"),
        (["demain", "02/03/2099"], "du : date JJ/MM/AAAA attendue"),
    ]  # fmt: skip
    for dates, message in refused:
        code, _, err = invoke(url, "closures", "add", UAI, *dates)
        assert code == 2 and message in err, err
        assert len(err.splitlines()) == 1
    code, _, err = invoke(
        url, "closures", "add", UAI, "01/05/2099", "02/05/2099",
        "--no-payment-block", "--no-reservation-block",
    )  # fmt: skip
    assert code == 2 and "au moins un blocage" in err
    assert invoke(url, "closures", "list", UAI, "--json")[1] == before

    code, _, err = invoke(url, "closures", "remove", UAI, "999")
    assert code == 2 and "fermeture n° 999 inconnue" in err
    first = items[0]["id"]
    code, out, _ = invoke(url, "closures", "remove", UAI, str(first))
    assert code == 0 and f"Fermeture n° {first} supprimée" in out
    assert [i["label"] for i in json.loads(invoke(url, "closures", "list", UAI, "--json")[1])] == [
        ""
    ]
