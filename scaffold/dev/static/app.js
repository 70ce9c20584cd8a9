// The playground: sessions kept in localStorage, turns streamed from /invocations (SSE over fetch), each
// turn's tool calls and spans from the dev server, test users from the local issuer. No innerHTML anywhere:
// every piece of model or tool output is set with textContent (see markdown.js).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const state = { info: null, sessions: [], current: null, identity: null, traces: {} };
  const timings = (window.__devTimings = []); // per turn: when the first chunk arrived and became visible
  let storageKey = "scaffold-dev";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function randomHex(bytes) {
    const values = crypto.getRandomValues(new Uint8Array(bytes));
    return Array.from(values, (value) => value.toString(16).padStart(2, "0")).join("");
  }

  // ---- persistence --------------------------------------------------------------------------------------
  function save() {
    const sessions = state.sessions.map((session) => ({
      ...session,
      turns: session.turns.map(({ streaming, ...turn }) => turn),
    }));
    localStorage.setItem(storageKey, JSON.stringify({ sessions, current: state.current, identity: state.identity }));
  }

  function load() {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey) || "null");
      if (saved && Array.isArray(saved.sessions)) {
        state.sessions = saved.sessions;
        state.current = saved.current;
        state.identity = saved.identity || null;
      }
    } catch (_) {
      state.sessions = [];
    }
    if (!state.sessions.length) newSession();
    if (!currentSession()) state.current = state.sessions[0].id;
  }

  // ---- sessions -----------------------------------------------------------------------------------------
  function currentSession() {
    return state.sessions.find((session) => session.id === state.current);
  }

  function newSession() {
    const session = { id: "s-" + randomHex(12), name: "Session " + (state.sessions.length + 1), turns: [] };
    state.sessions.push(session);
    state.current = session.id;
    save();
    return session;
  }

  function renderSessions() {
    const list = $("sessions");
    list.replaceChildren();
    for (const session of state.sessions) {
      const item = el("li", session.id === state.current ? "current" : "", session.name);
      item.dataset.sessionId = session.id;
      item.title = session.id;
      item.addEventListener("click", () => { state.current = session.id; save(); renderAll(); });
      list.appendChild(item);
    }
  }

  function renameSession() {
    const session = currentSession();
    const item = document.querySelector(`#sessions li[data-session-id="${session.id}"]`);
    const input = el("input");
    input.id = "rename-input";
    input.value = session.name;
    item.replaceChildren(input);
    input.focus();
    input.select();
    const commit = () => {
      session.name = input.value.trim() || session.name;
      save();
      renderSessions();
    };
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") commit(); });
    input.addEventListener("blur", commit);
  }

  // Clearing starts the session over under a new id, so the agent's stored history is left behind too.
  function clearSession() {
    const session = currentSession();
    session.id = "s-" + randomHex(12);
    session.turns = [];
    state.current = session.id;
    save();
    renderAll();
  }

  // ---- identity -----------------------------------------------------------------------------------------
  function splitNames(text) {
    return String(text || "").split(/[,\s]+/).map((name) => name.trim()).filter(Boolean);
  }

  function renderIdentity() {
    const info = state.info;
    const form = $("identity-form");
    if (info.auth === "jwt") {
      form.hidden = false;
      const identity = state.identity || { sub: "dev-user", scopes: info.allowed_scopes, groups: info.required_groups };
      state.identity = identity;
      $("id-sub").value = identity.sub;
      $("id-scopes").value = identity.scopes.join(", ");
      $("id-groups").value = identity.groups.join(", ");
      $("identity-summary").textContent =
        `Acting as ${identity.sub} (scopes: ${identity.scopes.join(" ") || "none"}; groups: ${identity.groups.join(" ") || "none"}), ` +
        "with tokens from the local issuer, verified like production ones.";
    } else if (info.auth === "remote") {
      $("identity-summary").textContent = `Calling ${info.remote} with scaffold's own credentials.`;
    } else if (info.production_auth === "iam") {
      $("identity-summary").textContent =
        "Local user: anonymous. The project uses IAM auth when deployed; a browser cannot sign SigV4 requests, so dev serves it without authentication.";
    } else {
      $("identity-summary").textContent = "Local user: anonymous (auth=none: every caller is the same local user).";
    }
  }

  async function authorization() {
    if (state.info.auth !== "jwt") return {};
    const response = await fetch("/_dev/oidc/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(state.identity),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || "the local issuer refused");
    return { Authorization: "Bearer " + body.access_token };
  }

  // ---- memory -------------------------------------------------------------------------------------------
  function renderMemory() {
    const memory = state.info.memory;
    let text;
    if (state.info.remote) text = "Stored history lives with the remote agent; it is not shown here.";
    else if (memory.dev === "none") text = "The project keeps no history (memory=none): each turn starts afresh.";
    else if (memory.dev !== memory.production) {
      text = `Dev keeps sessions in local files (${memory.session_dir}), not in ${memory.production} as the deployed project does.`;
    } else text = `Sessions are kept in local files (${memory.session_dir}).`;
    $("memory-summary").textContent = text;
    $("show-history").hidden = Boolean(state.info.remote) || memory.dev === "none";
  }

  async function showHistory() {
    const user = state.info.auth === "jwt" ? state.identity.sub : "";
    const url = `/_dev/sessions/${encodeURIComponent(state.current)}/history?user=${encodeURIComponent(user)}`;
    const body = await (await fetch(url)).json();
    const list = $("history");
    list.replaceChildren();
    if (!body.messages.length) list.appendChild(el("li", "", "Nothing stored for this session yet."));
    for (const message of body.messages) {
      const parts = message.parts.map((part) =>
        part.kind === "text" ? part.text
          : part.kind === "tool_use" ? `[tool ${part.name} ${JSON.stringify(part.input)}]`
          : part.kind === "tool_result" ? `[result ${part.text}]` : `[${part.kind}]`);
      list.appendChild(el("li", "", `${message.role}: ${parts.join(" ")}`));
    }
  }

  // ---- turns --------------------------------------------------------------------------------------------
  function renderAll() {
    renderSessions();
    const turns = $("turns");
    turns.replaceChildren();
    for (const turn of currentSession().turns) turns.appendChild(turnView(turn));
    $("history").replaceChildren();
  }

  function turnView(turn) {
    const item = el("li", "turn");
    item.dataset.state = turn.streaming ? "streaming" : turn.error ? "failed" : "done";
    if (turn.traceId) item.dataset.traceId = turn.traceId;
    item.appendChild(el("div", "prompt", turn.prompt));
    if (turn.actingAs) item.appendChild(el("div", "metrics", "as " + turn.actingAs));
    const reply = el("div", "reply");
    reply.appendChild(window.renderMarkdown(turn.text || ""));
    item.appendChild(reply);
    if (turn.error) item.appendChild(el("div", "error", "Error: " + turn.error));
    if (!turn.streaming) item.appendChild(metricsView(turn));
    const details = el("div", "steps");
    item.appendChild(details);
    if (!turn.streaming && turn.traceId) showTrace(turn, details);
    return item;
  }

  function metricsView(turn) {
    const reply = turn.reply || {};
    const usage = reply.usage || {};
    const metrics = reply.metrics || {};
    const box = el("div", "metrics");
    const add = (name, value) => {
      const part = el("span", "", `${name}: ${value}`);
      part.dataset.metric = name;
      box.appendChild(part);
    };
    add("latency", `${Math.round(turn.latencyMs)} ms`);
    add("first token", turn.ttftMs == null ? "-" : `${Math.round(turn.ttftMs)} ms`);
    add("tokens in", usage.input_tokens ?? "-");
    add("tokens out", usage.output_tokens ?? "-");
    add("cycles", metrics.cycles ?? "-");
    add("stop", reply.stop_reason ?? (turn.error ? "error" : "-"));
    return box;
  }

  async function showTrace(turn, container) {
    if (!state.info.traces) {
      container.appendChild(el("div", "metrics", "Traces: not available for a remote agent (its spans go to its own exporter)."));
      return;
    }
    let spans = state.traces[turn.traceId];
    if (!spans) {
      const response = await fetch(`/_dev/traces/${turn.traceId}?wait=${turn.justFinished ? 5 : 0}`);
      spans = (await response.json()).spans;
      if (spans.length) state.traces[turn.traceId] = spans;
    }
    container.replaceChildren();
    if (!spans.length) {
      container.appendChild(el("div", "metrics", "Trace: no longer held by the dev server (it restarted since)."));
      return;
    }
    const tools = el("div", "tools");
    for (const call of window.devTrace.toolCalls(spans)) {
      const box = el("div", "tool" + (call.error ? " failed" : ""));
      box.dataset.tool = call.name;
      box.appendChild(el("strong", "", `${call.name} (${call.durationMs.toFixed(1)} ms)`));
      box.appendChild(el("pre", "tool-input", "input: " + call.input));
      box.appendChild(el("pre", "tool-output", "output: " + call.output));
      if (call.error) box.appendChild(el("div", "error", "error: " + call.error));
      tools.appendChild(box);
    }
    container.appendChild(tools);
    const failing = window.devTrace.failingSpan(spans, Boolean(turn.error));
    if (failing) {
      const where = `Failed in span ${failing.name}` + (failing.error ? `: ${failing.error}` : " (it was running when the turn stopped)");
      const note = el("div", "error failing-span", where);
      note.dataset.spanName = failing.name;
      container.appendChild(note);
    }
    container.appendChild(window.devTrace.waterfall(spans, Boolean(turn.error)));
  }

  // Reads the wire contract's SSE: each data line is a JSON string (a chunk) or the final/ error object.
  async function* sseEvents(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trim()).join("\n");
        if (data) yield JSON.parse(data);
      }
    }
  }

  async function send(prompt) {
    const session = currentSession();
    const traceId = randomHex(16);
    const turn = { prompt, text: "", traceId, streaming: true, startedAt: Date.now() };
    if (state.info.auth === "jwt") turn.actingAs = `${state.identity.sub} [${state.identity.scopes.join(" ")}]`;
    session.turns.push(turn);
    const view = turnView(turn);
    $("turns").appendChild(view);
    const replyBox = view.querySelector(".reply");
    const timing = { traceId, firstChunkAt: null, firstVisibleAt: null, firstFrameAt: null };
    timings.push(timing);
    const started = performance.now();
    $("send").disabled = true;
    try {
      const headers = {
        "Content-Type": "application/json",
        Accept: "text/event-stream",
        traceparent: `00-${traceId}-${randomHex(8)}-01`,
        ...(await authorization()),
      };
      const response = await fetch("/invocations", {
        method: "POST",
        headers,
        body: JSON.stringify({ prompt, session_id: session.id, stream: true }),
      });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        throw new Error(`${response.status} ${body.code || ""} ${body.error || response.statusText}`.replace(/\s+/g, " "));
      }
      for await (const event of sseEvents(response)) {
        if (typeof event === "string") {
          const now = performance.now();
          if (timing.firstChunkAt === null) timing.firstChunkAt = now;
          if (turn.ttftMs === undefined) turn.ttftMs = now - started;
          turn.text += event;
          replyBox.replaceChildren(window.renderMarkdown(turn.text));
          if (timing.firstVisibleAt === null) {
            timing.firstVisibleAt = performance.now();
            requestAnimationFrame(() => { timing.firstFrameAt = performance.now(); });
          }
        } else if (event && event.error) {
          throw new Error(event.error);
        } else if (event && event.done) {
          turn.reply = event.reply;
          if (!turn.text && event.reply && event.reply.text) turn.text = event.reply.text;
        }
      }
    } catch (error) {
      turn.error = error.message;
    }
    turn.latencyMs = performance.now() - started;
    delete turn.streaming;
    turn.justFinished = true;
    save();
    const finished = turnView(turn);
    delete turn.justFinished;
    view.replaceWith(finished);
    $("send").disabled = false;
  }

  // ---- wiring -------------------------------------------------------------------------------------------
  async function start() {
    state.info = await (await fetch("/_dev/info")).json();
    storageKey = "scaffold-dev:" + state.info.project;
    document.title = state.info.project + " - scaffold dev";
    $("project").textContent = state.info.project;
    $("target").textContent = state.info.remote ? "remote: " + state.info.remote : state.info.target;
    $("notice").textContent = state.info.traces ? "spans collected in-process" : "no traces for a remote agent";
    document.body.dataset.bootId = state.info.boot_id;
    load();
    renderIdentity();
    renderMemory();
    renderAll();
    $("new-session").addEventListener("click", () => { newSession(); renderAll(); });
    $("rename-session").addEventListener("click", renameSession);
    $("clear-session").addEventListener("click", clearSession);
    $("show-history").addEventListener("click", showHistory);
    $("identity-form").addEventListener("submit", (event) => {
      event.preventDefault();
      state.identity = { sub: $("id-sub").value.trim() || "dev-user", scopes: splitNames($("id-scopes").value), groups: splitNames($("id-groups").value) };
      save();
      renderIdentity();
    });
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const prompt = $("prompt").value.trim();
      if (!prompt || $("send").disabled) return;
      $("prompt").value = "";
      send(prompt);
    });
    $("prompt").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("composer").requestSubmit(); }
    });
    document.body.dataset.ready = "true";
  }

  start();
})();
