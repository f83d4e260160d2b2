"""The letters' PDFs rendered ahead of sending, on every core, while earlier messages go out."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import Executor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packweb_tui.domain.letters import LetterContent


class PdfRenderer:
    """The letters' PDFs, rendered in the order asked, in worker processes (fpdf2 holds the
    interpreter: threads would not help) for a batch worth starting them, else in a thread.
    `letter_pdf.render_letters` renders a list at once; here each PDF is awaited on its own
    so that sending begins with the first ones."""

    def __init__(self, letters: int) -> None:
        from packweb_tui.services.letter_pdf import IN_PROCESS_UP_TO, worker_context

        self._pool: Executor | None = None
        workers = min(os.cpu_count() or 1, max(letters // IN_PROCESS_UP_TO, 1))
        if workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(workers, mp_context=worker_context())

    def render(self, content: LetterContent) -> asyncio.Future[bytes]:
        """The PDF of this letter, rendered as soon as a worker is free."""
        from packweb_tui.services.letter_pdf import letter_pdf

        return asyncio.get_running_loop().run_in_executor(self._pool, letter_pdf, content)

    def close(self) -> None:
        """Stop the workers at once: the PDFs not begun are not rendered."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def abandon(future: asyncio.Future[bytes] | None) -> None:
    """A PDF no longer wanted: not rendered if it has not begun, its failure not logged."""
    if future is None:
        return
    if future.done():
        if not future.cancelled():
            future.exception()
    else:
        future.cancel()
