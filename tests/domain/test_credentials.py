"""Credentials rules (pure): logins derived from names, initial passwords."""

from __future__ import annotations

import math
import string
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packweb_tui.domain.credentials import (
    LOGIN_BASE_MAX,
    LOGIN_FALLBACK,
    LOGIN_PATTERN,
    PASSWORD_ALPHABET,
    PASSWORD_ENTROPY_BITS,
    PASSWORD_GROUPS,
    PASSWORD_LENGTH,
    PASSWORD_PATTERN,
    first_free_login,
    login_base,
    login_part,
    new_password,
)


class TestLogin:
    @pytest.mark.parametrize(
        ("last", "first", "login"),
        [
            ("Dupont", "Marie-Hélène", "marie-helene.dupont"),
            ("DUPONT", "marie helene", "marie-helene.dupont"),
            ("  Dupont ", "Marie   Hélène", "marie-helene.dupont"),
            ("D'Almeida", "Inês", "ines.d-almeida"),
            ("O’Brien", "Siobhán", "siobhan.o-brien"),  # typographic apostrophe
            ("N'Diaye", "Aminata", "aminata.n-diaye"),
            ("Le Goff", "Jean-Baptiste", "jean-baptiste.le-goff"),
            ("de La Fontaine", "Zoë", "zoe.de-la-fontaine"),
            ("Œuvray-D'Hérouville", "Zoë", "zoe.oeuvray-d-herouville"),
            ("Nguyễn", "Thảo", "thao.nguyen"),
            ("Kowalczyk", "Łukasz", "lukasz.kowalczyk"),
            ("Öztürk", "Elif", "elif.ozturk"),
            ("Yılmaz", "Ayşe", "ayse.yilmaz"),
            ("Ðorđević", "Ana", "ana.dordevic"),
            ("Þórsdóttir", "Björk", "bjork.thorsdottir"),
            ("Groß", "Jürgen", "jurgen.gross"),
            ("Smith/Jones", "Ann", "ann.smith-jones"),
            ("Dupont-Moretti", "Jean--Pierre", "jean-pierre.dupont-moretti"),
        ],
    )
    def test_names_become_readable_ascii(self, last: str, first: str, login: str) -> None:
        assert login_base(last, first) == login
        assert LOGIN_PATTERN.fullmatch(login)

    @pytest.mark.parametrize(
        ("last", "first", "login"),
        [
            ("Иванов", "Ivan", "ivan"),  # a name without any Latin letter is left out
            ("Petrov", "Пётр", "petrov"),
            ("Иванов", "Иван", LOGIN_FALLBACK),
            ("王", "小明", LOGIN_FALLBACK),
            ("'", "-", LOGIN_FALLBACK),
        ],
    )
    def test_names_without_latin_letters(self, last: str, first: str, login: str) -> None:
        assert login_base(last, first) == login

    def test_long_names_are_cut_between_words(self) -> None:
        login = login_base(
            "Lefèvre-Pontalis de Saint-Exupéry Montmorency", "Marie-Christine Anne-Sophie"
        )
        assert login == "marie-christine-anne.lefevre-pontalis-de"
        assert len(login) <= LOGIN_BASE_MAX

    def test_one_long_word_is_cut_inside(self) -> None:
        login = login_base(
            "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft", "Hubert"
        )
        assert len(login) == LOGIN_BASE_MAX
        assert login.startswith("hubert.wolfeschlegelstein")

    def test_login_part(self) -> None:
        assert login_part(" D’Hérouville ") == "d-herouville"
        assert login_part("") == ""

    def test_first_free_login_counts_from_two(self) -> None:
        assert first_free_login("marie-helene.dupont", set()) == "marie-helene.dupont"
        taken = {"marie-helene.dupont"}
        assert first_free_login("marie-helene.dupont", taken) == "marie-helene.dupont2"
        taken |= {"marie-helene.dupont2", "marie-helene.dupont3"}
        assert first_free_login("marie-helene.dupont", taken) == "marie-helene.dupont4"

    def test_a_gap_is_filled_but_nothing_given_is_reused(self) -> None:
        # Every login ever given stays in the set: a deleted account's login is never given.
        used = {"leo.martin", "leo.martin3"}
        assert first_free_login("leo.martin", used) == "leo.martin2"

    def test_same_names_again_and_again(self) -> None:
        used: set[str] = set()
        for _ in range(5):
            used.add(first_free_login(login_base("Dupont", "Marie-Hélène"), used))
        assert used == {
            "marie-helene.dupont",
            "marie-helene.dupont2",
            "marie-helene.dupont3",
            "marie-helene.dupont4",
            "marie-helene.dupont5",
        }

    @given(st.text(max_size=120), st.text(max_size=120))
    def test_any_names_give_a_bounded_ascii_login(self, last: str, first: str) -> None:
        login = login_base(last, first)
        assert login.isascii()
        assert LOGIN_PATTERN.fullmatch(login)
        assert 1 <= len(login) <= LOGIN_BASE_MAX

    @given(
        st.text(max_size=40),
        st.text(max_size=40),
        st.sets(st.text(alphabet="abcdefgh.-2345", max_size=12), max_size=30),
    )
    def test_derived_login_is_never_taken(self, last: str, first: str, taken: set[str]) -> None:
        login = first_free_login(login_base(last, first), taken)
        assert login not in taken
        assert login.startswith(login_base(last, first))


class TestPassword:
    def test_alphabet_has_no_look_alikes(self) -> None:
        assert len(PASSWORD_ALPHABET) == 57
        assert not set("0O1lI") & set(PASSWORD_ALPHABET)
        assert set(PASSWORD_ALPHABET) <= set(string.ascii_letters + string.digits)

    def test_entropy_is_at_least_80_bits(self) -> None:
        # 14 symbols drawn uniformly from 57: 14 × log2(57) ≈ 81.66 bits (CNIL: 80 at least).
        assert PASSWORD_LENGTH == 14
        assert math.isclose(PASSWORD_ENTROPY_BITS, 14 * math.log2(57))
        assert round(PASSWORD_ENTROPY_BITS, 2) == 81.66
        assert PASSWORD_ENTROPY_BITS >= 80

    def test_grouped_4_4_4_2_with_hyphens(self) -> None:
        password = new_password()
        assert len(password) == 17
        assert [len(g) for g in password.split("-")] == list(PASSWORD_GROUPS) == [4, 4, 4, 2]
        assert PASSWORD_PATTERN.fullmatch(password)
        assert PASSWORD_PATTERN.fullmatch("Kp7m-X2qr-9tzh-Wd")
        assert not PASSWORD_PATTERN.fullmatch("Kp7m-X2qr-9tzh-W0")  # 0 is not in the alphabet

    def test_every_symbol_drawn_about_evenly(self) -> None:
        passwords = [new_password() for _ in range(2000)]
        assert len(set(passwords)) == len(passwords)
        counts = Counter("".join(passwords).replace("-", ""))
        assert set(counts) == set(PASSWORD_ALPHABET)
        expected = 2000 * PASSWORD_LENGTH / len(PASSWORD_ALPHABET)  # about 491 each
        assert all(0.7 * expected < n < 1.3 * expected for n in counts.values())
