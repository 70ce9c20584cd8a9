// A turn's spans, as the dev server collected them: the tool calls they record, and a waterfall.
"use strict";

window.devTrace = (function () {
  const TOOL_PREFIX = "execute_tool ";

  // Tool calls from execute_tool spans: name, input, output, duration and error.
  function toolCalls(spans) {
    return spans.filter((span) => span.name.startsWith(TOOL_PREFIX)).map((span) => {
      const attributes = span.attributes || {};
      const input = attributes["gen_ai.tool.call.arguments"] ?? eventValue(span, "gen_ai.tool.message", "content");
      const output = attributes["gen_ai.tool.call.result"] ?? eventValue(span, "gen_ai.choice", "message");
      return {
        name: attributes["gen_ai.tool.name"] || span.name.slice(TOOL_PREFIX.length),
        input: readable(input),
        output: readable(output),
        durationMs: (span.end_ns - span.start_ns) / 1e6,
        error: span.status === "error" ? (span.error || "failed") : null,
        spanId: span.span_id,
      };
    });
  }

  function eventValue(span, eventName, key) {
    const event = (span.events || []).find((item) => item.name === eventName);
    return event ? event.attributes[key] : undefined;
  }

  // Tool input and output arrive as JSON text; show them compactly, and Strands' [{"text": ...}] as text.
  function readable(value) {
    if (value === undefined || value === null) return "";
    try {
      const parsed = JSON.parse(value);
      if (Array.isArray(parsed) && parsed.every((part) => part && typeof part.text === "string")) {
        return parsed.map((part) => part.text).join(" ");
      }
      return JSON.stringify(parsed);
    } catch (_) {
      return String(value);
    }
  }

  // Where the turn broke: the deepest span marked failed; for a turn cut short without one (a timeout
  // cancels the running span), the innermost span that ended last, which is the one that was running.
  function failingSpan(spans, turnFailed) {
    const depths = depthsOf(spans);
    const deepestFirst = (a, b) => (depths[b.span_id] || 0) - (depths[a.span_id] || 0);
    const failed = spans.filter((span) => span.status === "error").sort(deepestFirst);
    if (failed.length || !turnFailed || !spans.length) return failed[0] || null;
    const parents = new Set(spans.map((span) => span.parent_id));
    const leaves = spans.filter((span) => !parents.has(span.span_id));
    return leaves.reduce((last, span) => (span.end_ns > last.end_ns ? span : last), leaves[0]);
  }

  function depthsOf(spans) {
    const byId = Object.fromEntries(spans.map((span) => [span.span_id, span]));
    const depths = {};
    const depth = (span) => {
      if (depths[span.span_id] !== undefined) return depths[span.span_id];
      const parent = span.parent_id && byId[span.parent_id];
      depths[span.span_id] = parent ? depth(parent) + 1 : 0;
      return depths[span.span_id];
    };
    spans.forEach(depth);
    return depths;
  }

  // One row per span, indented by depth, with a bar placed on the turn's time axis.
  function waterfall(spans, turnFailed) {
    const box = document.createElement("div");
    box.className = "waterfall";
    if (!spans.length) return box;
    const depths = depthsOf(spans);
    const start = Math.min(...spans.map((span) => span.start_ns));
    const end = Math.max(...spans.map((span) => span.end_ns));
    const total = Math.max(end - start, 1);
    const failing = failingSpan(spans, turnFailed);
    for (const span of spans) {
      const row = document.createElement("div");
      const broke = failing && failing.span_id === span.span_id;
      row.className = "span-row" + (span.status === "error" || broke ? " failed" : "");
      row.dataset.spanName = span.name;
      const label = document.createElement("span");
      label.className = "span-label";
      label.style.paddingLeft = (depths[span.span_id] * 12) + "px";
      const ms = ((span.end_ns - span.start_ns) / 1e6).toFixed(1);
      label.textContent = span.name + (span.open ? " (never ended)" : " " + ms + " ms") + (broke ? " ✗ " + (span.error || "") : "");
      label.title = label.textContent;
      const track = document.createElement("span");
      track.className = "span-track";
      const bar = document.createElement("span");
      bar.className = "span-bar";
      bar.style.left = ((span.start_ns - start) / total * 100) + "%";
      bar.style.width = ((span.end_ns - span.start_ns) / total * 100) + "%";
      track.appendChild(bar);
      row.append(label, track);
      box.appendChild(row);
    }
    return box;
  }

  return { toolCalls, failingSpan, waterfall };
})();
