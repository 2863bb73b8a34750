"""Errors that reach the user as one clear line, with the exit code they map to."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class StrategyKGError(Exception):
    """An error the user can act on; its message is printed as one line."""

    exit_code = EXIT_USAGE


class InputError(StrategyKGError):
    """Unreadable or malformed input: a file, a query, a parameter, a remote answer."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {message}" if path else message)
