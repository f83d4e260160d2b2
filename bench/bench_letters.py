#!/usr/bin/env python3
"""Credentials letters as PDF: 1,000 separate letters (each its own document with the fonts
embedded, as attached to the emails), and the édition of the same 1,000 in one document.

Names vary as in the demo data, with some rarer letters (Nguyễn, Łukasz, Œuvray) that need
font subsets of their own. Target (issue 4): 1,000 letters in under 10 s on this machine.

    python bench/bench_letters.py [--letters 1000] [--workers N] [--runs 3] [--quick]

--quick: 10 letters, one run (a few seconds): every step still runs, so the test suite can
tell that the benchmark works.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date

NAMES = [
    "Marie-Hélène Dupont", "Lucas Martin", "Emma Bernard", "Nguyễn Thị Mai", "Jean-Pierre Lefèvre",
    "Łukasz Kowalczyk", "Zoë Œuvray-D'Hérouville", "Inès Camara", "Noé Garçon", "Léa Muller",
]  # fmt: skip


def contents(count: int) -> list[object]:
    from packweb_tui.domain.letters import LetterContent

    return [
        LetterContent(
            establishment="Lycée Victor-Hugo",
            uai="0750655E",
            address=("27 rue de Sévigné", "75003 Paris"),
            school_email="intendance@lycee-victor-hugo.fr",
            holder=NAMES[n % len(NAMES)],
            recipient_email=f"parent{n}@example.fr",
            hosts=(f"{NAMES[n % len(NAMES)].upper()}, carte …{n:04d}",),
            login=f"login.{n}",
            password="Kp7m-X2qr-9tzh-Wd",
            portal_url="https://cantine.lycee-victor-hugo.fr",
            issued_on=date(2026, 9, 1),
        )
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="10 letters, one run")
    args = parser.parse_args()
    if args.quick:
        args.letters, args.runs = 10, 1

    from packweb_tui.services.letter_pdf import edition_pdf, letter_pdf, render_letters

    batch = contents(args.letters)
    t = time.perf_counter()
    letter_pdf(batch[0])  # type: ignore[arg-type]
    first = time.perf_counter() - t
    t = time.perf_counter()
    sample = batch[:100]
    for content in sample:
        letter_pdf(content)  # type: ignore[arg-type]
    one_core = (time.perf_counter() - t) / len(sample)
    runs = []
    for _ in range(args.runs):
        t = time.perf_counter()
        documents = render_letters(batch, workers=args.workers)  # type: ignore[arg-type]
        runs.append(time.perf_counter() - t)
    size = statistics.mean(len(d) for d in documents) / 1024
    t = time.perf_counter()
    edition = edition_pdf(batch)  # type: ignore[arg-type]
    whole = time.perf_counter() - t

    print(f"first letter in a fresh process (fonts parsed): {first * 1000:.0f} ms")
    print(f"one letter, one core, after that: {one_core * 1000:.1f} ms")
    print(
        f"{args.letters} separate letters on {args.workers} worker process(es), "
        f"{args.runs} runs: median {statistics.median(runs):.2f} s, "
        f"min {min(runs):.2f} s (target < 10 s); {size:.0f} KiB a letter"
    )
    print(
        f"the édition of the {args.letters} in one PDF: {whole:.2f} s, "
        f"{len(edition) / 1024 / 1024:.1f} MiB"
    )


if __name__ == "__main__":
    main()
