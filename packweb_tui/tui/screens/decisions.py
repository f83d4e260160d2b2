"""The dialogs of the decisions on requests: a confirmation that says what will happen, a
progress bar while the accounts are created, the choice of a rejection reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from packweb_tui.domain.wording import plural
from packweb_tui.tui.context import console_context
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.keys import legend
from packweb_tui.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from packweb_tui.services.decisions.approve import ApprovalPlan, ApprovalReport

OTHER_REASON = "other"


def approval_question(plan: ApprovalPlan) -> tuple[str, Content, bool]:
    """Title, text and whether there is anything to do, for the confirmation."""
    created = len(plan.items)
    if created == 0:
        head = "Aucun compte ne sera créé."
    elif created == 1:
        head = "1 compte sera créé ; il aura sa lettre d'identifiants."
    else:
        head = f"{created} comptes seront créés, chacun avec sa lettre d'identifiants."
    lines = [Content.styled(head, "bold")]
    if plan.skipped:
        lines.append(Content(f"{plural(len(plan.skipped), 'ligne ignorée', 'lignes ignorées')} :"))
        for reason, count in sorted(plan.skipped_counts().items()):
            lines.append(Content(f"  • {reason.counted(count)}"))
    if not created:
        lines.append(
            Content.styled(
                "\nRien à créer : seules les lignes « Exacte » ou rattachées à la main "
                "peuvent être acceptées.",
                "$text-warning",
            )
        )
    return "Générer les identifiants", Content("\n").join(lines), created > 0


def approval_summary(
    report: ApprovalReport, plan: ApprovalPlan, credentials_key: str
) -> tuple[str, Content]:
    """Title and text of the summary; `credentials_key` opens the Identifiants tab."""
    lines = [Content(line) for line in report.summary_lines()]
    if report.created:
        lines.append(
            Content(
                f"\nLes lettres attendent dans l'onglet Identifiants (touche {credentials_key})."
            )
        )
    return "Identifiants générés", Content("\n").join(lines)


class ConfirmScreen(ModalScreen[bool]):
    """A question: Entrée says yes (when `can`), Échap says no."""

    CSS_PATH = css_paths("decisions")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "answer(True)", "Confirmer", id="confirm.yes", priority=True),
        Binding("escape", "answer(False)", "Annuler", id="confirm.no"),
    ]

    def __init__(
        self, title: str, body: Content, can: bool, yes: str = "Confirmer", no: str = "Annuler"
    ) -> None:
        super().__init__(classes="decision")
        self._title, self._body, self._can, self._yes, self._no = title, body, can, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="decision-dialog"):
            yield Label(self._title, classes="decision-title")
            with VerticalScroll(classes="decision-scroll"):  # a long body scrolls, keys stay
                yield Static(self._body, classes="decision-body")
            keys_of = console_context(self).keys
            keys = (
                legend((keys_of("confirm.yes"), self._yes), (keys_of("confirm.no"), self._no))
                if self._can
                else legend((keys_of("confirm.no"), "Fermer"))
            )
            yield Static(keys, classes="decision-keys")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and parameters == (True,):
            return self._can
        return True

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes and self._can)


class ProgressScreen(ModalScreen[None]):
    """A bar that moves as each batch is written; nothing to press, the work goes on."""

    CSS_PATH = css_paths("decisions")
    takes_keys = False  # keys typed meanwhile wait for what comes next (tui/typeahead.py)

    def __init__(self, title: str, total: int) -> None:
        super().__init__(classes="decision")
        self._title, self._total = title, total

    def compose(self) -> ComposeResult:
        with Vertical(classes="decision-dialog"):
            yield Label(self._title, classes="decision-title")
            yield ProgressBar(total=self._total or None, show_eta=False, id="decision-progress")
            yield Static(f"0 sur {self._total}", id="decision-count")

    def advance(self, done: int, total: int) -> None:
        if not self.is_mounted:
            return
        self.query_one(ProgressBar).update(total=total or None, progress=done)
        self.query_one("#decision-count", Static).update(f"{done} sur {total}")


class ReasonScreen(ModalScreen["str | None"]):
    """The reason of a rejection: one of the usual ones (`chosen` in the highlight, so that
    Entrée alone confirms it), or typed."""

    CSS_PATH = css_paths("decisions")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler", id="reason.cancel"),
    ]

    def __init__(self, count: int, chosen: str | None = None) -> None:
        super().__init__(classes="decision")
        self._count, self._chosen = count, chosen

    def compose(self) -> ComposeResult:
        from packweb_tui.domain.decisions import REJECTION_REASONS

        with Vertical(classes="decision-dialog"):
            yield Label(
                f"Refuser {plural(self._count, 'demande')} : le motif", classes="decision-title"
            )
            yield OptionList(
                *(Option(reason, str(n)) for n, reason in enumerate(REJECTION_REASONS)),
                Option("Autre motif (à écrire)…", OTHER_REASON),
                id="reason-list",
            )
            yield Input(placeholder="Motif envoyé au demandeur…", id="reason-text", compact=True)
            yield Static(
                # Entrée: the list's own
                legend(
                    (["Entrée"], "choisir"),
                    (console_context(self).keys("reason.cancel"), "Annuler"),
                ),
                classes="decision-keys",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        from packweb_tui.domain.decisions import REJECTION_REASONS

        self.query_one("#reason-text").display = False
        reasons = self.query_one(OptionList)
        reasons.focus()
        if self._chosen in REJECTION_REASONS:
            reasons.highlighted = REJECTION_REASONS.index(self._chosen)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option_id == OTHER_REASON:
            field = self.query_one("#reason-text", Input)
            field.display = True
            field.focus()
            return
        self.dismiss(str(event.option.prompt))

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        text = " ".join(event.value.split())
        if text:
            self.dismiss(text)
        else:
            self.notify("Le motif est envoyé au demandeur : il ne peut être vide.")

    def action_cancel(self) -> None:
        self.dismiss(None)
