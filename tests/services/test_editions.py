"""The éditions written lately and the print command ([letters] print_command), with real
small scripts as the printer's command: what it answered, a failure, a missing command, one
that hangs; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from packweb_tui.services import editions
from packweb_tui.services.editions import print_edition, recent_editions, send_to_printer
from packweb_tui.store.database import Database
from tests.services.test_approval import UAI
from tests.services.test_letters import approved


def script(folder: Path, name: str, body: str) -> Path:
    """An executable Python script: a stand-in for `lp`."""
    path = folder / name
    path.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


async def test_the_edition_goes_to_the_printer_and_its_answer_is_kept(
    db: Database, tmp_path: Path
) -> None:
    """The path is one argument, never shell words (`$(…)`, spaces); what the command wrote
    first is its answer, kept with the édition in the list of the latest."""
    await approved(db)
    out = tmp_path / "lettres $(touch pwned)" / "edition 1.pdf"
    report = await print_edition(db, UAI, out, "bob", None)
    seen = tmp_path / "args.txt"
    lp = script(
        tmp_path,
        "lp",
        f"open({str(seen)!r}, 'w').write('\\n'.join(sys.argv[1:]))\n"
        "print()\nprint('request id is intendance-42 (1 file(s))')\nprint('second line')",
    )
    answer = await send_to_printer(db, UAI, out, (str(lp), "-d", "intendance"), "bob")
    assert seen.read_text().splitlines() == ["-d", "intendance", str(out)]
    assert not (tmp_path / "pwned").exists()
    assert answer.ok and answer.status == 0
    assert answer.said == "request id is intendance-42 (1 file(s))"
    assert answer.summary() == (
        "Envoyée à l'imprimante : lp a répondu « request id is intendance-42 (1 file(s)) » "
        "(code de sortie 0)"
    )
    (latest,) = await recent_editions(db, UAI)
    assert (latest.path, latest.letters, latest.operator) == (out, len(report.printed), "bob")
    assert latest.present and latest.printer == answer


async def test_a_printer_that_fails_is_said_and_the_edition_stays(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await approved(db)
    out = tmp_path / "edition.pdf"
    await print_edition(db, UAI, out, "bob", None)
    refused = script(
        tmp_path, "refuse", "print('lp: The printer or class does not exist.', file=sys.stderr)\n"
        "sys.exit(1)",
    )  # fmt: skip
    answer = await send_to_printer(db, UAI, out, (str(refused),), "bob")
    assert (answer.ok, answer.status) == (False, 1)
    assert answer.summary() == (
        "Échec de l'impression : refuse a répondu « lp: The printer or class does not "
        "exist. » (code de sortie 1)"
    )
    missing = await send_to_printer(db, UAI, out, ("/nulle/part/lp", "-d", "x"), "bob")
    assert missing.status is None and missing.summary() == (
        "Impression impossible : commande « /nulle/part/lp » introuvable ([letters] "
        "print_command de la configuration)"
    )
    if os.geteuid() != 0:  # root may run anything
        plain = tmp_path / "pas-executable"
        plain.write_text("#!/bin/sh\n")
        plain.chmod(stat.S_IRUSR | stat.S_IWUSR)
        denied = await send_to_printer(db, UAI, out, (str(plain),), "bob")
        assert "non exécutable (permission refusée)" in denied.summary()
    monkeypatch.setattr(editions, "PRINT_TIMEOUT", 0.5)
    hangs = script(tmp_path, "hangs", "time.sleep(30)")
    stuck = await send_to_printer(db, UAI, out, (str(hangs),), "bob")
    assert stuck.status is None and "arrêtée : pas de fin au bout de 0.5 s" in stuck.summary()
    quiet = script(tmp_path, "quiet", "")
    assert (
        (await send_to_printer(db, UAI, out, (str(quiet),), "bob"))
        .summary()
        .endswith("a répondu rien (code de sortie 0)")
    )
    assert out.is_file()  # whatever the printer did, the édition is there
    (latest,) = await recent_editions(db, UAI)
    assert latest.printer is not None and latest.printer.command == (str(quiet),)


async def test_the_latest_editions_newest_first(db: Database, tmp_path: Path) -> None:
    """At most `limit`, newest first; one whose file was removed says so."""
    from packweb_tui.services.letters import reset_password

    await approved(db)
    assert await recent_editions(db, UAI) == []
    paths = []
    login = "marie-helene.dupont"
    for n in range(4):
        if n:
            await reset_password(db, login, "bob")  # a new letter to print
        paths.append(tmp_path / f"edition-{n}.pdf")
        await print_edition(db, UAI, paths[-1], "bob", None, logins=[login] if n else ())
    paths[-1].unlink()
    found = await recent_editions(db, UAI, limit=3)
    assert [e.path for e in found] == paths[:0:-1]
    assert [e.present for e in found] == [False, True, True]
    assert [e.letters for e in found] == [1, 1, 1]
