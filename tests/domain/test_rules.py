"""Pure rules: UAI, names, money, emails, the hosts file, requests, matching and the
states' labels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from packweb_tui.domain.emails import normalize_email
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.hostfile import parse_hosts
from packweb_tui.domain.hosts import HostKind, HostMode, card_suffix, normalize_card
from packweb_tui.domain.matching import HostFacts, MatchKind, match_request, names_relation
from packweb_tui.domain.money import format_euros, parse_euros
from packweb_tui.domain.names import clean_text, fold_name
from packweb_tui.domain.requests import parse_instant, parse_request_item, parse_request_items
from packweb_tui.domain.states import CredentialsState, OutboxKind, OutboxStatus, SyncStatus
from packweb_tui.domain.uai import normalize_uai, uai_check_letter


class TestUai:
    def test_known_code(self) -> None:
        assert uai_check_letter("0750655") == "E"
        assert normalize_uai(" 0750655e ") == "0750655E"

    @pytest.mark.parametrize(
        ("value", "why"),
        [
            ("0750655F", "devrait être E"),
            ("075065E", "7 chiffres"),
            ("ABCDEFGH", "7 chiffres"),
            ("", "7 chiffres"),
            ("07506551", "7 chiffres"),
        ],
    )
    def test_bad_codes_say_why(self, value: str, why: str) -> None:
        with pytest.raises(InputError, match=why):
            normalize_uai(value)

    def test_every_letter_of_the_alphabet_is_reachable(self) -> None:
        letters = {uai_check_letter(f"{n:07d}") for n in range(23)}
        assert letters == set("ABCDEFGHJKLMNPRSTUVWXYZ")


class TestNames:
    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ("Marie-Hélène", "MARIE  HELENE"),
            ("D'Almeida", "d almeida"),
            ("D’Almeida", "d almeida"),
            ("Œuvray", "oeuvray"),
            ("Łukasz", "lukasz"),
            ("  Zoë ", "ZOE"),
            ("Nguyễn", "nguyen"),
            ("Jean--Pierre", "jean pierre"),
        ],
    )
    def test_folding_makes_typings_equal(self, a: str, b: str) -> None:
        assert fold_name(a) == fold_name(b)

    def test_different_names_stay_different(self) -> None:
        assert fold_name("Dupont") != fold_name("Dupond")

    def test_clean_text_removes_control_characters(self) -> None:
        assert clean_text("Bob\x1b[31m\t Marley\n") == "Bob [31m Marley"


class TestMoney:
    @pytest.mark.parametrize(
        ("text", "cents"),
        [
            ("1,00", 100),
            ("1.00", 100),
            ("12", 1200),
            ("0,5", 50),
            ("1 234,56", 123456),
            ("3,00 €", 300),
            ("-2,10", -210),
        ],
    )
    def test_parse(self, text: str, cents: int) -> None:
        assert parse_euros(text) == cents

    @pytest.mark.parametrize("text", ["", "abc", "1,234", "1.2.3", "1,"])
    def test_refuse(self, text: str) -> None:
        with pytest.raises(InputError, match="montant"):
            parse_euros(text)

    def test_format(self) -> None:
        assert format_euros(0) == "0,00"
        assert format_euros(123456) == "1 234,56"
        assert format_euros(-5) == "-0,05"


class TestEmails:
    def test_normalize(self) -> None:
        assert normalize_email(" Jean.Dupont@Exemple.FR ") == "Jean.Dupont@exemple.fr"

    @pytest.mark.parametrize("value", ["jean", "jean@", "@x.fr", "a@b", "a..b@x.fr", "a b@x.fr"])
    def test_refuse(self, value: str) -> None:
        with pytest.raises(InputError, match="email"):
            normalize_email(value)


class TestCards:
    def test_card(self) -> None:
        assert normalize_card(" 0012345 ") == "0012345"
        assert card_suffix("0012345") == "12345"

    @pytest.mark.parametrize("value", ["12345", "12345678901", "12a456", "１２３４５６"])
    def test_bad_card(self, value: str) -> None:
        with pytest.raises(InputError, match="carte"):
            normalize_card(value)


HEADER = "uai;carte;nom;prenom;type;mode;classe;email\r\n"


class TestHostsFile:
    def test_reads_semicolons_crlf_bom(self) -> None:
        data = (
            "\ufeff" + HEADER + "0750655E;123456;Dupont;Marie-Hélène;élève;prépayé;2nde A;\r\n"
        ).encode()
        [host] = parse_hosts(data, "h.csv")
        assert (host.uai, host.card, host.first_name) == ("0750655E", "123456", "Marie-Hélène")
        assert (host.kind, host.mode, host.class_name) == (
            HostKind.ELEVE,
            HostMode.PREPAYE,
            "2nde A",
        )

    def test_reads_windows_1252_commas_any_column_order(self) -> None:
        data = "Prénom,NOM,Carte,Mode,Type\nHélène,Lefèvre,7654321,forfait,commensal\n".encode(
            "cp1252"
        )
        [host] = parse_hosts(data, "h.csv", default_uai="0750655E")
        assert (host.last_name, host.first_name) == ("Lefèvre", "Hélène")
        assert host.kind is HostKind.COMMENSAL

    def test_reads_tabs(self) -> None:
        data = b"uai\tcarte\tnom\tprenom\ttype\tmode\n0750655E\t123456\tA\tB\televe\tforfait\n"
        assert len(parse_hosts(data, "h.tsv")) == 1

    def test_every_bad_row_is_listed_with_its_line(self) -> None:
        data = (
            HEADER + "0750655E;;Dupont;Marie;eleve;forfait;;\n"
            "0750655E;123456;Durand;Paul;eleve;forfait;;\n"
            "0750655X;123457;Durand;Paul;eleve;forfait;;\n"
            "0750655E;123456;Durand;Paul;eleve;forfait;;\n"
            "0750655E;123458;;Paul;prof;forfait;;\n"
            "0750655E;123459;Léa;Paul;eleve;forfait;;pas-un-email\n"
        ).encode()
        with pytest.raises(InputErrors) as caught:
            parse_hosts(data, "hosts.csv")
        lines = [str(e) for e in caught.value.errors]
        assert lines[0] == "hosts.csv, ligne 2 : numéro de carte vide"
        assert lines[1].startswith("hosts.csv, ligne 4 : UAI")
        assert lines[2] == "hosts.csv, ligne 5 : carte 123456 déjà présente ligne 3"
        assert lines[3].startswith("hosts.csv, ligne 6 : ")
        assert lines[4].startswith("hosts.csv, ligne 7 : adresse email")
        assert len(lines) == 5

    def test_missing_column(self) -> None:
        with pytest.raises(InputErrors, match=r"ligne 1 : colonne.* manquante.*: uai"):
            parse_hosts(b"carte;nom;prenom;type;mode\n123456;A;B;eleve;forfait\n", "h.csv")

    def test_unknown_column(self) -> None:
        with pytest.raises(InputErrors, match=r"inconnue.*: age"):
            parse_hosts((HEADER.strip() + ";age\n").encode(), "h.csv")

    def test_uai_option_conflicting_with_column(self) -> None:
        data = (HEADER + "0750655E;123456;A;B;eleve;forfait;;\n").encode()
        with pytest.raises(InputErrors, match="différent"):
            parse_hosts(data, "h.csv", default_uai="0010001W")

    def test_empty_file(self) -> None:
        with pytest.raises(InputErrors, match="vide"):
            parse_hosts(b"", "h.csv")
        with pytest.raises(InputErrors, match="aucun hôte"):
            parse_hosts(HEADER.encode(), "h.csv")

    def test_too_many_values(self) -> None:
        with pytest.raises(InputErrors, match="ligne 2 : 9 valeurs pour 8 colonnes"):
            parse_hosts((HEADER + "0750655E;123456;A;B;eleve;forfait;;;x\n").encode(), "h.csv")


def _item(**over: object) -> dict[str, object]:
    item: dict[str, object] = {
        "portal_id": "p1",
        "uai": "0750655E",
        "card_digits": "23456",
        "last_name": "Dupont",
        "first_name": "Marie",
        "email": "parent@exemple.fr",
        "submitted_at": "2026-09-02T08:00:00+02:00",
    }
    item.update(over)
    return item


class TestRequests:
    def test_parse(self) -> None:
        record = parse_request_item(_item())
        assert record.submitted_at == datetime(2026, 9, 2, 6, 0, tzinfo=UTC)

    @pytest.mark.parametrize(
        ("over", "why"),
        [
            ({"card_digits": "1234"}, "5 chiffres"),
            ({"last_name": " "}, "last_name"),
            ({"email": "x"}, "email"),
            ({"submitted_at": "2026-09-02T08:00:00"}, "fuseau"),
            ({"uai": "0750655F"}, "UAI"),
            ({"portal_id": None}, "portal_id"),
        ],
    )
    def test_refuse(self, over: dict[str, object], why: str) -> None:
        with pytest.raises(InputError, match=why):
            parse_request_item(_item(**over))

    def test_items_name_their_position(self) -> None:
        with pytest.raises(InputErrors, match=r"r.json, demande n° 2 : "):
            parse_request_items([_item(), _item(email="x")], "r.json")

    def test_instant_with_z(self) -> None:
        assert parse_instant("2026-09-02T06:00:00Z").hour == 6


def host(id_: int, card: str, last: str, first: str, account: bool = False) -> HostFacts:
    return HostFacts(id_, card, last, first, fold_name(last), fold_name(first), account)


def match(last: str, first: str, hosts: list[HostFacts], dup: str | None = None) -> MatchKind:
    result = match_request(
        "23456", fold_name(last), fold_name(first), f"{last} {first}", hosts, dup
    )
    if result.kind not in (MatchKind.EXACT, MatchKind.HAS_ACCOUNT):
        assert result.attached is None  # never attached without an operator
    return result.kind


class TestMatching:
    def test_exact(self) -> None:
        hosts = [host(1, "123456", "Dupont", "Marie-Hélène"), host(2, "923456", "Martin", "Léo")]
        result = match_request("23456", "dupont", "marie helene", "DUPONT Marie", hosts)
        assert result.kind is MatchKind.EXACT
        assert result.attached is not None and result.attached.id == 1
        assert "identiques" in result.explanation

    def test_kinds(self) -> None:
        dupont = host(1, "123456", "Dupont", "Marie-Hélène")
        assert match("DUPONT", "Marie Helene", [dupont]) is MatchKind.EXACT
        assert match("Dupond", "Marie-Hélène", [dupont]) is MatchKind.PROBABLE
        assert match("Marie-Hélène", "Dupont", [dupont]) is MatchKind.PROBABLE
        assert match("Dupont", "Marie", [dupont]) is MatchKind.PROBABLE
        assert match("Martin", "Paul", [dupont]) is MatchKind.MISMATCH
        assert match("Dupont", "Marie-Hélène", []) is MatchKind.NONE
        twin = host(2, "223456", "Dupont", "Marie-Hélène")
        assert match("Dupont", "Marie-Hélène", [dupont, twin]) is MatchKind.AMBIGUOUS
        assert match("Dupont", "Marie-Hélène", [dupont], "demande n° 3") is MatchKind.DUPLICATE
        owned = host(1, "123456", "Dupont", "Marie-Hélène", account=True)
        assert match("Dupont", "Marie-Hélène", [owned]) is MatchKind.HAS_ACCOUNT

    def test_mismatch_names_the_card_owner(self) -> None:
        result = match_request(
            "23456", "martin", "paul", "MARTIN Paul", [host(1, "123456", "Durand", "Sophie")]
        )
        expected = "La carte …23456 appartient à DURAND Sophie, pas à MARTIN Paul."
        assert result.explanation == expected

    def test_short_names_need_more_than_one_letter_to_be_close(self) -> None:
        assert names_relation("li", "bo", host(1, "1", "Lu", "Bo")) == "different"


@pytest.mark.parametrize("kind", [CredentialsState, OutboxStatus, OutboxKind, SyncStatus])
def test_every_state_has_its_french_label(
    kind: type[CredentialsState] | type[OutboxStatus] | type[OutboxKind] | type[SyncStatus],
) -> None:
    labels = [state.label for state in kind]
    assert all(labels) and len(set(labels)) == len(labels)


def test_credentials_states_have_a_short_label_too() -> None:
    shorts = [state.short_label for state in CredentialsState]
    assert all(shorts) and len(set(shorts)) == len(shorts)
    assert all(len(short) <= 9 for short in shorts)  # the Identifiants list's column
