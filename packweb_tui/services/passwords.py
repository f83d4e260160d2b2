"""Password hashes: argon2id at OWASP's minimum (docs/domain.md), and hashing in bulk on every core
while the event loop stays free.

One hash costs tens of milliseconds of CPU by design, so a bulk approval of a thousand requests
is mostly hashing. It goes to a pool of threads, one per core: argon2-cffi releases the GIL while
it hashes, so the threads use every core (measured 1.83x on 2 cores) and the event loop stays
free, without the start-up cost of processes, the main-module guard they require, or their
trouble with a console that has captured stderr."""

from __future__ import annotations

import asyncio
import math
import os
import threading
from collections.abc import AsyncGenerator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # argon2 loads only when a password is hashed (start-up time)
    from argon2 import PasswordHasher

# OWASP's minimum for argon2id: 19 MiB of memory, 2 passes, 1 lane.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19_456
ARGON2_PARALLELISM = 1

# A batch is split in chunks of at most this many passwords: a chunk is about a second of
# one core's work, small enough to balance the cores and to let the first batch finish early.
MAX_CHUNK = 25

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher, Type

    return PasswordHasher(
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    """The argon2id hash of one password (blocks for tens of milliseconds: in a coroutine,
    use `hash_batches` or a thread)."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if `password` is the one `password_hash` was made from; False for any other
    password and for a damaged or foreign hash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_chunk(passwords: Sequence[str]) -> list[str]:
    """Hashes of `passwords`, in order: what one worker thread does with one chunk."""
    return [hash_password(p) for p in passwords]


def workers() -> int:
    """How many threads hash at once: one per core."""
    return os.cpu_count() or 1


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=workers(), thread_name_prefix="argon2")
        return _pool


async def hash_batches(
    batches: Sequence[Sequence[str]], chunk_size: int | None = None
) -> AsyncGenerator[list[str], None]:
    """The hashes of each batch of passwords, batch after batch, in order. Every batch is
    handed to the workers at once, so the cores keep hashing the next batches while the caller
    stores the one it got; leaving the iteration early cancels what has not started."""
    loop = asyncio.get_running_loop()
    pool = _executor()
    planned: list[list[asyncio.Future[list[str]]]] = []
    try:
        for batch in batches:
            size = chunk_size or min(MAX_CHUNK, max(1, math.ceil(len(batch) / workers())))
            planned.append(
                [
                    loop.run_in_executor(pool, hash_chunk, list(batch[start : start + size]))
                    for start in range(0, len(batch), size)
                ]
            )
        for futures in planned:
            parts = await asyncio.gather(*futures)
            yield [h for part in parts for h in part]
    finally:
        for futures in planned:
            for future in futures:
                future.cancel()
