"""The people's API answers the playground's own page only: its token, its origin, JSON.

Any web page can make a browser POST to 127.0.0.1: before this guard, a text/plain POST to
/api/send from a foreign page made the bot answer "/grant 4 admin" as its admin.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from playwright.async_api import Response, expect

from playground import Playground, PlaygroundConfig
from playground.guard import is_loopback
from tests.browser import chromium, needs_chromium, open_page, snap
from tests.helpers import serving
from tests.playground.support import TOKEN_HEADER, token_of_page

GRANT = {"text": "/grant 4 admin"}


def nothing_reached_the_bot(pg: Playground) -> bool:
    return pg.chat(1).messages == [] and pg.take_updates() == []


@pytest.fixture
async def bare(pg: Playground) -> AsyncIterator[httpx.AsyncClient]:
    """A client that knows the address only (no token)."""
    async with httpx.AsyncClient(base_url=pg.base_url, timeout=5.0) as client:
        yield client


async def test_without_the_token_nothing_is_answered(
    bare: httpx.AsyncClient, pg: Playground
) -> None:
    missing = await bare.post("/api/send", json=GRANT)
    wrong = await bare.post("/api/send", json=GRANT, headers={TOKEN_HEADER: "a-guess"})
    reading = await bare.get("/api/chats/1")
    assert [missing.status_code, wrong.status_code, reading.status_code] == [403, 403, 403]
    assert "X-Playground-Token" in missing.json()["error"]
    assert "wrong X-Playground-Token" in wrong.json()["error"]
    assert nothing_reached_the_bot(pg)


async def test_with_the_token_of_the_page_it_is(bare: httpx.AsyncClient, pg: Playground) -> None:
    page = await bare.get("/")
    token = token_of_page(page.text)
    sent = await bare.post("/api/send", json={"text": "hello"}, headers={TOKEN_HEADER: token})
    assert sent.status_code == 200
    assert [m.text for m in pg.chat(1).messages] == ["hello"]
    # Each run has its own.
    async with Playground().running() as other:
        assert other.page_token != token
        assert other.page_token not in page.text


async def test_bodies_must_be_json(http: httpx.AsyncClient, pg: Playground) -> None:
    as_text = await http.post(
        "/api/send", content=json.dumps(GRANT), headers={"Content-Type": "text/plain"}
    )
    as_form = await http.post("/api/send", data=GRANT)
    as_multipart = await http.post("/api/send", files={"text": (None, "/grant 4 admin")})
    assert [as_text.status_code, as_form.status_code, as_multipart.status_code] == [415] * 3
    assert "application/json" in as_text.json()["error"]
    assert nothing_reached_the_bot(pg)


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://127.0.0.1:1",  # another port of this machine is another origin
        "https://127.0.0.1",
        "null",  # sandboxed frames, files
    ],
)
async def test_other_origins_are_refused_even_with_the_token(
    http: httpx.AsyncClient, pg: Playground, origin: str
) -> None:
    answer = await http.post("/api/send", json=GRANT, headers={"Origin": origin})
    assert answer.status_code == 403
    assert answer.json() == {"error": "requests from other web pages are refused"}
    assert nothing_reached_the_bot(pg)


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
async def test_a_browser_saying_another_site_sent_it_is_refused(
    http: httpx.AsyncClient, pg: Playground, site: str
) -> None:
    answer = await http.post("/api/send", json=GRANT, headers={"Sec-Fetch-Site": site})
    assert answer.status_code == 403
    assert nothing_reached_the_bot(pg)


async def test_the_pages_own_origin_is_welcome(http: httpx.AsyncClient, pg: Playground) -> None:
    headers = {"Origin": pg.base_url, "Sec-Fetch-Site": "same-origin"}
    answer = await http.post("/api/send", json={"text": "hi"}, headers=headers)
    assert answer.status_code == 200
    assert [m.text for m in pg.chat(1).messages] == ["hi"]


async def test_a_foreign_host_name_gets_neither_the_page_nor_the_api(
    http: httpx.AsyncClient, pg: Playground
) -> None:
    # A page whose DNS name now points to 127.0.0.1 is same-origin with "us" in its own
    # eyes: only the Host it sends gives it away.
    port = pg.base_url.rsplit(":", 1)[1]
    rebound = {"Host": f"evil.example:{port}"}
    page = await http.get("/", headers=rebound)
    api = await http.post("/api/send", json=GRANT, headers=rebound)
    assert [page.status_code, api.status_code] == [403, 403]
    assert pg.page_token not in page.text
    assert "does not answer to the name 'evil.example'" in page.json()["error"]
    for name in ("localhost", "127.0.0.1", "[::1]"):
        assert (await http.get("/", headers={"Host": f"{name}:{port}"})).status_code == 200
    assert nothing_reached_the_bot(pg)


async def test_names_it_was_given_are_answered() -> None:
    config = PlaygroundConfig(page_hosts=("desk.internal",))
    async with (
        Playground(config).running() as pg,
        httpx.AsyncClient(base_url=pg.base_url, headers=pg.api_headers) as http,
    ):
        port = pg.base_url.rsplit(":", 1)[1]
        host = {"Host": f"desk.internal:{port}"}
        assert (await http.get("/", headers=host)).status_code == 200
        assert (await http.get("/api/state", headers=host)).status_code == 200


async def test_the_event_stream_takes_the_token_in_its_query(
    bare: httpx.AsyncClient, pg: Playground
) -> None:
    refused = await bare.get("/api/events")
    assert refused.status_code == 403
    async with bare.stream("GET", "/api/events", params={"token": pg.page_token}) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"] == "text/event-stream"
    # Elsewhere the query does not stand in for the header.
    assert (await bare.get("/api/state", params={"token": pg.page_token})).status_code == 403


async def test_the_page_is_neither_cached_nor_framed(bare: httpx.AsyncClient) -> None:
    page = await bare.get("/")
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_only_loopback_addresses_count_as_this_machine() -> None:
    assert [is_loopback(h) for h in ("127.0.0.1", "::1", "[::1]", "localhost")] == [True] * 4
    everywhere = ("0.0.0.0", "", "::", "192.0.2.1", "desk")  # noqa: S104 - only compared
    assert [is_loopback(h) for h in everywhere] == [False] * 5


# -- a real cross-origin page in Chromium ----------------------------------------------------

ATTACKER_PAGE = """<!doctype html>
<html><body>
<h1>An innocent page</h1>
<form id="form" method="POST" action="{api}" enctype="text/plain" target="sink">
  <input name='{{"text": "/grant 4 admin", "pad": "' value='"}}'>
</form>
<iframe name="sink"></iframe>
<iframe id="framed" src="{base}/"></iframe>
<script>
const API = {api_js};
const BODY = JSON.stringify({{ text: "/grant 4 admin" }});
async function attempt(init) {{
  try {{
    const answer = await fetch(API, init);
    return answer.type + " " + answer.status;
  }} catch (error) {{
    return "blocked";
  }}
}}
window.attempts = (async () => {{
  const results = {{
    // A "simple" request: no preflight, the browser sends it as is.
    simple: await attempt({{ method: "POST", mode: "no-cors", body: BODY,
                             headers: {{ "Content-Type": "text/plain" }} }}),
    json: await attempt({{ method: "POST", body: BODY,
                           headers: {{ "Content-Type": "application/json" }} }}),
    guessed: await attempt({{ method: "POST", body: BODY,
                              headers: {{ "Content-Type": "application/json",
                                         "X-Playground-Token": "a-guess" }} }}),
  }};
  try {{
    results.read = (await (await fetch({base_js} + "/")).text()).slice(0, 40);
  }} catch (error) {{
    results.read = "blocked";
  }}
  document.getElementById("form").submit();
  return results;
}})();
</script>
</body></html>
"""


def attacker_app(pg: Playground) -> web.Application:
    api = pg.base_url + "/api/send"
    page = ATTACKER_PAGE.format(
        api=html.escape(api),
        base=html.escape(pg.base_url),
        api_js=json.dumps(api),
        base_js=json.dumps(pg.base_url),
    )

    async def index(request: web.Request) -> web.Response:
        del request
        return web.Response(text=page, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", index)
    return app


@needs_chromium
async def test_a_page_of_another_origin_cannot_write_through_the_playground(
    pg: Playground, tmp_path: Path
) -> None:
    answers: list[tuple[str, int]] = []

    def seen(response: Response) -> None:
        if response.url.startswith(pg.base_url + "/api/"):
            answers.append((response.request.method, response.status))

    async with serving(attacker_app(pg)) as attacker, chromium() as browser:
        assert attacker != pg.base_url  # another port of 127.0.0.1: another origin
        watched = await open_page(browser, attacker + "/")
        page = watched.page
        page.on("response", seen)
        results = await page.evaluate("window.attempts")
        # The form's POST went out (a form needs nobody's permission): what came back.
        sink = page.frame_locator("iframe[name=sink]").locator("body")
        await expect(sink).to_contain_text("requests from other web pages are refused")
        # The playground's page does not load inside another page.
        framed = page.frame_locator("#framed")
        await expect(framed.locator("#composer")).to_have_count(0)
        await snap(page, tmp_path, "attacker")

    # The requests a page may send without asking got 403; the others were never sent, as
    # the playground grants no CORS preflight; the page's token could not be read.
    assert results == {
        "simple": "opaque 0",
        "json": "blocked",
        "guessed": "blocked",
        "read": "blocked",
    }
    assert answers
    assert all(status == 403 for _, status in answers), answers
    assert nothing_reached_the_bot(pg)


@needs_chromium
async def test_the_same_requests_from_the_page_itself_go_through(
    pg: Playground, tmp_path: Path
) -> None:
    """The other side of the test above: the guard lets the playground's own page work."""
    async with chromium() as browser:
        watched = await open_page(browser, pg.base_url + "/")
        page = watched.page
        await expect(page.locator("#status")).to_have_class(re.compile(r"\blive\b"))
        status = await page.evaluate(
            """async () => {
              const token = document.querySelector('meta[name="playground-token"]').content;
              const answer = await fetch("/api/send", {
                method: "POST",
                headers: { "Content-Type": "application/json", "X-Playground-Token": token },
                body: JSON.stringify({ text: "from the page" }),
              });
              return answer.status;
            }"""
        )
        await expect(page.locator("#messages .msg.mine .text")).to_have_text("from the page")
        await snap(page, tmp_path, "own-page")
        watched.assert_clean()
    assert status == 200
