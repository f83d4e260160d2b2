"""Credentials letters: their PDF (read back with pypdf, drawn with pdfium), the édition, a
new password, checking a password; on SQLite and PostgreSQL."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from packweb_tui.domain.credentials import PASSWORD_PATTERN
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.letters import LetterContent, letter_html, letter_text
from packweb_tui.domain.states import CredentialsState, LetterState, OutboxStatus
from packweb_tui.services.decisions.approve import approve_requests
from packweb_tui.services.editions import print_edition
from packweb_tui.services.letter_pdf import (
    IN_PROCESS_UP_TO,
    MARGIN,
    PAGE_H,
    PAGE_W,
    edition_pdf,
    layout,
    letter_pdf,
    render_letters,
    unprintable,
)
from packweb_tui.services.letters import (
    check_password,
    credentials_rows,
    letter_preview,
    reset_password,
)
from packweb_tui.services.pdf_fonts import text_width
from packweb_tui.store.database import Database
from packweb_tui.store.models import Letter, OutboxMessage, PortalAccount
from tests.services.test_approval import UAI, setup

PORTAL = "https://cantine.example.fr"
NAMES = [
    "Nguyễn Thị Mai",
    "Łukasz Kowalczyk",
    "Zoë Œuvray-D'Hérouville",
    "Marie-Hélène Dupont",
    "Ça Lê Ðức",
    "Ægir Østergård",
]


def content(name: str, n: int = 1) -> LetterContent:
    return LetterContent(
        establishment="Lycée Victor-Hugo",
        uai=UAI,
        address=("27 rue de Sévigné", "75003 Paris"),
        school_email="intendance@lycee-victor-hugo.fr",
        holder=name,
        recipient_email=f"parent{n}@example.fr",
        hosts=(f"{name.upper()}, carte …{n:04d}",),
        login=f"login.{n}",
        password="Kp7m-X2qr-9tzh-Wd",
        portal_url="https://cantine.example.fr",
        issued_on=date(2026, 9, 1),
    )


def pages_text(document: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(document)).pages]


def test_every_name_comes_out_right_and_can_be_read_back() -> None:
    # One after the other: the font subsets kept from a letter must not lose a glyph of
    # the next one's rarer characters.
    for n, name in enumerate(NAMES * 2):
        (text,) = pages_text(letter_pdf(content(name, n)))
        assert name in text
        assert f"Identifiant : login.{n}" in text
        assert "Mot de passe : Kp7m-X2qr-9tzh-Wd" in text
        assert "https://cantine.example.fr" in text and "1er septembre 2026" in text


def test_a_letter_renders_as_one_a4_page() -> None:
    document = pypdfium2.PdfDocument(letter_pdf(content(NAMES[0])))
    try:
        assert len(document) == 1
        width, height = document[0].get_size()
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        image = document[0].render(scale=60 / 72).to_pil()  # a PNG at 60 dpi
    finally:
        document.close()
    assert abs(image.size[0] - 496) <= 1 and abs(image.size[1] - 702) <= 1
    # Not blank: dark ink (the text) and a tinted box (the credentials).
    grey = image.convert("L")
    assert grey.getextrema()[0] < 80
    assert sum(grey.histogram()[201:250]) > 5_000


def test_the_longest_names_and_addresses_still_fit_one_page() -> None:
    """Names as long as the store holds (200 characters), a long address, a family with ten
    cards and a long email address: smaller text and a shorter list of hosts, never a second
    page, never a line past the margin, the credentials as large as ever."""
    establishment = ("Lycée polyvalent régional Françoise-Dolto " * 5)[:200].strip()
    holder = ("Dupont-de-La-Tour-d'Auvergne " * 7)[:200].strip()
    school_email = "intendance.restauration.scolaire.lycee-polyvalent@academie-de-versailles.fr"
    hosts = tuple(f"DUPONT-DE-LA-TOUR Marie-Hélène-Bernadette, carte …{n:04d}" for n in range(10))
    long = replace(
        content(holder),
        establishment=establishment,
        address=tuple(f"Bâtiment {n}, 27 rue de Sévigné" for n in range(6)),
        school_email=school_email,
        hosts=hosts,
        phone="+33 1 44 55 66 77 poste 1234"[:30],
    )
    placed = layout(long)
    assert all(t.x + text_width(t.text, t.font, t.size) <= PAGE_W - MARGIN for t in placed.lines)
    assert all(t.y <= PAGE_H - MARGIN / 2 for t in placed.lines)
    assert [t.size for t in placed.lines if t.font == "mono"] == [12.0, 14.0]
    (text,) = pages_text(letter_pdf(long))
    flat = " ".join(text.split())
    assert "Mot de passe : Kp7m-X2qr-9tzh-Wd" in text and "et 9 autres cartes" in flat
    assert establishment in flat and holder in flat
    # An unbroken address wider than a line is cut, not left to run off the page.
    wide = replace(long, school_email="x" * 240 + "@exemple.fr", hosts=hosts[:1])
    placed = layout(wide)
    assert all(t.x + text_width(t.text, t.font, t.size) <= PAGE_W - MARGIN for t in placed.lines)


def test_characters_the_font_cannot_draw_are_named() -> None:
    """DejaVu has Latin, Greek and Cyrillic, not Chinese: such a name would be missing from
    the PDF, so the preview and the édition say which characters."""
    assert unprintable(content(NAMES[0])) == ""
    assert unprintable(content("Ægir Østergård")) == ""
    assert unprintable(content("李 明", 2)) == "李明"


def test_the_caches_stay_bounded_in_a_long_running_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The daemon renders letters for months: each mix of rare letters makes font subsets
    of its own; only the latest are kept (here 4, to see it with a few letters)."""
    from packweb_tui.services import pdf_fonts as module

    monkeypatch.setattr(module, "_subsets", module._Kept(4))
    for n, char in enumerate("ĀĂĄĆĈ"):
        (text,) = pages_text(letter_pdf(content(f"Zo{char} Test", n)))
        assert f"Zo{char} Test" in text
    assert len(module._subsets._items) == 4
    (text,) = pages_text(letter_pdf(content("ZoĀ Test", 9)))  # dropped, made again
    assert "ZoĀ Test" in text


def test_the_edition_holds_a_page_a_letter() -> None:
    texts = pages_text(edition_pdf([content(name, n) for n, name in enumerate(NAMES)]))
    assert len(texts) == len(NAMES)
    assert all(name in text for name, text in zip(NAMES, texts, strict=True))
    with pytest.raises(ValueError, match="aucune lettre"):
        edition_pdf([])


def test_many_letters_on_every_core_keep_their_order() -> None:
    batch = [content(NAMES[n % len(NAMES)], n) for n in range(IN_PROCESS_UP_TO * 2 + 3)]
    documents = render_letters(batch, workers=2)
    assert len(documents) == len(batch)
    for n in (0, len(batch) // 2, len(batch) - 1):
        assert f"Identifiant : login.{n}" in pages_text(documents[n])[0]


def test_text_and_html_say_the_same_and_escape_names() -> None:
    letter = content("<b>Léa</b> & Cie")
    text, html = letter_text(letter), letter_html(letter)
    assert "Identifiant : login.1" in text and "Mot de passe : Kp7m-X2qr-9tzh-Wd" in text
    assert "&lt;b&gt;Léa&lt;/b&gt; &amp; Cie" in html and "<b>Léa</b>" not in html
    assert "Kp7m-X2qr-9tzh-Wd" in html


async def approved(db: Database) -> list[int]:
    ids = await setup(db)
    report = await approve_requests(db, list(ids.values()), "bob")
    return sorted(c.letter_id for c in report.created)


async def test_the_edition_delivers_on_paper(db: Database, tmp_path: Path) -> None:
    letter_ids = await approved(db)
    out = tmp_path / "edition.pdf"
    report = await print_edition(db, UAI, out, "bob", "https://cantine.example.fr")
    assert len(report.printed) == len(letter_ids) and report.skipped == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds passwords
    texts = pages_text(out.read_bytes())
    assert len(texts) == len(letter_ids)
    assert all(PASSWORD_PATTERN.search(t.split("Mot de passe : ")[1]) for t in texts)
    async with db.reading() as session:
        letters = (await session.scalars(select(Letter).where(Letter.id.in_(letter_ids)))).all()
        assert {x.state for x in letters} == {LetterState.PRINTED}
        assert all(x.password_plain is None and x.delivered_at for x in letters)
        accounts = (await session.scalars(select(PortalAccount))).all()
        assert {a.credentials for a in accounts} == {CredentialsState.PRINTED}
        emails = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "letter"))
        ).all()
        assert {m.status for m in emails} == {OutboxStatus.CANCELLED}
    rows = await credentials_rows(db, UAI)
    assert {r.state for r in rows} == {CredentialsState.PRINTED}
    with pytest.raises(InputError, match="aucune lettre à imprimer"):
        await print_edition(db, UAI, tmp_path / "again.pdf", "bob", None)
    assert not (tmp_path / "again.pdf").exists()


async def test_letters_to_print_named_by_login(db: Database, tmp_path: Path) -> None:
    """Support knows a login, not a letter's number: `letters print SOPHIE.DURAND`."""
    await approved(db)
    out = tmp_path / "une.pdf"
    report = await print_edition(db, UAI, out, "bob", None, logins=[" Sophie.Durand "])
    assert report.printed == ["sophie.durand"]
    (text,) = pages_text(out.read_bytes())
    assert "Identifiant : sophie.durand" in text
    with pytest.raises(InputErrors, match=r"sophie\.durand : aucune lettre à remettre"):
        await print_edition(db, UAI, tmp_path / "deux.pdf", "bob", None, logins=["sophie.durand"])
    assert not (tmp_path / "deux.pdf").exists()


async def test_an_edition_that_cannot_be_written_changes_nothing(
    db: Database, tmp_path: Path
) -> None:
    letter_ids = await approved(db)
    folder = tmp_path / "editions"
    folder.mkdir()
    with pytest.raises(InputError, match=f"impossible d'écrire l'édition : {folder} : c'est un"):
        await print_edition(db, UAI, folder, "bob", None)
    async with db.reading() as session:
        states = set((await session.scalars(select(Letter.state))).all())
    assert states == {LetterState.PENDING} and len(letter_ids) > 0
    assert list(folder.iterdir()) == []  # no temporary file left behind


async def test_a_new_password_voids_the_letter_not_delivered(db: Database) -> None:
    first, *_ = await approved(db)
    async with db.reading() as session:
        letter = await session.get(Letter, first)
        assert letter is not None and letter.password_plain
        old_password = letter.password_plain
        account = await session.get(PortalAccount, letter.account_id)
        assert account is not None
        login = account.login
    assert await check_password(db, login, old_password)
    report = await reset_password(db, login, "alice")
    assert report.login == login and report.voided == 1
    async with db.reading() as session:
        old = await session.get(Letter, first)
        new = await session.get(Letter, report.letter_id)
        assert old is not None and new is not None and new.password_plain
        assert old.state is LetterState.VOID and old.password_plain is None
        assert new.state is LetterState.PENDING and new.created_by == "alice"
        queued = (
            await session.scalars(
                select(OutboxMessage.status, OutboxMessage.letter_id).where(
                    OutboxMessage.letter_id.in_([first, report.letter_id])
                )
            )
        ).all()
        assert sorted(queued) == sorted([OutboxStatus.CANCELLED, OutboxStatus.QUEUED])
        new_password = new.password_plain
    assert await check_password(db, login, new_password)
    assert not await check_password(db, login, old_password)
    with pytest.raises(InputError, match="identifiant inconnu"):
        await reset_password(db, "personne", "alice")
    with pytest.raises(InputError, match="identifiant inconnu"):
        await check_password(db, "personne", "x")
    # As support types it on the phone: capitals, a space too many.
    assert await check_password(db, f" {login.upper()} ", new_password)
    with pytest.raises(InputError, match="aucun mot de passe lu"):
        await check_password(db, login, "")


async def test_the_preview_shows_the_letter_and_writes_its_pdf(
    db: Database, tmp_path: Path
) -> None:
    first, *_ = await approved(db)
    preview = await letter_preview(db, first, PORTAL, tmp_path)
    assert preview.text is not None and f"Identifiant : {preview.login}" in preview.text
    assert preview.pdf_path is not None and preview.pdf_path.is_relative_to(tmp_path / UAI)
    assert stat.S_IMODE(preview.pdf_path.stat().st_mode) == 0o600
    assert preview.login in pages_text(preview.pdf_path.read_bytes())[0]
    assert preview.logo_missing is None and preview.unprintable == ""
    # A logo configured but not there: the letter goes without, and the preview says so.
    gone = tmp_path / "logos" / "lycee.png"
    without = await letter_preview(db, first, PORTAL, None, logos={UAI: gone})
    assert without.logo_missing == gone and without.text == preview.text
    await print_edition(db, UAI, tmp_path / "e.pdf", "bob", None, [first], tmp_path)
    assert not preview.pdf_path.exists()  # gone with the password it held
    after = await letter_preview(db, first, None, tmp_path)
    assert after.text is None and after.pdf_path is None


async def test_the_letter_gives_the_establishments_contact_and_names_the_family(
    db: Database, tmp_path: Path
) -> None:
    """The phone (establishment) and email (portal setting) under the address, the pupil's
    family as addressee (not the email address), the portal's page of the establishment."""
    from packweb_tui.services.establishments import change_establishment
    from packweb_tui.services.settings import set_settings

    letter_ids = await approved(db)
    await change_establishment(db, UAI, "bob", phone="01 44 55 66 77")
    await set_settings(db, UAI, ["school_email=intendance@lycee.fr"], "bob")
    previews = [await letter_preview(db, n, PORTAL, tmp_path) for n in letter_ids]
    dupont = next(p for p in previews if p.login.startswith("marie-helene.dupont"))
    assert dupont.text is not None and dupont.pdf_path is not None
    assert "Aux responsables de\nMarie-Hélène DUPONT\n" in dupont.text
    assert "Tél. 01 44 55 66 77\nCourriel : intendance@lycee.fr\n" in dupont.text
    (page,) = pages_text(dupont.pdf_path.read_bytes())
    for said in (
        "Aux responsables de", "Marie-Hélène DUPONT", "Tél. 01 44 55 66 77",
        "Courriel : intendance@lycee.fr", "Objet : vos identifiants",
        f"Rendez-vous sur le portail : {PORTAL}/{UAI}/",
    ):  # fmt: skip
        assert said in page, said
    assert "@exemple.fr" not in page  # the family's email address is not its name


async def test_new_requests_are_digested_for_the_requests_address(db: Database) -> None:
    from packweb_tui.services.digest import queue_requests_digest
    from packweb_tui.store.models import Establishment, PortalSettings

    ids = await setup(db)
    async with db.writing() as session:
        eid = await session.scalar(select(Establishment.id).where(Establishment.uai == UAI))
        assert eid is not None
        # No address yet: no digest.
        assert await queue_requests_digest(session, eid, list(ids.values())) is None
        settings = await session.get(PortalSettings, eid)
        assert settings is not None
        settings.requests_email = "intendance@lycee.fr"
        await session.flush()
        mine = [ids["exact-1"], ids["none-6"]]
        message = await queue_requests_digest(session, eid, mine)
        assert await queue_requests_digest(session, eid, []) is None
    assert message is not None
    assert message.to_addr == "intendance@lycee.fr" and message.kind == "digest"
    assert message.subject == "2 nouvelles demandes de compte – Lycée Victor-Hugo"
    assert "2 nouvelles demandes de compte" in message.body
    assert message.body.count("  • ") == 2 and "Introuvable" in message.body


def test_the_establishment_logo_goes_top_right(tmp_path: Path) -> None:
    from dataclasses import replace

    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 120), (20, 60, 140)).save(logo)
    with_logo = letter_pdf(replace(content(NAMES[3]), logo=logo))
    assert b"/Subtype /Image" in with_logo
    page = PdfReader(BytesIO(with_logo)).pages[0]
    assert "Identifiant : login.1" in page.extract_text()
    # A missing or broken file only leaves the letter without a logo.
    (tmp_path / "broken.png").write_bytes(b"not an image")
    for bad in (tmp_path / "missing.png", tmp_path / "broken.png"):
        assert b"/Subtype /Image" not in letter_pdf(replace(content(NAMES[3]), logo=bad))


def test_logos_come_from_the_configuration(tmp_path: Path) -> None:
    from packweb_tui.config import load_config

    toml = tmp_path / "packweb.toml"
    toml.write_text('[letters.logos]\n"0750655e" = "logos/lycee.png"\n', encoding="utf-8")
    assert load_config(str(toml)).letter_logos == {UAI: tmp_path / "logos" / "lycee.png"}
    toml.write_text("[letters]\nlogos = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"letters\.logos"):
        load_config(str(toml))
