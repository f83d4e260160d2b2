"""The console's frame, driven by the keyboard as an operator would (80x24, as over SSH)."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Label, OptionList, Static, TabbedContent, Tabs

from packweb_tui.config import Config, load_config
from packweb_tui.domain.errors import InputError
from packweb_tui.domain.requests import RequestRecord
from packweb_tui.services.pending import StartSnapshot
from packweb_tui.services.requests import import_requests
from packweb_tui.store.database import Database
from packweb_tui.store.snapshot import FIRST_PAGE
from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.keymap import binding_owners, default_keys, keymap_of
from packweb_tui.tui.panes.pane import OPENING
from packweb_tui.tui.screens.console import TABS, ConsoleScreen
from packweb_tui.tui.screens.establishments import EstablishmentsScreen
from packweb_tui.tui.screens.help import HelpScreen
from packweb_tui.tui.startup import prefetch
from packweb_tui.tui.widgets.palette import NO_MATCH
from packweb_tui.tui.widgets.requests_table import RequestsTable
from tests.tui.support import (
    COLLEGE,
    LYCEE,
    OPERATOR,
    figures,
    make_console_db,
    make_empty_db,
    wait_loaded,
    wait_until,
)

SIZE = (80, 24)


@pytest.fixture
def console_url(tmp_path: Path) -> str:
    return make_console_db(tmp_path / "console.db")


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    return make_empty_db(tmp_path / "empty.db")


def header(app: PackWebApp) -> str:
    return " ".join(
        str(label.content) for label in app.screen.query("#header Label").results(Label)
    )


def active_tab(app: PackWebApp) -> str:
    return app.screen.query_one(TabbedContent).active


async def test_opens_on_the_first_establishment_with_the_operator(console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        assert header(app) == f"PackWeb Console {COLLEGE[0]} {COLLEGE[1]} {OPERATOR}"
        assert active_tab(app) == "requests"
        assert "1 demande en attente, dont 1 depuis plus de 48 h" in figures(app, "requests")


async def test_demo_is_said_in_the_header(console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert header(app).endswith(f"{OPERATOR} · démo")


async def test_the_first_frame_holds_the_rows_read_ahead(console_url: str) -> None:
    first_read = prefetch(console_url)
    assert first_read.result(timeout=10) is not None  # as when Textual takes long to load
    app = PackWebApp(db_url=console_url, operator=OPERATOR, first_read=first_read)
    async with app.run_test(size=SIZE) as pilot:
        # The first frame: the store is not open yet, the rows are there already.
        assert app.db is None
        assert header(app) == f"PackWeb Console {COLLEGE[0]} {COLLEGE[1]} {OPERATOR}"
        table = app.screen.query_one(RequestsTable)
        assert [r.last_name for r in table.rows] == ["Adam"] and table.has_focus
        assert "1 demande en attente" in figures(app, "requests")
        pane = app.screen.query_one("#requests-pane")
        assert pane.check_action("approve", ()) is False  # deciding waits for the store
        await wait_loaded(pilot)
        assert app.db is not None and pane.check_action("approve", ()) is True
        assert [r.last_name for r in table.rows] == ["Adam"]


@pytest.fixture
def long_url(tmp_path: Path) -> str:
    """The console's store with 150 more pending requests at the collège."""
    url = make_console_db(tmp_path / "long.db")
    extra = [
        RequestRecord(
            f"x-{n}",
            COLLEGE[0],
            "99999",
            f"Nom{n}",
            "Jean",
            f"x{n}@example.fr",
            datetime(2026, 9, 1, tzinfo=UTC) + timedelta(minutes=n),
        )
        for n in range(FIRST_PAGE + 50)
    ]
    asyncio.run(_import(url, extra))
    return url


async def test_a_long_queue_shows_its_first_page_then_every_line(long_url: str) -> None:
    url = long_url
    first_read = prefetch(url)
    assert first_read.result(timeout=10) is not None
    app = PackWebApp(db_url=url, operator=OPERATOR, first_read=first_read)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(RequestsTable)
        assert table.partial and len(table.rows) == FIRST_PAGE
        assert f"{FIRST_PAGE + 51} demandes en attente" in figures(app, "requests")
        assert table.check_action("check_all", ()) is None  # ticking all waits for all
        assert table.check_action("toggle_row", ()) is True
        await wait_loaded(pilot)
        await wait_until(pilot, lambda: not table.partial)
        assert len(table.rows) == FIRST_PAGE + 51
        assert table.check_action("check_all", ()) is True


async def _import(url: str, records: list[RequestRecord]) -> None:
    async with await Database.open(url) as db:
        await import_requests(db, records, OPERATOR, "requests.json")


async def test_without_a_read_ahead_the_pane_says_the_store_is_opening(
    console_url: str,
) -> None:
    nothing: Future[StartSnapshot | None] = Future()
    nothing.set_result(None)  # PostgreSQL, a new file, an older schema
    app = PackWebApp(db_url=console_url, operator=OPERATOR, first_read=nothing)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query_one(TabbedContent)
        assert figures(app, "requests") == OPENING
        await wait_loaded(pilot)
        assert "1 demande en attente" in figures(app, "requests")


def test_the_first_screen_loads_no_sqlalchemy() -> None:
    # Half a second to import: it comes after the first rows (tui/startup.py).
    code = (
        "import sys\n"
        "import packweb_tui.cli, packweb_tui.tui.app, packweb_tui.tui.startup\n"
        "import packweb_tui.services.pending, packweb_tui.store.snapshot\n"
        # A [keys] is checked before the first frame, against every binding of the console.
        "from packweb_tui.tui.keymap import default_keys; assert default_keys()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_every_tab_by_its_key_shows_live_figures(console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        expected = {
            "requests": "en attente",
            "credentials": "Aucun compte sur le portail",
            "accounts": "2 hôtes, dont 0 avec un identifiant du portail",
            "settings": "Email des demandes de compte",
            "sync": "Aucune synchronisation pour cet établissement.",
        }
        for key, (tab_id, _, _) in reversed(list(enumerate(TABS, start=1))):
            await pilot.press(str(key))
            await wait_until(pilot, partial(lambda wanted: active_tab(app) == wanted, tab_id))
            assert expected[tab_id] in figures(app, tab_id)
        # The arrows move along the tabs too, once the tab bar has the focus (the Demandes
        # table takes it as soon as its rows are painted).
        app.screen.query_one(Tabs).focus()
        await pilot.press("right")
        assert active_tab(app) == "credentials"


async def test_switcher_filters_picks_and_the_panes_follow(console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("3")
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.screen, EstablishmentsScreen))
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2
        assert options.highlighted == 0  # the current one
        await pilot.press(*"victor")
        assert app.screen.query_one(Input).value == "victor"
        assert options.option_count == 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        await wait_until(pilot, lambda: LYCEE[0] in header(app))
        assert app.establishment is not None and app.establishment.uai == LYCEE[0]
        assert "5 hôtes" in figures(app, "accounts")
        assert "4 demandes en attente, dont 3 depuis plus de 48 h" in figures(app, "requests")
        # The table shows the Lycée's requests, the oldest first.
        table = app.screen.query_one(RequestsTable)
        assert [r.last_name for r in table.visible_rows][:2] == ["DUPONT", "Martin"]

        # Escape leaves everything as it was; arrows then Enter pick without typing.
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.screen, EstablishmentsScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert app.establishment.uai == LYCEE[0]
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.screen, EstablishmentsScreen))
        await pilot.press("up", "enter")
        await wait_until(pilot, lambda: COLLEGE[0] in header(app))
        assert "2 hôtes" in figures(app, "accounts")


async def test_switcher_says_when_nothing_matches(console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.screen, EstablishmentsScreen))
        await pilot.press(*"zzz", "enter")
        options = app.screen.query_one(OptionList)
        assert "Aucun établissement ne correspond" in str(options.get_option_at_index(0).prompt)
        assert isinstance(app.screen, EstablishmentsScreen)  # Enter picked nothing
        await pilot.press("escape")
        assert app.establishment is not None and app.establishment.uai == COLLEGE[0]


async def test_help_lists_the_keys_of_the_app_and_of_the_screen(console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        for key in ("f1", "question_mark"):
            await pilot.press(key)
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
            text = str(app.screen.query_one("#help-keys Static", Static).content)
            for expected in (
                "Sur cet écran",
                "Onglet Demandes",
                "Ctrl+E",
                "Élément actif",
                "Cocher ou décocher la ligne",  # the Demandes table has the focus
                "Partout",
                "Ctrl+Q, q",
                "F1, ?",
                "Ctrl+P",
            ):
                assert expected in text
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, ConsoleScreen))


async def test_help_from_the_switcher_lists_its_keys(console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.screen, EstablishmentsScreen))
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = str(app.screen.query_one("#help-keys Static", Static).content)
        assert "Entrée" in text and "Échap" in text and "Ctrl+Q" in text
        assert "Onglet Demandes" not in text  # the frame's keys do not work in the dialog
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, EstablishmentsScreen))


async def test_command_palette_runs_commands(console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"onglet comptes")
        await pilot.pause(0.3)  # the palette searches in the background
        await pilot.press("enter")
        await wait_until(pilot, lambda: active_tab(app) == "accounts")

        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*f"etablissement {LYCEE[0]}")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: LYCEE[0] in header(app))
        assert "5 hôtes" in figures(app, "accounts")

        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"theme nord")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.theme == "nord")

        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"zzzqx")

        def no_match_said() -> bool:
            options = app.screen.query_one(CommandList)
            return any(
                o.id == CommandPalette._NO_MATCHES and NO_MATCH in str(o.prompt.renderable)
                for o in options.options
            )

        await wait_until(pilot, no_match_said)


async def test_quit_by_key(console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert app.db is None  # closed on the way out


async def test_a_bad_database_gives_a_message_and_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "packweb.db").write_bytes(b"not a database at all" * 100)
    app = PackWebApp(db_url=f"sqlite+aiosqlite:///{tmp_path}/packweb.db", operator=OPERATOR)
    await asyncio.wait_for(app.run_async(headless=True, size=SIZE), timeout=30)
    assert app.return_code == 1
    assert app.error == ("base de données inaccessible : ce fichier n'est pas une base de données")
    err = capsys.readouterr().err
    assert "packweb : base de données inaccessible" in err
    assert "Traceback" not in err


async def test_a_missing_database_is_said_and_not_created(
    new_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped path (or a PostgreSQL schema without our tables): the console says where
    it looked and how to make one, exits 1 and creates nothing."""
    app = PackWebApp(db_url=new_db_url, operator=OPERATOR)
    await asyncio.wait_for(app.run_async(headless=True, size=SIZE), timeout=30)
    assert app.return_code == 1 and app.error is not None
    if new_db_url.startswith("sqlite"):
        path = new_db_url.removeprefix("sqlite+aiosqlite:///")
        assert app.error == (
            f"base de données introuvable : {path} ; vérifiez le chemin, ou créez-la avec "
            "« packweb db upgrade » (mêmes options)"
        )
        assert not Path(path).parent.exists()
    else:
        assert app.error.startswith("aucune table PackWeb dans postgresql+asyncpg://")
        assert app.error.endswith(
            "; vérifiez l'adresse, ou créez-les avec « packweb db upgrade » (mêmes options)"
        )
    assert f"packweb : {app.error}" in capsys.readouterr().err


async def test_no_establishment_says_how_to_add_one(empty_url: str) -> None:
    app = PackWebApp(db_url=empty_url, operator=OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert "aucun établissement" in header(app)
        for tab_id, _, _ in TABS:
            assert "packweb establishments add UAI NOM" in figures(app, tab_id)
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.screen, EstablishmentsScreen))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert app.establishment is None


async def test_no_color_is_honoured(console_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.no_color
        # The active tab is told apart by more than a colour.
        assert app.screen.query_one("Tab.-active").styles.text_style.reverse


def test_every_binding_has_an_id_and_french_words() -> None:
    owners = binding_owners()  # every class of packweb_tui.tui that declares BINDINGS
    assert len(owners) >= 19 and {PackWebApp, ConsoleScreen, RequestsTable} <= set(owners)
    ids: dict[str, str] = {}
    for owner in owners:
        for binding in Binding.make_bindings(owner.BINDINGS):
            assert binding.id, (owner.__name__, binding.key)
            # One id, one binding (its keys may be several): [keys] names it alone.
            assert ids.setdefault(binding.id, owner.__name__) == owner.__name__, binding.id
            if not binding.system:
                assert binding.description, (owner.__name__, binding.key)


def test_the_readme_lists_every_binding_id() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    listed = readme.split("Les identifiants de `[keys]`, par préfixe : ")[1].split(". Les")[0]
    ids = set()
    for group in " ".join(listed.split()).split(" ; "):
        first, *names = re.findall(r"`([^`]+)`", group)
        ids |= {first + name for name in names} if first.endswith(".") else {first}
    system = {b.id for o in binding_owners() for b in Binding.make_bindings(o.BINDINGS) if b.system}
    assert ids == set(default_keys()) - system


def keys_config(tmp_path: Path, table: str) -> Config:
    path = tmp_path / "packweb.toml"
    path.write_text(f"[keys]\n{table}\n", encoding="utf-8")
    return load_config(str(path))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('"establishment.swich" = "f2"', "[keys] establishment.swich : identifiant inconnu "
         "(establishment.switch ?)"),
        ('"requests.approve" = "a,ctrl+foo"', "[keys] requests.approve : touche « ctrl+foo » "
         "inconnue"),
        ('"requests.approve" = "hyper+"', "[keys] requests.approve : touche « hyper+ » inconnue"),
        ('"requests.approve" = " "', "[keys] requests.approve : aucune touche"),
    ],
)  # fmt: skip
def test_a_bad_keymap_says_what_and_where(tmp_path: Path, table: str, message: str) -> None:
    config = keys_config(tmp_path, table)
    with pytest.raises(InputError) as caught:
        keymap_of(config)
    assert str(caught.value) == f"{tmp_path / 'packweb.toml'} : {message}"


def test_a_keymap_is_read_as_textual_names_keys(tmp_path: Path) -> None:
    config = keys_config(tmp_path, '"app.help" = "F2, ?"\n"requests.filter" = "Ctrl+/"')
    assert keymap_of(config) == {"app.help": "f2,question_mark", "requests.filter": "ctrl+slash"}


def test_a_bad_keymap_stops_the_console_with_status_2(tmp_path: Path, console_url: str) -> None:
    from click.testing import CliRunner

    from packweb_tui.cli import cli

    config = tmp_path / "packweb.toml"
    config.write_text('[keys]\n"app.hepl" = "f2"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", console_url, "--config", str(config)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"packweb : {config} : [keys] app.hepl : identifiant inconnu (app.help ?)\n"
    )


async def test_a_key_remapped_in_the_configuration_works_and_is_named(
    tmp_path: Path, console_url: str
) -> None:
    # ctrl+e is taken by some terminals: the switcher moves to F2, and says so everywhere.
    config = keys_config(tmp_path, '"establishment.switch" = "f2"')
    app = PackWebApp(db_url=console_url, operator=OPERATOR, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)  # the old key does nothing any more
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, EstablishmentsScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConsoleScreen))

        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = str(app.screen.query_one("#help-keys Static", Static).content)
        assert "F2" in text and "Ctrl+E" not in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConsoleScreen))

        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"changer d'etab")
        await wait_until(pilot, lambda: "(F2)" in palette_text(app))


def palette_text(app: PackWebApp) -> str:
    return "\n".join(str(option.prompt) for option in app.screen.query_one(CommandList).options)


async def test_the_demo_opens_and_every_tab_shows_it(tmp_path: Path) -> None:
    """`packweb demo` as an operator meets it: the bundled data, every tab in turn."""
    from packweb_tui.services.demo import prepare_demo
    from packweb_tui.store.database import Database

    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    async with await Database.create(url) as db:  # as `packweb demo` does
        assert await prepare_demo(db, OPERATOR, reset=False)
    app = PackWebApp(db_url=url, operator=OPERATOR, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.establishment is not None and app.establishment.uai == "0692185A"
        assert "64 demandes en attente" in figures(app, "requests")
        kinds = {r.match_kind.label for r in app.screen.query_one(RequestsTable).rows}
        assert "Déjà un compte" in kinds
        for key, (tab_id, _, _) in enumerate(TABS, start=1):
            await pilot.press(str(key))
            await wait_until(pilot, partial(lambda wanted: active_tab(app) == wanted, tab_id))
            assert figures(app, tab_id) != OPENING
        assert "620 hôtes" in figures(app, "accounts")
