"""The review: the requests that need an eye (probable, ambiguous, mismatch, none, duplicate,
has_account), one at a time beside their candidate hosts, the differences marked as the detail
marks them (its rendering). One key decides and moves on: approve with the candidate in the
highlight or with another (its digit), reject with the reason that fits the kind (pre-selected:
Entrée confirms it), reject at once those left whose kind says why, skip. Each decision is saved
at once through services/decisions: leaving half-way loses nothing. Nothing is approved
without the operator's own key on that very request, once it is on screen."""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from packweb_tui.domain.decisions import SETTLED_KINDS, reason_for
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.names import clean_text
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.domain.wording import agree, plural
from packweb_tui.services.errors import failure_words
from packweb_tui.tui.context import console_context
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.keymap import bound_keys
from packweb_tui.tui.keys import as_printed
from packweb_tui.tui.screens.request_detail import HostList, host_line, render_request
from packweb_tui.tui.screens.review_state import Outcome, Review
from packweb_tui.tui.typeahead import holds_keys
from packweb_tui.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from packweb_tui.services.queue import HostView, RequestDetail
    from packweb_tui.store.database import Database

CANDIDATE_KEYS = 9  # candidates 1 to 9 by their digit


class ReviewScreen(Screen["set[int]"]):
    """Dismissed with the ids of the requests it decided."""

    CSS_PATH = css_paths("request_detail", "review")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "g",
            "approve",
            "Accepter",
            id="review.approve",
            tooltip="Accepter avec le candidat en surbrillance",
        ),
        *(
            Binding(
                str(n),
                f"approve({n - 1})",
                f"Candidat {n}",
                id=f"review.candidate_{n}",
                show=False,
                tooltip=f"Accepter avec le candidat {n}",
            )
            for n in range(1, CANDIDATE_KEYS + 1)
        ),
        Binding(
            "r",
            "reject",
            "Refuser",
            id="review.reject",
            tooltip="Refuser, avec le motif proposé",
        ),
        Binding(
            "R",
            "reject_rest",
            "Refuser le reste",
            id="review.reject_rest",
            tooltip="Refuser d'un coup le reste, chacune son motif",
        ),
        Binding(
            "space,right",
            "skip",
            "Passer",
            id="review.skip",
            tooltip="Laisser en attente, passer à la suivante",
        ),
        Binding(
            "left,backspace",
            "back",
            "Précédente",
            id="review.back",
            tooltip="Revenir à la demande précédente",
        ),
        Binding(
            "escape",
            "close",
            "Terminer",
            id="review.close",
            tooltip="Terminer la revue (son bilan)",
        ),
    ]

    def __init__(self, db: Database, uai: str, request_ids: Sequence[int], operator: str) -> None:
        super().__init__(id="review")
        self.db, self.uai, self.operator = db, uai, operator
        self.review = Review(request_ids)
        self.detail: RequestDetail | None = None  # of the line on screen, once read
        self.saving = False

    def compose(self) -> ComposeResult:
        yield Label("Revue des demandes", id="detail-title")
        yield Static("Lecture…", id="detail-request")
        yield Label(
            "Hôtes candidats (carte, nom, prénom, classe, type, mode)", id="detail-hosts-title"
        )
        yield HostList(id="detail-hosts")  # the arrows stop at the ends: no wrap to another
        yield Static("", id="review-proposal")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._show(0, forward=True)

    @property
    def ready(self) -> bool:
        """The line on screen is read and nothing is being saved: its keys may decide."""
        detail = self.detail
        return detail is not None and detail.id == self.review.line.request_id and not self.saving

    # --- showing a line ----------------------------------------------------------------------
    def _show(self, index: int, forward: bool) -> None:
        self.review.index = index
        self.detail = None
        self._paint_title()
        self.query_one("#review-proposal", Static).update("Lecture…")
        self.refresh_bindings()
        self._read(forward)

    @work(group="review-read", exclusive=True)
    async def _read(self, forward: bool) -> None:
        from packweb_tui.services.queue import request_detail

        line = self.review.line
        try:
            detail = await request_detail(self.db, line.request_id)
        except Exception as error:
            self.query_one("#detail-request", Static).update(
                Content.from_markup("[$error]Lecture impossible : $e[/]", e=failure_words(error))
            )
            return
        if line is not self.review.line:
            return
        if detail.status is not RequestStatus.PENDING and line.outcome in (None, Outcome.SKIPPED):
            line.outcome = Outcome.ELSEWHERE
            if forward:  # nothing to do here any more: on to the next
                self._advance()
                return
        self.detail = detail
        self._paint(detail)

    def _paint_title(self) -> None:
        review = self.review
        self.query_one("#detail-title", Label).update(
            Content.assemble(
                "Revue des demandes  ",
                (review.position, "bold"),
                f"  ·  demande n° {review.line.request_id}",
                (f"  ·  {review.tally()}", "$text-muted"),
            )
        )

    def _paint(self, detail: RequestDetail) -> None:
        self._paint_title()
        now = console_context(self).now()
        self.query_one("#detail-request", Static).update(
            render_request(detail, now, with_verdict=False)
        )
        hosts = self.query_one(OptionList)
        hosts.clear_options()
        if detail.hosts:
            hosts.add_options(
                Option(Content.assemble((f"{n} ", "bold"), host_line(h)), str(h.id))
                for n, h in enumerate(detail.hosts, start=1)
            )
            attached = next((n for n, h in enumerate(detail.hosts) if h.attached), 0)
            hosts.highlighted = attached
        else:
            hosts.add_option(Option("Aucun candidat.", "none", disabled=True))
        self._paint_proposal()
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted, "#detail-hosts")
    def _moved(self) -> None:
        if self.detail is not None:
            self._paint_proposal()

    @on(OptionList.OptionSelected, "#detail-hosts")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        # Entrée does not approve: a key typed ahead for a dialog must never create an account.
        event.stop()

    def _shown_host(self) -> HostView | None:
        detail, index = self.detail, self.query_one(OptionList).highlighted
        if detail is None or not detail.hosts or index is None or index >= len(detail.hosts):
            return None
        return detail.hosts[index]

    def _paint_proposal(self) -> None:
        self.query_one("#review-proposal", Static).update(self._proposal())

    def _proposal(self) -> Content:
        """What became of the line, or what its keys would do: the likely decision, then
        the others."""
        detail, line = self.detail, self.review.line
        if detail is None:
            return Content("Lecture…")
        if line.outcome is Outcome.APPROVED:
            return Content.styled(f"Acceptée : {line.note}.", "bold $text-success")
        if line.outcome is Outcome.REJECTED:
            return Content.styled(f"Refusée : « {line.note} ».", "bold $text-error")
        if detail.status is not RequestStatus.PENDING:
            by = f" par {detail.decided_by}" if detail.decided_by else ""
            return Content.styled(f"Déjà {detail.status.label.lower()}{by}.", "$text-muted")
        key = console_context(self).key

        def say(binding_id: str, what: str) -> Content:
            return Content.assemble((key(binding_id), "bold"), f" {what}")

        host = self._shown_host()
        reason = reason_for(detail.match_kind, host is not None and host.has_account)
        approve = (
            say("review.approve", f"accepter avec {clean_text(host.display)}") if host else None
        )
        candidates = None
        if len(detail.hosts) > 1:
            last = min(len(detail.hosts), CANDIDATE_KEYS)
            candidates = Content.assemble(
                (f"{key('review.candidate_1')} à {key(f'review.candidate_{last}')}", "bold"),
                " accepter avec ce candidat",
            )
        reject = say("review.reject", "refuser")
        skip = say("review.skip", "passer")
        if detail.match_kind is MatchKind.AMBIGUOUS and candidates is not None:
            first = Content.assemble(
                Content.styled("À départager : ", "bold $text-warning"), candidates
            )
            others = [approve, reject, skip]
        elif host is not None and not host.has_account and detail.match_kind not in SETTLED_KINDS:
            first = Content.assemble(
                Content.styled("Proposé : ", "bold"), approve or "", f" (carte {host.card})"
            )
            others = [candidates, reject, skip]
        else:
            first = Content.assemble(
                Content.styled("Proposé : ", "bold"), reject, f", motif « {reason} »"
            )
            others = [approve, say("review.reject_rest", "refuser le reste"), skip]
        shown = Content(", ").join(o for o in others if o is not None)
        lines = [first, Content.assemble(("Sinon : ", "$text-muted"), shown)]
        if line.outcome is Outcome.SKIPPED:
            lines.insert(0, Content.styled("Passée : toujours en attente.", "$text-muted"))
        return Content("\n").join(lines)

    # --- deciding ----------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        # A decision's key typed before its request is on screen is not kept for it (it
        # would decide a request not yet seen): it is refused, and the bell says so.
        if not self.ready and event.key in self._deciding_keys():
            self.app.bell()

    def _deciding_keys(self) -> set[str]:
        keymap = console_context(self).keymap
        ids = ["review.approve", "review.reject", "review.reject_rest"]
        ids += [f"review.candidate_{n}" for n in range(1, CANDIDATE_KEYS + 1)]
        return {key for binding_id in ids for key in bound_keys(binding_id, keymap)}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close":
            return not self.saving  # a decision under way is saved first
        if action == "back":
            return self.review.index > 0 and not self.saving
        if action == "skip":  # decides nothing: even a line that could not be read
            return not self.saving
        if action not in ("approve", "reject", "reject_rest"):
            return True
        detail = self.detail
        if not self.ready or detail is None:
            return None  # shown, dimmed: its key does nothing until the line is on screen
        if detail.status is not RequestStatus.PENDING:
            return None
        if action == "approve":
            if parameters:
                index = parameters[0]
                return isinstance(index, int) and index < len(detail.hosts)
            return self._shown_host() is not None or None
        return True

    def action_approve(self, index: int | None = None) -> None:
        detail = self.detail
        host = self._shown_host() if index is None else None
        if detail is not None and index is not None and index < len(detail.hosts):
            host = detail.hosts[index]
        if detail is None or host is None:
            return
        self._save(self._approve(detail, host))

    async def _approve(self, detail: RequestDetail, host: HostView) -> None:
        from packweb_tui.services.decisions.review import approve_with_host

        try:
            report = await approve_with_host(
                self.db, detail.id, host.id, self.operator, uai=self.uai
            )
        except Exception as error:
            self._failed(error)
            return
        finally:
            self.saving = False
        if report.created:
            login = report.created[0].login
            self.review.decided([detail.id], Outcome.APPROVED, f"compte {login} créé")
            self._advance()
            return
        why = report.skipped[0].reason.label if report.skipped else "raison inconnue"
        self.notify(
            f"Demande n° {detail.id} non acceptée : {why}.",
            title="Non acceptée",
            severity="warning",
            markup=False,
        )
        self._show(self.review.index, forward=False)

    @holds_keys
    @work(group="review-dialog", exclusive=True)
    async def action_reject(self) -> None:
        from packweb_tui.services.decisions.reject import reject_requests
        from packweb_tui.tui.screens.decisions import ReasonScreen

        detail, host = self.detail, self._shown_host()
        if detail is None:
            return
        chosen = reason_for(detail.match_kind, host is not None and host.has_account)
        reason = await self.app.push_screen_wait(ReasonScreen(1, chosen))
        if not reason or detail is not self.detail or not self.ready:
            return

        async def reject() -> None:
            try:
                report = await reject_requests(
                    self.db, [detail.id], reason, self.operator, uai=self.uai
                )
            except Exception as error:
                self._failed(error)
                return
            finally:
                self.saving = False
            if report.rejected:
                self.review.decided(report.rejected, Outcome.REJECTED, reason)
            else:
                self.review.decided([detail.id], Outcome.ELSEWHERE)
            self._advance()

        self._save(reject())

    @holds_keys
    @work(group="review-dialog", exclusive=True)
    async def action_reject_rest(self) -> None:
        from packweb_tui.services.decisions.review import reject_by_kind, settled_rejections
        from packweb_tui.tui.screens.decisions import ConfirmScreen

        try:
            groups = await settled_rejections(self.db, self.review.open_ids(), self.uai)
        except Exception as error:
            self._failed(error)
            return
        if not groups:
            self.notify(
                "Aucune demande restante n'est discordante, introuvable, en double ou d'un "
                "hôte qui a un compte : les autres se décident une à une.",
                title="Rien à refuser d'un coup",
                severity="warning",
                markup=False,
            )
            return
        total = sum(len(g.request_ids) for g in groups)
        body = Content("\n").join(
            [
                Content.styled(
                    f"Refuser {plural(total, 'demande')}, "
                    f"{agree(total, 'pour', 'chacune pour')} le motif de sa concordance :",
                    "bold",
                ),
                *(
                    Content(f"  • {g.kind.label} ({len(g.request_ids)}) : « {g.reason} »")
                    for g in groups
                ),
                Content(
                    f"\n{agree(total, 'Le demandeur', 'Chaque demandeur')} en est prévenu par "
                    "courriel. Les demandes probables ou ambiguës restent à décider une à une."
                ),
            ]
        )
        confirm = ConfirmScreen("Refuser le reste", body, True)
        if not await self.app.push_screen_wait(confirm) or self.saving:
            return
        self.saving = True
        self.refresh_bindings()
        try:
            report = await reject_by_kind(self.db, groups, self.operator, uai=self.uai)
        except Exception as error:
            self.saving = False
            self._failed(error)
            return
        self.saving = False
        rejected = set(report.rejected)
        for group in groups:
            done = [i for i in group.request_ids if i in rejected]
            self.review.decided(done, Outcome.REJECTED, group.reason)
        if report.skipped:
            self.notify("\n".join(report.summary_lines()), title="Refus", markup=False)
        if self.review.line.outcome is None:
            self._show(self.review.index, forward=False)  # its kind may have changed
        else:
            self._advance()

    def action_skip(self) -> None:
        line = self.review.line
        if line.outcome is None:  # a line already decided is only left behind
            line.outcome = Outcome.SKIPPED
        self._advance()

    def action_back(self) -> None:
        if self.review.index > 0:
            self._show(self.review.index - 1, forward=False)

    def _save(self, job: Coroutine[Any, Any, None]) -> None:
        """Save a decision in the background; the line's keys wait for it."""
        self.saving = True
        self.refresh_bindings()
        self.run_worker(job, group="review-save")

    def _failed(self, error: Exception) -> None:
        self.notify(failure_words(error), title="Impossible", severity="error", markup=False)
        self._show(self.review.index, forward=False)

    def _advance(self) -> None:
        following = self.review.next_open()
        if following is None:
            self._finish()
        else:
            self._show(following, forward=True)

    # --- the end -----------------------------------------------------------------------------
    def action_close(self) -> None:
        self._finish()

    @holds_keys
    @work(group="review-end", exclusive=True)
    async def _finish(self) -> None:
        from packweb_tui.tui.screens.decisions import ConfirmScreen

        self.detail = None
        self.refresh_bindings()
        key = as_printed(console_context(self).key("tab.credentials"))
        body = Content("\n".join(self.review.summary_lines(key)))
        await self.app.push_screen_wait(ConfirmScreen("Revue terminée", body, False))
        # Skipped lines are not decided: they stay in the Demandes list.
        self.dismiss(
            {
                line.request_id
                for line in self.review.lines
                if line.outcome not in (None, Outcome.SKIPPED)
            }
        )
