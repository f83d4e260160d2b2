"""The credentials letter: what it says, in French, once for every way it goes out (the PDF,
the email's text and HTML parts, the console's preview).

Every letter holds the lines ``Identifiant : <login>`` and ``Mot de passe : <password>``, the
password exactly as it must be typed (docs/formats.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

from packweb_tui.domain.dates import french_date

DEFAULT_PORTAL_URL = "l'adresse de l'espace numérique donnée par l'établissement"
SUBJECT_LINE = "Objet : vos identifiants de l'espace numérique de la cantine"


@dataclass(frozen=True, slots=True)
class LetterContent:
    """Everything one letter says. Names come from the hosts file and the web: they are
    printed as they are, never interpreted."""

    establishment: str  # "Lycée Victor-Hugo"
    uai: str
    address: tuple[str, ...]  # the establishment's postal address, line by line
    school_email: str | None  # for questions (and the personal data note)
    holder: str  # "Marie-Hélène DUPONT": whom the account is for
    recipient_email: str  # where the email goes; the paper letter names the family instead
    hosts: tuple[str, ...]  # "DUPONT Marie-Hélène, carte …0001": what the account reaches
    login: str
    password: str
    portal_url: str | None
    issued_on: date
    logo: Path | None = None  # the establishment's logo, top right of the PDF
    phone: str | None = None  # the establishment's, beside its email
    pupil: bool = True  # the holder is a pupil: the letter goes to the family


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the letter: a heading (may be empty) and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]


def subject_for(establishment: str) -> str:
    """The subject of a credentials email (the letter's title)."""
    return f"Vos identifiants de l'espace numérique – {establishment}"


def letter_subject(content: LetterContent) -> str:
    return subject_for(content.establishment)


def credential_lines(content: LetterContent) -> tuple[str, str]:
    return f"Identifiant : {content.login}", f"Mot de passe : {content.password}"


def portal_home(url: str, uai: str) -> str:
    """The establishment's home page on the portal, where its families log in: the portal
    serves every establishment under ``/{uai}/`` (docs/portal-api.md). A configured address
    that already names the UAI is kept as it is."""
    base = url.strip().rstrip("/")
    if base.upper().endswith(f"/{uai.upper()}"):
        return f"{base}/"
    return f"{base}/{uai}/"


def portal_address(content: LetterContent) -> str:
    if content.portal_url:
        return portal_home(content.portal_url, content.uai)
    return DEFAULT_PORTAL_URL


def _first_step(content: LetterContent) -> str:
    # No full stop after an address: it would be copied with it.
    if content.portal_url:
        return f"1. Rendez-vous sur le portail : {portal_address(content)}"
    return f"1. Rendez-vous sur {DEFAULT_PORTAL_URL}."


def contact_lines(content: LetterContent) -> tuple[str, ...]:
    """How to reach the establishment, under its address: « Tél. … », « Courriel : … »."""
    return (
        *((f"Tél. {content.phone}",) if content.phone else ()),
        *((f"Courriel : {content.school_email}",) if content.school_email else ()),
    )


def addressee_lines(content: LetterContent) -> tuple[str, ...]:
    """Whom the letter is for, where an envelope's window shows it: a pupil's family (« Aux
    responsables de » and the pupil's name), else the holder."""
    return ("Aux responsables de", content.holder) if content.pupil else (content.holder,)


def letter_sections(content: LetterContent) -> tuple[Section, ...]:
    """The letter's body, after the credentials box, as sections of paragraphs."""
    reach = ", ".join(
        (*((content.school_email,) if content.school_email else ()),
         *((f"tél. {content.phone}",) if content.phone else ()))
    )  # fmt: skip
    ask = (
        f"l'intendance de l'établissement ({reach})" if reach else "l'intendance de l'établissement"
    )
    reached = (
        ("Ce compte donne accès à : " + " ; ".join(content.hosts) + ".",) if content.hosts else ()
    )
    return (
        Section(
            "Pour vous connecter",
            (
                _first_step(content),
                "2. Saisissez votre identifiant et votre mot de passe, puis choisissez "
                "« Connexion ». Le mot de passe s'écrit avec ses tirets, en respectant "
                "majuscules et minuscules.",
                "3. À la première connexion, le portail vous demande de choisir votre propre "
                "mot de passe : ce mot de passe initial ne servira plus ensuite.",
            ),
        ),
        Section(
            "Votre compte",
            (
                *reached,
                "Vous pourrez y consulter le solde, créditer le compte en ligne et réserver "
                "les repas.",
                "Identifiant ou mot de passe oublié ? Utilisez le lien « Identifiant / mot de "
                f"passe oublié(s) ? » de la page d'accueil du portail, ou adressez-vous à {ask}.",
            ),
        ),
        Section(
            "Données personnelles",
            (
                "Les informations de ce compte (nom, prénom, adresse électronique, "
                "consommations et paiements) sont traitées par l'établissement pour la "
                "gestion du service de restauration, et conservées le temps de la scolarité. "
                "Vous pouvez y accéder, les faire rectifier ou vous opposer à leur traitement "
                f"en vous adressant à {ask}.",
            ),
        ),
    )


def letter_greeting(content: LetterContent) -> tuple[str, ...]:
    return (
        "Madame, Monsieur,",
        f"Votre demande de compte sur l'espace numérique de la cantine "
        f"({content.establishment}) a été acceptée. Voici les identifiants du compte de "
        f"{content.holder} :",
    )


CLOSING = ("Nous vous souhaitons une bonne utilisation de ce service.", "Le service d'intendance")
CAUTION = (
    "Ce courrier contient un mot de passe personnel : gardez-le pour vous, puis détruisez-le "
    "une fois votre propre mot de passe choisi."
)


def letter_text(content: LetterContent) -> str:
    """The letter as plain text: the email's text part and the console's preview."""
    lines = [
        content.establishment,
        *content.address,
        *contact_lines(content),
        "",
        *addressee_lines(content),
        "",
        f"Le {french_date(content.issued_on)}",
        "",
        SUBJECT_LINE,
        "",
        *_blank_separated(letter_greeting(content)),
        "",
        *(f"    {line}" for line in credential_lines(content)),
        "",
    ]
    for section in letter_sections(content):
        lines += [section.heading, *_blank_separated(section.paragraphs), ""]
    lines += [*_blank_separated(CLOSING), "", CAUTION]
    return "\n".join(lines) + "\n"


def letter_html(content: LetterContent) -> str:
    """The letter as the email's HTML part (every text escaped)."""
    e = escape
    login, password = credential_lines(content)
    parts = [
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">',
        f"<title>{e(letter_subject(content))}</title></head>",
        '<body style="font-family: sans-serif; line-height: 1.4; max-width: 40em">',
        f"<p><strong>{e(content.establishment)}</strong>",
        *(f"<br>{e(line)}" for line in (*content.address, *contact_lines(content))),
        "</p>",
        "<p>" + "<br>".join(e(line) for line in addressee_lines(content)) + "</p>",
        f"<p>Le {e(french_date(content.issued_on))}</p>",
        f"<p><strong>{e(SUBJECT_LINE)}</strong></p>",
        *(f"<p>{e(p)}</p>" for p in letter_greeting(content)),
        '<p style="font-family: monospace; font-size: 1.2em; border: 1px solid #888; '
        'padding: 0.6em 1em; display: inline-block">',
        f"{e(login)}<br><strong>{e(password)}</strong></p>",
    ]
    for section in letter_sections(content):
        parts.append(f"<h3>{e(section.heading)}</h3>")
        parts += [f"<p>{e(p)}</p>" for p in section.paragraphs]
    parts += [f"<p>{e(p)}</p>" for p in CLOSING]
    parts.append(f"<p><small>{e(CAUTION)}</small></p></body></html>")
    return "\n".join(parts) + "\n"


def _blank_separated(paragraphs: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        if out:
            out.append("")
        out.append(paragraph)
    return out
