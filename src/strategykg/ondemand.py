"""Values the server makes once, when first asked for, in the background of the requests.

The data cannot change while the server runs, so what is costly and rarely wanted (the dumps,
the ontology's documentation) is made on its first request and kept, instead of at start-up.
Each making runs as a task of its own, so a client that hangs up does not stop work that the
next one will want, and a making that failed is tried again on the next request. The makings
share a gate (one at a time by default), so asking for everything at once costs one core.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class OnFirstRequest(Generic[K, V]):
    """make(key), awaited once per key, however many clients ask for it at the time."""

    def __init__(self, make: Callable[[K], Awaitable[V]], gate: asyncio.Semaphore):
        self._make = make
        self._gate = gate
        self.made: dict[K, V] = {}
        self._tasks: dict[K, asyncio.Task[V]] = {}

    async def _run(self, key: K) -> V:
        async with self._gate:
            value = await self._make(key)
        self.made[key] = value
        return value

    async def get(self, key: K) -> V:
        if key in self.made:
            return self.made[key]
        task = self._tasks.get(key)
        if task is None or (task.done() and (task.cancelled() or task.exception())):
            task = self._tasks[key] = asyncio.create_task(self._run(key))
        return await asyncio.shield(task)
