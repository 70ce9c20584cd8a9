"""The playground in Chromium against ``scaffold dev`` on an ``auth=none`` project: chat, steps, traces."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import CALCULATOR_PROMPT, DevServer, generate, running_dev

# Every text the turn's reply showed, from the nodes the page added while the answer streamed.
WATCH_REPLY_TEXTS = """() => {
  window.__replyTexts = [];
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        const reply = record.target.closest && record.target.closest(".reply");
        if (reply && node.textContent) window.__replyTexts.push(node.textContent);
      }
    }
  }).observe(document.getElementById("turns"), { childList: true, subtree: true });
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    project = generate(tmp_path_factory.mktemp("dev"), "--target", "agentcore")
    with running_dev(project) as running:
        yield running


def test_a_turn_streams_and_shows_its_tool_call_metrics_and_trace(server, open_playground, tmp_path: Path):
    playground = open_playground(server.url)
    page = playground.page
    page.evaluate(WATCH_REPLY_TEXTS)

    turn = playground.ask(CALCULATOR_PROMPT, turn=1)

    texts = page.evaluate("window.__replyTexts")
    partial = [text for text in texts if text != "The calculator tool returned: 42"]
    assert any(text.startswith("The calculator") for text in partial), texts  # seen before it was complete
    assert texts[-1] == "The calculator tool returned: 42"
    tool = turn.locator(".tool[data-tool=calculator]")
    tool.wait_for()
    assert tool.locator(".tool-input").inner_text() == 'input: {"expression":"6*7"}'
    assert tool.locator(".tool-output").inner_text() == "output: 42"
    assert turn.locator(".span-row[data-span-name='execute_tool calculator']").count() == 1
    assert turn.locator(".span-row[data-span-name^='invoke_agent']").count() == 1
    assert turn.locator(".span-row[data-span-name='chat']").count() == 2  # a model call per cycle
    assert turn.locator("[data-metric=cycles]").inner_text() == "cycles: 2"
    assert turn.locator("[data-metric='stop']").inner_text() == "stop: end_turn"
    assert turn.locator("[data-metric='tokens in']").inner_text() == "tokens in: 40"
    assert turn.locator("[data-metric='tokens out']").inner_text() == "tokens out: 8"
    assert "ms" in turn.locator("[data-metric='first token']").inner_text()
    assert page.locator("#identity-summary").inner_text().startswith("Local user: anonymous")
    page.screenshot(path=str(tmp_path / "playground.png"), full_page=True)
    assert (tmp_path / "playground.png").stat().st_size > 0
    assert playground.errors == []


def test_the_turn_trace_is_the_one_the_page_asked_for(server, open_playground):
    playground = open_playground(server.url)
    turn = playground.ask("Count these words: word_count: one two three", turn=1)
    turn.locator(".tool[data-tool=word_count]").wait_for()

    trace_id = turn.get_attribute("data-trace-id")
    spans = httpx.get(f"{server.url}/_dev/traces/{trace_id}", timeout=5).json()["spans"]

    session_id = playground.current_session()
    by_session = httpx.get(f"{server.url}/_dev/traces", params={"session": session_id}, timeout=5).json()

    assert by_session["trace_ids"] == [trace_id]
    assert {span["trace_id"] for span in spans} == {trace_id}
    assert "execute_tool word_count" in [span["name"] for span in spans]
    assert playground.errors == []


def test_sessions_keep_their_histories_apart_and_survive_a_reload(server, open_playground):
    playground = open_playground(server.url)
    page = playground.page
    playground.ask("remember the word apricot", turn=1)
    first_session = playground.current_session()

    page.click("#new-session")
    playground.ask("remember the word walnut", turn=1)
    second_session = playground.current_session()
    second_history = playground.history()

    assert first_session != second_session
    assert "walnut" in second_history
    assert "apricot" not in second_history
    assert page.locator("#turns > .turn").count() == 1

    page.click("#rename-session")
    page.fill("#rename-input", "Nuts")
    page.press("#rename-input", "Enter")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")

    names = page.locator("#sessions li").all_inner_texts()
    assert names == ["Session 1", "Nuts"]
    page.click(f"#sessions li[data-session-id='{first_session}']")
    assert "apricot" in page.locator("#turns").inner_text()
    first_history = playground.history()
    assert "apricot" in first_history
    assert "walnut" not in first_history
    assert playground.errors == []


def test_markup_in_model_output_renders_as_text(server, open_playground):
    playground = open_playground(server.url)
    hostile = '<script>window.__pwned = 1</script> <img src="x" onerror="window.__pwned = 2"> **bold**'

    turn = playground.ask(hostile, turn=1)

    reply = turn.locator(".reply")
    assert (
        '<script>window.__pwned = 1</script> <img src="x" onerror="window.__pwned = 2">' in reply.inner_text()
    )
    assert reply.locator("script, img").count() == 0
    assert reply.locator("strong").inner_text() == "bold"  # Markdown still renders
    assert playground.page.evaluate("window.__pwned === undefined")
    assert playground.errors == []


def test_api_routes_stay_where_they_are_and_bad_requests_get_json_errors(server):
    assert httpx.get(f"{server.url}/ping", timeout=5).status_code == 200
    bad_trace = httpx.get(f"{server.url}/_dev/traces/not-hex", timeout=5)
    no_issuer = httpx.post(f"{server.url}/_dev/oidc/token", json={"sub": "x"}, timeout=5)
    bad_session = httpx.get(f"{server.url}/_dev/sessions/..%2Fescape/history", timeout=5)

    assert bad_trace.status_code == 400 and bad_trace.json()["code"] == "invalid_request"
    assert no_issuer.status_code == 404 and no_issuer.json()["code"] == "not_found"
    unknown = httpx.get(f"{server.url}/_dev/nothing-here", timeout=5)
    wrong_method = httpx.delete(f"{server.url}/_dev/info", timeout=5)

    assert bad_session.status_code in (400, 404)
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"
    assert server.info()["auth"] == "none"


RENDER = """(source) => {
  const box = document.createElement("div");
  box.appendChild(window.renderMarkdown(source));
  return {
    tags: Array.from(box.querySelectorAll("*"), (node) => node.tagName.toLowerCase()),
    links: Array.from(box.querySelectorAll("a"), (a) => [a.getAttribute("href"), a.rel]),
    text: box.textContent,
  };
}"""


def test_the_markdown_renderer_builds_only_its_own_elements(server, open_playground):
    page = open_playground(server.url).page
    render = lambda source: page.evaluate(RENDER, source)  # noqa: E731

    script_link = render("[click](javascript:alert(1)) and [docs](https://example.com/a)")
    block = render("# Title\n\n- one\n- **two**\n\n```\n<b>not bold</b>\n```\n\n1. `x<y`")

    assert script_link["links"] == [["https://example.com/a", "noopener noreferrer"]]
    assert "[click](javascript:alert(1))" in script_link["text"]
    assert block["tags"] == ["h3", "ul", "li", "li", "strong", "pre", "code", "ol", "li", "code"]
    assert "<b>not bold</b>" in block["text"]


def test_clear_starts_the_session_over_under_a_new_id(server, open_playground):
    playground = open_playground(server.url)
    page = playground.page
    playground.ask("remember the word fig", turn=1)
    before = playground.current_session()

    page.click("#clear-session")
    history = playground.history()

    assert playground.current_session() != before
    assert page.locator("#sessions li.current").inner_text() == "Session 1"
    assert page.locator("#turns > .turn").count() == 0
    assert history == "Nothing stored for this session yet."
    assert playground.errors == []
