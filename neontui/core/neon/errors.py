"""The Neon API's failures as one-line errors, each with its documented exit code.

Neon documents one error body for every 4xx/5xx (`GeneralError`: `{code, message, request_id?}`, `code` an open
string); the codes matched here (`BRANCHES_LIMIT_EXCEEDED`, `…_LIMIT_EXCEEDED`) are the ones Neon is seen to send.
Messages pass through NeontuiError, which redacts them, so neither the API key nor a returned password can leak.
"""

from __future__ import annotations

from neontui.core.errors import ConfigError, ExitCode, NeontuiError


class NeonApiError(NeontuiError):
    """The Neon API refused or failed a call; `status` and `code` come from its response (None without one)."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 hint: str | None = None) -> None:
        self.status = status
        self.code = code
        super().__init__(message, hint=hint)


class NeonKeyMissing(ConfigError):
    """No API key in the environment variable neontui was told to read."""


class NeonAuthError(NeonApiError):
    """401/403: the key is wrong, revoked, or has no access to this project."""


class NeonNotFound(NeonApiError):
    """404: the project, branch, endpoint or operation does not exist (or the key cannot see it)."""


class NeonPlanLimit(NeonApiError):
    """The plan does not allow this (a `…_LIMIT_EXCEEDED` code, 402): nothing was created."""


class NeonBranchLimit(NeonPlanLimit):
    """The project has as many branches as its plan allows."""


class NeonRetryExhausted(NeonApiError):
    """423/429/5xx kept coming back after the bounded retries: nothing was applied, try again later."""

    exit_code = ExitCode.RETRY


class NeonTimeout(NeonApiError):
    """The API did not answer in time. A read is safe to repeat (exit 5); a write may have been applied (exit 3)."""

    def __init__(self, message: str, *, safe_to_retry: bool, hint: str | None = None) -> None:
        self.exit_code = ExitCode.RETRY if safe_to_retry else ExitCode.ERROR
        super().__init__(message, hint=hint)


class NeonOperationFailed(NeonApiError):
    """An operation Neon ran for us ended `failed`, `error` or `cancelled`."""
