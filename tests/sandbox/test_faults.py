"""Fault switches: failing and hanging requests, in-process and over HTTP."""

from __future__ import annotations

import httpx
import pytest

from provider.errors import ERROR_CODES
from provider.sandbox import Sandbox
from tests.helpers import send_body


@pytest.mark.parametrize(("status", "code"), [(503, 1), (429, 3), (500, 100)])
async def test_fail_next_answers_the_platforms_error_then_recovers(
    sandbox: Sandbox, http: httpx.AsyncClient, status: int, code: int
) -> None:
    sandbox.faults.fail_next(1, status=status)

    failed = await http.post(sandbox.rest_url, json=send_body(id="f-1"))
    retried = await http.post(sandbox.rest_url, json=send_body(id="f-1"))

    assert failed.status_code == status
    assert failed.json()["error"] == {"code": code, "description": ERROR_CODES[code].description}
    assert retried.status_code == 200
    # The failed attempt is counted as received, and sent nothing.
    assert [(r.http_status, r.error_code) for r in sandbox.received] == [
        (status, code),
        (200, None),
    ]
    assert len(sandbox.sends) == 1


async def test_fail_next_counts_requests(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    sandbox.faults.fail_next(2)

    codes = [(await http.post(sandbox.rest_url, json=send_body())).status_code for _ in range(3)]

    assert codes == [503, 503, 200]


def test_fail_next_refuses_a_status_the_platform_never_answers() -> None:
    with pytest.raises(ValueError, match="status must be one of"):
        Sandbox().faults.fail_next(1, status=418)


async def test_faults_can_be_set_over_http(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    control = await http.post(
        sandbox.base_url + "/_sandbox/faults", json={"fail": {"status": 429, "count": 2}}
    )

    codes = [(await http.post(sandbox.rest_url, json=send_body())).status_code for _ in range(3)]

    assert control.status_code == 200
    assert control.json() == {"fail": [429, 429], "hang": []}
    assert codes == [429, 429, 200]


async def test_a_failure_may_carry_retry_after(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    await http.post(
        sandbox.base_url + "/_sandbox/faults",
        json={"fail": {"status": 429, "count": 1, "retryAfter": 2}},
    )
    sandbox.faults.fail_next(1, status=503)

    limited = await http.post(sandbox.rest_url, json=send_body())
    unavailable = await http.post(sandbox.rest_url, json=send_body())

    assert (limited.status_code, limited.headers.get("Retry-After")) == (429, "2")
    assert (unavailable.status_code, unavailable.headers.get("Retry-After")) == (503, None)


async def test_a_bad_fault_command_is_refused(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    response = await http.post(
        sandbox.base_url + "/_sandbox/faults", json={"fail": {"status": 404}}
    )

    assert response.status_code == 400
    assert sandbox.faults.pending() == {"fail": [], "hang": []}


async def test_reset_clears_pending_faults(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    sandbox.faults.fail_next(3)
    await http.post(sandbox.base_url + "/_sandbox/faults", json={"reset": True})

    response = await http.post(sandbox.rest_url, json=send_body())

    assert response.status_code == 200


async def test_a_hung_request_times_out_at_the_client_and_is_counted(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    sandbox.faults.hang_next(1, seconds=30)

    with pytest.raises(httpx.ReadTimeout):
        await http.post(
            sandbox.rest_url,
            json=send_body(id="slow-1"),
            timeout=httpx.Timeout(5.0, read=0.2),
        )

    [received] = sandbox.received
    assert received.partner_id == "slow-1"
    assert received.http_status is None  # still hanging: never answered
    # The next request is not held up; stopping the sandbox releases the hung one.
    response = await http.post(sandbox.rest_url, json=send_body(id="fast-1"))
    assert response.status_code == 200


async def test_a_hang_set_over_http_holds_the_next_request(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    control = await http.post(
        sandbox.base_url + "/_sandbox/faults", json={"hang": {"seconds": 30, "count": 1}}
    )

    with pytest.raises(httpx.ReadTimeout):
        await http.post(sandbox.rest_url, json=send_body(), timeout=httpx.Timeout(5.0, read=0.2))

    assert control.json() == {"fail": [], "hang": [30.0]}
    assert len(sandbox.received) == 1


async def test_after_a_timeout_a_retry_with_the_same_id_is_one_send(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    # The hung request goes on once the hang ends (the platform may have sent it); retrying
    # with the same id is safe either way.
    sandbox.faults.hang_next(1, seconds=0.3)
    body = send_body(id="maybe-sent")
    with pytest.raises(httpx.ReadTimeout):
        await http.post(sandbox.rest_url, json=body, timeout=httpx.Timeout(5.0, read=0.05))

    retried = await http.post(sandbox.rest_url, json=body)

    assert retried.status_code == 200
    assert list(sandbox.sends) == [retried.json()["mtNum"]]
