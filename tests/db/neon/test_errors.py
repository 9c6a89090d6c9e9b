"""The client's failures: one line each, the documented exit code, bounded retries, and never the API key."""

from __future__ import annotations

import logging

import httpx
import pytest

from neontui.core.errors import ExitCode, NeontuiError
from neontui.core.neon.client import NeonClient
from neontui.core.neon.errors import (
    NeonAuthError,
    NeonBranchLimit,
    NeonKeyMissing,
    NeonNotFound,
    NeonOperationFailed,
    NeonRetryExhausted,
    NeonTimeout,
)
from neontui.core.redact import redact
from tests.db.neon.conftest import API_KEY
from tests.helpers import SilentServer, wait_until
from tests.neon_server import NeonLocal
from tests.neon_spec import SpecViolation, spec

pytestmark = pytest.mark.neon_api

BRANCHES = r"/branches$"


def _assert_shown_without_key(error: NeontuiError) -> None:
    for text in (str(error), repr(error), error.one_line(), repr(error.args)):
        assert API_KEY not in text
    assert "\n" not in error.one_line()


def test_a_wrong_key_is_one_line_exit_3(neon: NeonLocal) -> None:
    wrong = API_KEY[::-1]
    with NeonClient(wrong, base_url=neon.url) as api, pytest.raises(NeonAuthError) as caught:
        api.list_branches(neon.project.id)
    assert caught.value.exit_code == ExitCode.ERROR and caught.value.status == 401
    assert caught.value.one_line().startswith("the Neon API key was refused (401)")
    for text in (str(caught.value), caught.value.one_line()):
        assert wrong not in text


def test_a_missing_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEONTUI_TEST_NEON_KEY", raising=False)
    with pytest.raises(NeonKeyMissing) as caught:
        NeonClient.from_env("NEONTUI_TEST_NEON_KEY")
    assert caught.value.exit_code == ExitCode.ERROR
    assert caught.value.one_line().startswith("NEONTUI_TEST_NEON_KEY is not set")


@pytest.mark.parametrize("what", ["project", "branch"])
def test_not_found_is_exit_3(neon: NeonLocal, client: NeonClient, what: str) -> None:
    project, branch = ("no-such-project", neon.main_branch_id) if what == "project" else (neon.project.id, "br-nope")
    with pytest.raises(NeonNotFound) as caught:
        client.compare_schema(project, branch, base_branch_id=neon.main_branch_id, db_name="neondb")
    assert caught.value.exit_code == ExitCode.ERROR and caught.value.status == 404
    assert ("no-such-project" if what == "project" else "br-nope") in caught.value.one_line()


def test_an_unknown_endpoint_is_not_found(neon: NeonLocal, client: NeonClient) -> None:
    with pytest.raises(NeonNotFound, match="ep-not-there"):
        client.find_endpoint("ep-not-there")


def test_423_is_retried_until_the_branch_is_created(neon: NeonLocal, client: NeonClient,
                                                    sleeps: list[float]) -> None:
    neon.fail_next("POST", BRANCHES, 423, message="project already has running operations", times=2)
    created = client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="after-lock")
    assert created.branch.name == "after-lock"
    assert sleeps == [1.0, 2.0]  # exponential backoff
    assert [m for m, path in neon.requests if path.endswith("/branches")] == ["POST"] * 3


def test_429_waits_as_long_as_retry_after_says(neon: NeonLocal, client: NeonClient, sleeps: list[float]) -> None:
    neon.fail_next("GET", BRANCHES, 429, message="rate limit exceeded", headers={"Retry-After": "7"})
    assert [b.name for b in client.list_branches(neon.project.id)] == ["main"]
    assert sleeps == [7.0]


def test_retries_are_bounded_and_say_so_exit_5(neon: NeonLocal, client: NeonClient, sleeps: list[float]) -> None:
    neon.fail_next("POST", BRANCHES, 503, message="service unavailable", times=99)
    with pytest.raises(NeonRetryExhausted) as caught:
        client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="never")
    assert caught.value.exit_code == ExitCode.RETRY
    assert "gave up after 5 attempts" in caught.value.one_line()
    assert len(sleeps) == 4


def test_a_500_on_a_write_is_not_repeated(neon: NeonLocal, client: NeonClient) -> None:
    neon.fail_next("POST", BRANCHES, 500, message="internal error", times=5)
    with pytest.raises(NeontuiError) as caught:
        client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="maybe")
    assert caught.value.exit_code == ExitCode.ERROR
    assert [m for m, path in neon.requests if path.endswith("/branches")] == ["POST"]


def test_the_branch_limit_is_its_own_error(neon: NeonLocal, client: NeonClient) -> None:
    neon.branch_limit = 1
    with pytest.raises(NeonBranchLimit) as caught:
        client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="one-too-many")
    assert caught.value.exit_code == ExitCode.ERROR and caught.value.code == "BRANCHES_LIMIT_EXCEEDED"
    assert "branch limit" in caught.value.one_line() and "delete unused branches" in caught.value.one_line()


def test_an_operation_that_never_finishes_is_given_up_on(neon: NeonLocal, client: NeonClient) -> None:
    neon.polls_until_done = 1000
    created = client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="slow")
    with pytest.raises(NeonTimeout) as caught:
        client.wait_for_operations(created.operations, timeout=0.0)
    assert caught.value.exit_code == ExitCode.RETRY and "still running" in caught.value.one_line()


def test_a_failed_operation_is_one_line_exit_3(neon: NeonLocal, client: NeonClient) -> None:
    neon.polls_until_done, neon.operations_end = 1, "failed"
    created = client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="doomed", endpoint=False)
    with pytest.raises(NeonOperationFailed) as caught:
        client.wait_for_operations(created.operations)
    assert caught.value.exit_code == ExitCode.ERROR
    assert caught.value.one_line().endswith("failed: injected failure")
    assert caught.value.one_line().startswith("Neon operation create_branch (")


def test_the_key_is_never_shown_in_errors_or_logs(neon: NeonLocal, client: NeonClient,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[NeontuiError] = []
    neon.fail_next("GET", BRANCHES, 400, message=f"echoing your header: Authorization: Bearer {API_KEY}")
    neon.branch_limit = 1
    for call in (lambda: client.list_branches(neon.project.id),
                 lambda: client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="x"),
                 lambda: client.delete_branch("no-such-project", "br-x")):
        with pytest.raises(NeontuiError) as caught:
            call()
        errors.append(caught.value)
    for error in errors:
        _assert_shown_without_key(error)
    assert "Bearer ****" in errors[0].one_line()
    assert caplog.records and API_KEY not in caplog.text
    assert API_KEY not in redact(f"key={API_KEY}") and API_KEY not in redact(API_KEY)


def test_a_server_that_never_answers_times_out(neon: NeonLocal) -> None:
    silent = SilentServer()
    try:
        with NeonClient(API_KEY, base_url=f"http://127.0.0.1:{silent.port}/api/v2", timeout=0.3, max_attempts=2,
                        sleep=lambda _: None) as api:
            with pytest.raises(NeonTimeout) as read:
                api.list_branches("p")
            with pytest.raises(NeonTimeout) as write:
                api.create_branch("p", parent_id="br-x", name="y")
        wait_until(lambda: len(silent.accepted) >= 3, what="the three connections to be accepted")
    finally:
        silent.close()
    assert read.value.exit_code == ExitCode.RETRY and "nothing was changed" in read.value.one_line()
    assert write.value.exit_code == ExitCode.ERROR and "may have been applied" in write.value.one_line()
    assert len(silent.accepted) == 3  # the read was tried twice, the write once
    _assert_shown_without_key(read.value)


def test_the_server_rejects_a_request_the_spec_does_not_allow(neon: NeonLocal) -> None:
    auth = {"Authorization": f"Bearer {API_KEY}"}
    restore = f"{neon.url}/projects/{neon.project.id}/branches/{neon.main_branch_id}/restore"
    missing_source = httpx.post(restore, json={"preserve_under_name": "x"}, headers=auth, timeout=10)
    unknown_param = httpx.get(f"{neon.url}/projects/{neon.project.id}/branches", params={"colour": "red"},
                              headers=auth, timeout=10)
    bad_type = httpx.post(f"{neon.url}/projects/{neon.project.id}/branches", json={"branch": {"name": 7}},
                          headers=auth, timeout=10)
    assert [r.status_code for r in (missing_source, unknown_param, bad_type)] == [400, 400, 400]
    assert {r.json()["code"] for r in (missing_source, unknown_param, bad_type)} == {"SPEC_VIOLATION"}
    assert "'source_branch_id' is a required property" in neon.violations[0]
    assert "colour" in neon.violations[1] and "7 is not of type 'string'" in neon.violations[2]
    neon.violations.clear()  # proven; the fixture would fail the test on them


def test_the_validator_rejects_a_response_the_spec_does_not_allow() -> None:
    route, _ = spec().route("DELETE", "/projects/p/branches/b")
    with pytest.raises(SpecViolation, match="branch: 'current_state' is a required property"):
        spec().check_response(route, 200, {"branch": {"id": "br-x", "project_id": "p", "name": "main"},
                                           "operations": []})
    with pytest.raises(SpecViolation, match="a success status the spec does not declare"):
        spec().check_response(route, 201, {})
