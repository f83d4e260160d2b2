"""The detail of one request: what was typed beside each candidate host, the differences
marked; attaching another host found by searching the establishment's; approving or
rejecting this one request (the pane runs those, as for ticked lines)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.names import clean_text
from packweb_tui.tui.context import console_context
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.keys import as_printed
from packweb_tui.tui.typeahead import holds_keys, type_ahead
from packweb_tui.tui.widgets.footer import KeyFooter
from packweb_tui.tui.widgets.requests_rows import LATE, age_text, fit

if TYPE_CHECKING:
    from datetime import datetime

    from textual.app import ComposeResult

    from packweb_tui.services.queue import HostView, RequestDetail
    from packweb_tui.store.database import Database

KIND_STYLES = {
    "exact": "$text-success",
    "probable": "$text-warning",
    "ambiguous": "$text-warning",
    "mismatch": "$text-error",
    "has_account": "$text-accent",
}
DIFFERENT = "bold $text-error"


def host_line(host: HostView, width: int = 78) -> Content:
    """One host: card, names, class, type, mode; what differs from the request marked ≠
    (and coloured), the attached one marked ●."""

    def cell(text: str, size: int, same: bool = True) -> Content:
        shown = fit(("" if same else "≠") + clean_text(text), size)
        return Content.styled(shown, "" if same else DIFFERENT)

    mark = "● " if host.attached else "  "
    parts = [
        Content.styled(mark, "bold $accent"),
        cell(host.card, 11, host.card_matches),
        cell(host.last_name.upper(), 16, host.same_last_name),
        cell(host.first_name, 15, host.same_first_name),
        cell(host.class_name or "—", 7),
        cell(host.kind.label, 9),
        cell(host.mode.label, 7),
    ]
    if host.has_account:
        parts.append(Content.styled(" (a un compte)", "$text-warning"))
    return Content(" ").join(parts)


class HostList(OptionList):
    """Hosts, one a line. The arrows stop at the ends: from the last line, one ↓ too many
    went round to the first, and Entrée attached someone else."""

    def action_cursor_down(self) -> None:
        if self.highlighted is None or self.highlighted < self.option_count - 1:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.highlighted is None or self.highlighted > 0:
            super().action_cursor_up()


def render_request(detail: RequestDetail, now: datetime, with_verdict: bool = True) -> Content:
    """The request as typed, its match, its host and (`with_verdict`) whether it may be
    approved as it stands: the review says instead what its keys would do."""
    age = now - detail.submitted_at
    late = ", en retard" if age > LATE else ""
    kind = detail.match_kind
    attached = detail.attached
    lines = [
        Content.assemble(
            ("Reçue le ", "$text-muted"),
            format_instant(detail.submitted_at),
            (f"  (il y a {age_text(age)}{late})", "bold $text-warning" if late else ""),
        ),
        Content.assemble(
            ("Carte    ", "$text-muted"),
            (f"…{detail.card_digits}", "bold"),
            ("   Nom ", "$text-muted"),
            (clean_text(detail.last_name), "bold"),
            ("   Prénom ", "$text-muted"),
            (clean_text(detail.first_name), "bold"),
        ),
        Content.assemble(("Courriel ", "$text-muted"), clean_text(detail.email)),
        Content.assemble(
            ("Concordance ", "$text-muted"),
            (kind.label, f"bold {KIND_STYLES.get(kind.value, '')}"),
            " : ",
            clean_text(detail.explanation),
        ),
    ]
    if attached is not None:
        how = f"à la main par {detail.attached_by}" if detail.attached_by else "automatiquement"
        lines.append(
            Content.assemble(
                ("Rattachée à ", "$text-muted"),
                (f"{attached.card} {clean_text(attached.display)}", "bold"),
                f" ({how})",
            )
        )
    else:
        lines.append(Content.styled("Rattachée à aucun hôte.", "$text-muted"))
    verdict = (
        Content.styled("Peut être acceptée.", "bold $text-success")
        if detail.approvable
        else Content.styled(
            "Ne peut être acceptée qu'une fois un hôte rattaché à la main.", "$text-warning"
        )
    )
    if with_verdict:
        lines.append(verdict)
    return Content("\n").join(lines)


class RequestDetailScreen(Screen["tuple[str, int] | None"]):
    """Dismissed with None (back to the table), or ("approve" | "reject", request id)."""

    CSS_PATH = css_paths("request_detail")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Retour", id="detail.back", tooltip="Revenir aux demandes"),
        Binding(
            "enter",
            "attach",
            "Rattacher",
            id="detail.attach",
            tooltip="Rattacher la demande à l'hôte en surbrillance",
        ),
        Binding(
            "h",
            "search",
            "Chercher un hôte",
            id="detail.search",
            tooltip="Chercher un autre hôte de l'établissement (nom ou carte) pour le rattacher",
        ),
        Binding(
            "x",
            "detach",
            "Détacher",
            id="detail.detach",
            tooltip="Annuler le rattachement fait à la main",
        ),
        Binding(
            "g",
            "decide('approve')",
            "Accepter",
            id="detail.approve",
            tooltip="Générer les identifiants de cette demande",
        ),
        Binding(
            "r",
            "decide('reject')",
            "Refuser",
            id="detail.reject",
            tooltip="Refuser cette demande, avec un motif",
        ),
    ]

    def __init__(self, db: Database, uai: str, request_id: int, operator: str) -> None:
        super().__init__(id="request-detail")
        self.db, self.uai, self.request_id, self.operator = db, uai, request_id, operator
        self.detail: RequestDetail | None = None

    def compose(self) -> ComposeResult:
        yield Label(f"Demande n° {self.request_id}", id="detail-title")
        yield Static("Lecture…", id="detail-request")
        yield Label(
            "Hôtes candidats (carte, nom, prénom, classe, type, mode)", id="detail-hosts-title"
        )
        yield HostList(id="detail-hosts")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.read()

    @holds_keys  # the keys typed as it opens act on what it shows
    @work(group="detail", exclusive=True)
    async def read(self) -> None:
        from packweb_tui.services.queue import request_detail

        try:
            detail = await request_detail(self.db, self.request_id)
        except Exception as error:
            self.query_one("#detail-request", Static).update(
                Content.from_markup("[$error]Lecture impossible : $e[/]", e=str(error))
            )
            return
        self.detail = detail
        now = console_context(self).now()
        self.query_one("#detail-request", Static).update(render_request(detail, now))
        hosts = self.query_one(OptionList)
        highlighted = hosts.highlighted
        hosts.clear_options()
        key = as_printed(console_context(self).key("detail.search"))
        if detail.hosts:
            hosts.add_options(Option(host_line(h), str(h.id)) for h in detail.hosts)
            hosts.highlighted = min(highlighted or 0, len(detail.hosts) - 1)
        else:
            hosts.add_option(
                Option(f"Aucun candidat : cherchez l'hôte avec {key}.", "none", disabled=True)
            )
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        detail = self.detail
        if action == "detach":
            return detail is not None and detail.attached_by is not None
        if action == "attach":
            return detail is not None and bool(detail.hosts)
        if action == "decide" and parameters == ("approve",):
            return None if detail is None or not detail.approvable else True
        return True

    def action_back(self) -> None:
        self.dismiss(None)

    def action_decide(self, what: str) -> None:
        self.dismiss((what, self.request_id))

    def action_attach(self) -> None:
        detail = self.detail
        index = self.query_one(OptionList).highlighted
        if detail is None or index is None or index >= len(detail.hosts):
            return
        self._attach_to(detail.hosts[index])

    @on(OptionList.OptionSelected, "#detail-hosts")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_attach()

    def _attach_to(self, host: HostView) -> None:
        if host.attached and self.detail is not None and self.detail.attached_by:
            self.notify("Déjà rattachée à cet hôte.")
            return
        worker = self.run_worker(self._attach_work(host), group="detail-write", exclusive=True)
        type_ahead(self).wait_for(worker)

    async def _attach_work(self, host: HostView) -> None:
        from packweb_tui.services.decisions.host_choice import attach_host

        try:
            await attach_host(self.db, self.request_id, host.id, self.operator)
        except Exception as error:
            self.notify(str(error), title="Impossible", severity="error", markup=False)
        else:
            self.notify(f"Rattachée à {host.card} {clean_text(host.display)}.", markup=False)
        self.read()

    def action_detach(self) -> None:
        async def detach() -> None:
            from packweb_tui.services.decisions.host_choice import detach_host

            try:
                await detach_host(self.db, self.request_id, self.operator)
            except Exception as error:
                self.notify(str(error), title="Impossible", severity="error", markup=False)
            self.read()

        type_ahead(self).wait_for(self.run_worker(detach(), group="detail-write", exclusive=True))

    def action_search(self) -> None:
        def picked(host: HostView | None) -> None:
            if host is not None:
                self._attach_to(host)

        self.app.push_screen(HostSearchScreen(self.db, self.uai), picked)


class HostSearchScreen(ModalScreen["HostView | None"]):
    """Type a name or card digits; Entrée attaches the host in the highlight."""

    CSS_PATH = css_paths("request_detail")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "pick",
            "Rattacher",
            id="search.pick",
            tooltip="Rattacher la demande à l'hôte en surbrillance",
            priority=True,
        ),
        Binding(
            "escape", "cancel", "Annuler", id="search.cancel", tooltip="Fermer sans rien changer"
        ),
        Binding("down", "move('cursor_down')", "Suivant", id="search.next", show=False),
        Binding("up", "move('cursor_up')", "Précédent", id="search.previous", show=False),
    ]

    def __init__(self, db: Database, uai: str) -> None:
        super().__init__(id="host-search")
        self.db, self.uai = db, uai
        self.found: Sequence[HostView] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="host-search-dialog"):
            yield Label("Chercher un hôte de l'établissement", id="host-search-title")
            yield Input(
                placeholder="Nom, prénom ou chiffres de la carte…",
                id="host-search-text",
                compact=True,
            )
            yield HostList(id="host-search-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        # The arrows and Entrée typed behind the letters act on the results of them all.
        type_ahead(self).wait_for(
            self.run_worker(self._search(event.value), group="search", exclusive=True)
        )

    async def _search(self, text: str) -> None:
        from packweb_tui.services.queue import search_hosts

        found = await search_hosts(self.db, self.uai, text)
        options = self.query_one(OptionList)
        # The highlight stays on its host while more letters narrow the results.
        before = self.highlighted_host
        self.found = found
        options.clear_options()
        if found:
            options.add_options(Option(host_line(h), str(h.id)) for h in found)
            ids = [h.id for h in found]
            options.highlighted = ids.index(before.id) if before and before.id in ids else 0
        elif text.strip():
            options.add_option(Option("Aucun hôte ne correspond.", "none", disabled=True))

    def action_move(self, action: str) -> None:
        if self.found:
            getattr(self.query_one(OptionList), f"action_{action}")()

    @property
    def highlighted_host(self) -> HostView | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.found):
            return None
        return self.found[index]

    def action_pick(self) -> None:
        if (host := self.highlighted_host) is not None:
            self.dismiss(host)

    def action_cancel(self) -> None:
        self.dismiss(None)
