"""A CPU budget per request: plan, refine and history search each get CPU_S seconds of their thread's CPU time
(waiting for a model does not count); the parser and the checks call `charge()` as they go, and a request past
its budget stops with a clear error instead of holding the machine."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from .errors import SdpaError

CPU_S = 5.0  # a 10,000-character refine takes well under a second: this is the backstop


@dataclass(frozen=True)
class _Budget:
    what: str
    seconds: float
    deadline: float  # time.thread_time() at which the request stops


_running: ContextVar[_Budget | None] = ContextVar("sdpa_cpu_budget", default=None)


class OverBudget(SdpaError):
    """A request needed more CPU time than its budget (the API answers 422)."""

    exit_code = 2

    def __init__(self, what: str, seconds: float):
        self.what = what
        super().__init__(f"{what}: stopped after {seconds:g} s of processing; shorten the text or simplify its syntax")


@contextlib.contextmanager
def cpu_budget(what: str, seconds: float | None = None) -> Iterator[None]:
    """Run the block under a CPU budget; inside another one, the outer budget holds."""
    if _running.get() is not None:
        yield
        return
    limit = CPU_S if seconds is None else seconds
    token = _running.set(_Budget(what, limit, time.thread_time() + limit))
    try:
        yield
    finally:
        _running.reset(token)


def charge() -> None:
    """Raise OverBudget when the running request has spent its budget (nothing outside a request)."""
    budget = _running.get()
    if budget is not None and time.thread_time() > budget.deadline:
        raise OverBudget(budget.what, budget.seconds)
