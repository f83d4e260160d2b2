"""What a credentials letter says to the family: where to log in, whom to ask, whom it is
for (domain/letters.py; the PDF's layout is tested in tests/services/test_letters.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from packweb_tui.domain.letters import (
    LetterContent,
    letter_html,
    letter_text,
    portal_address,
    portal_home,
)

LETTER = LetterContent(
    establishment="Lycée Victor-Hugo",
    uai="0750655E",
    address=("3 rue de Sévigné", "75001 Paris"),
    school_email="intendance@lycee-victor-hugo.fr",
    holder="Marie-Hélène DUPONT",
    recipient_email="famille.dupont@exemple.fr",
    hosts=("DUPONT Marie-Hélène, carte …0001",),
    login="marie-helene.dupont",
    password="Kp7m-X2qr-9tzh-Wd",
    portal_url="https://espace-numerique.exemple.fr",
    issued_on=date(2026, 9, 1),
    phone="01 44 55 66 77",
)


def test_the_portal_address_is_the_establishments_home_page() -> None:
    """The portal serves each establishment under /{uai}/ (docs/portal-api.md)."""
    home = "https://espace-numerique.exemple.fr/0750655E/"
    assert portal_home("https://espace-numerique.exemple.fr", "0750655E") == home
    assert portal_home("https://espace-numerique.exemple.fr/", "0750655E") == home
    assert portal_home("https://espace-numerique.exemple.fr/0750655e", "0750655E") == (
        "https://espace-numerique.exemple.fr/0750655e/"
    )
    assert portal_home("http://127.0.0.1:8080", "0692185A") == "http://127.0.0.1:8080/0692185A/"
    assert portal_address(LETTER) == home
    text = letter_text(LETTER)
    # The address alone at the end of its line: no full stop to be copied with it.
    assert f"1. Rendez-vous sur le portail : {home}\n" in text
    assert "donnée par l'établissement" not in text
    without = letter_text(replace(LETTER, portal_url=None))
    assert "1. Rendez-vous sur l'adresse de l'espace numérique donnée par" in without


def test_the_letter_names_the_family_its_subject_and_whom_to_ask() -> None:
    text = letter_text(LETTER)
    head = text.split("Madame, Monsieur,")[0]
    assert head.splitlines() == [
        "Lycée Victor-Hugo",
        "3 rue de Sévigné",
        "75001 Paris",
        "Tél. 01 44 55 66 77",
        "Courriel : intendance@lycee-victor-hugo.fr",
        "",
        "Aux responsables de",
        "Marie-Hélène DUPONT",
        "",
        "Le 1er septembre 2026",
        "",
        "Objet : vos identifiants de l'espace numérique de la cantine",
        "",
    ]
    assert "famille.dupont@exemple.fr" not in text  # the email is where it goes, not its reader
    assert "(intendance@lycee-victor-hugo.fr, tél. 01 44 55 66 77)" in text
    html = letter_html(LETTER)
    assert "<p>Aux responsables de<br>Marie-Hélène DUPONT</p>" in html
    assert "Objet : vos identifiants" in html and "<br>Tél. 01 44 55 66 77" in html


def test_a_member_of_staff_gets_the_letter_in_their_own_name() -> None:
    staff = replace(LETTER, holder="Jules PETIT", pupil=False, phone=None, school_email=None)
    text = letter_text(staff)
    assert "Aux responsables" not in text
    assert "\n\nJules PETIT\n\nLe 1er septembre 2026" in text
    assert "Tél." not in text and "Courriel :" not in text
    assert "adressez-vous à l'intendance de l'établissement." in text
