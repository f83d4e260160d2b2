"""The letters' PDF workers start from the console too, where Textual's capture of standard
error has no file descriptor (its fileno() is -1): sending or printing 48 letters or more
once failed there with "bad value(s) in fds_to_keep". In a fresh interpreter: the helper
processes of multiprocessing start once per process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys

class Capture:  # as Textual's: text goes nowhere, no file descriptor
    def write(self, text):
        return len(text)
    def flush(self):
        pass
    def fileno(self):
        return -1

if __name__ == "__main__":
    from packweb_tui.services.letter_pdf import render_letters
    from tests.services.test_letters import content

    sys.stderr = Capture()
    try:
        pdfs = render_letters([content("Léa Martin", n) for n in range(48)], workers=2)
    except Exception as error:  # said where the test reads it: standard error is captured
        print(type(error).__name__, error)
    else:
        print(len(pdfs), all(pdf.startswith(b"%PDF") for pdf in pdfs))
"""


def test_pdf_workers_start_under_a_capture_of_standard_error() -> None:
    root = Path(__file__).parents[2]
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "48 True"
