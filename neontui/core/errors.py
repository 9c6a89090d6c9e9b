"""Exit codes and the error types that carry them to the CLI's single error printer."""

from __future__ import annotations

from enum import IntEnum

from neontui.core.redact import redact


class ExitCode(IntEnum):
    """Documented exit codes of every neontui command (README, "Exit codes")."""

    OK = 0
    PENDING = 1  # status: migrations are pending
    PROBLEMS = 2  # status: drift, skipped, missing files, ledger rows without a file…
    ERROR = 3  # configuration, journal or connection error
    FAILED = 4  # migrate: a statement failed (a transactional step was rolled back)
    RETRY = 5  # another run holds the lock, or a step's or one of neontui's reads' timeout fired: nothing applied
    USAGE = 64  # bad command line
    INTERNAL = 70  # a bug in neontui: a redacted crash report was written
    HANGUP = 129  # the terminal hung up (SIGHUP): a normal way to leave, no crash report
    INTERRUPTED = 130
    TERMINATED = 143  # SIGTERM


class NeontuiError(Exception):
    """An expected failure: shown to the user as one line, never as a traceback.

    The message is redacted on construction, so no later path can leak a password from it.
    """

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = redact(message)
        self.hint = redact(hint) if hint else None
        super().__init__(self.message)

    def one_line(self) -> str:
        text = " ".join(self.message.split())
        return f"{text} ({self.hint})" if self.hint else text


class ConfigError(NeontuiError):
    """The drizzle config, the project layout or a command-line value is unusable."""


class JournalError(ConfigError):
    """meta/_journal.json is missing or malformed; the message names the file and the problem."""


class ConnectionFailure(NeontuiError):
    """The database could not be reached or refused us; `kind` is a stable machine-readable reason."""

    def __init__(self, kind: str, message: str, *, hint: str | None = None) -> None:
        self.kind = kind
        super().__init__(message, hint=hint)


class UsageError(NeontuiError):
    exit_code = ExitCode.USAGE
