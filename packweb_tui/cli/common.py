"""What every command shares: the root options, opening the store, and turning a failure into
one French line and an exit status."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from packweb_tui.cli.words import install as speak_french
from packweb_tui.config import (
    Config,
    load_config,
    operator_login,
    resolve_db_url,
    with_demo_portal,
)
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.wording import plural
from packweb_tui.services.errors import describe_failure

# Click's help and usage errors, in French. Before any command is declared: Click translates
# some words as it builds them (click.Path names its kind, « fichier », there).
speak_french()
_T = TypeVar("_T")

if TYPE_CHECKING:  # the store is imported only when a command needs it
    from packweb_tui.store.database import Database


@dataclass
class Context:
    db_option: str | None
    config_option: str | None
    debug: bool
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_option)
        return self._config

    @property
    def db_url(self) -> str:
        """The database's URL (--db, PACKWEB_DB_URL, the file, the default); InputError for
        one the store does not take, before anything heavy is imported."""
        from packweb_tui.store.urls import check_url

        url = resolve_db_url(self.db_option, self.config)
        check_url(url)
        return url

    @property
    def operator(self) -> str:
        return operator_login()


pass_context = click.make_pass_decorator(Context)


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"packweb : {message}", err=True)
    sys.exit(code)


def run(
    ctx: Context,
    work: Callable[[Database], Awaitable[_T]],
    url: str | None = None,
    *,
    create: bool = False,
) -> _T:
    """Open the database (upgrading an older schema), run `work`, close; turn every failure
    into a clear message and an exit status. Only with `create` (`db upgrade`, `demo`) is a
    database made where there is none: else that is a failure that says where it looked."""

    async def main() -> _T:
        from packweb_tui.store.database import Database

        where = url or ctx.db_url
        db = await (Database.create(where) if create else Database.open(where))
        try:
            return await work(db)
        finally:
            await db.close()

    return guarded(ctx, lambda: asyncio.run(main()))


def guarded(ctx: Context, action: Callable[[], _T]) -> _T:
    try:
        return action()
    except InputErrors as errors:
        for error in errors.errors:
            click.echo(str(error), err=True)
        fail(f"{plural(len(errors.errors), 'erreur')}, rien n'a été enregistré", 2)
    except InputError as error:
        fail(str(error), 2)
    except (KeyboardInterrupt, click.exceptions.Exit, SystemExit):
        raise
    except Exception as error:
        if ctx.debug:
            raise
        fail(describe_failure(error), 1)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def progress_on_terminal(label: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr when it is a terminal (scripts get only the result)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        click.echo(f"\r{label} : {done}/{total}", err=True, nl=done >= total)

    return show


def open_console(ctx: Context, url: str, demo: bool) -> None:
    from packweb_tui.services.errors import missing_database
    from packweb_tui.store.urls import missing_sqlite_file
    from packweb_tui.tui.startup import prefetch

    if (missing := missing_sqlite_file(url)) is not None:  # said before the screen is taken
        fail(missing_database(str(missing), sqlite=True), 1)

    # The first rows are read in a thread while Textual is imported (a third of a second).
    first_read = prefetch(url)
    from packweb_tui.tui.app import PackWebApp

    config = guarded(ctx, lambda: ctx.config)  # a bad file: one line, not a traceback
    if demo:
        config = with_demo_portal(config)  # its letters name the demo's portal
    app = guarded(  # so is a bad [keys]
        ctx,
        lambda: PackWebApp(
            db_url=url, operator=ctx.operator, demo=demo, first_read=first_read, config=config
        ),
    )
    guarded(ctx, app.run)
    if app.return_code:
        sys.exit(app.return_code)
