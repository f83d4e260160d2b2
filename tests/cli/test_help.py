"""Every `--help` page is French: the walk finds every command of the `packweb` group (those
added later too) and fails on the words Click writes in English."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from packweb_tui.cli import cli

# Click's English: its headings (without French typography), its kinds of values, its words.
ENGLISH = re.compile(
    r"\b(Options|Commands|Commandes|Arguments):"
    r"|\b(Usage|Show this message|Show the version|required|default|env var)\b"
    r"|\b(PATH|TEXT|INTEGER|FLOAT|BOOLEAN|FILENAME|FILE|DIRECTORY|RANGE|NAME|IDS?|LOGIN"
    r"|COMMAND|ARGS)\b"
    r"|x[<>]=?\d"
)


def commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, (*path, name))


EVERY_COMMAND = list(commands(cli))


def test_the_walk_finds_every_command() -> None:
    assert len(EVERY_COMMAND) > 30
    assert ("outbox", "send") in EVERY_COMMAND and ("db", "upgrade") in EVERY_COMMAND


@pytest.mark.parametrize("path", EVERY_COMMAND, ids=lambda p: " ".join(p) or "packweb")
def test_every_help_page_is_french(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="packweb")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Utilisation : {' '.join(('packweb', *path))} [OPTIONS]")
    assert "Options :" in result.output and "Affiche cette aide." in result.output
    english = [m.group(0) for m in ENGLISH.finditer(result.output)]
    assert not english, f"anglais dans « {' '.join(path)} --help » : {english}\n{result.output}"


def test_a_range_and_a_required_option_in_words() -> None:
    out = CliRunner().invoke(cli, ["outbox", "send", "--help"]).output
    assert "--limit NOMBRE" in out and "[au moins 1]" in out
    out = CliRunner().invoke(cli, ["letters", "print", "--help"]).output
    assert "-o, --output CHEMIN" in out and "[obligatoire]" in out
    out = CliRunner().invoke(cli, ["--help"]).output
    assert "--config CHEMIN" in out and "[COMMANDE] [ARGUMENTS]..." in out
    result = CliRunner().invoke(cli, ["outbox", "send", "--limit", "0"])
    assert result.exit_code == 2 and "0 est hors limites (au moins 1)." in result.stderr
