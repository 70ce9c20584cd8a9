// A small Markdown renderer that builds DOM nodes and sets only textContent: model output can never become
// HTML. Supported: paragraphs, # headings, ``` code blocks, - and 1. lists, `code`, **bold**, *italic*,
// and [links](https://...) (http and https only, opened without an opener).
"use strict";

window.renderMarkdown = (function () {
  function render(source) {
    const fragment = document.createDocumentFragment();
    const lines = String(source).split("\n");
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (line.startsWith("```")) {
        const code = [];
        i += 1;
        while (i < lines.length && !lines[i].startsWith("```")) code.push(lines[i++]);
        i += 1;
        const pre = element("pre");
        pre.appendChild(element("code", code.join("\n")));
        fragment.appendChild(pre);
        continue;
      }
      const heading = /^(#{1,4})\s+(.*)$/.exec(line);
      if (heading) {
        fragment.appendChild(inline(element("h" + (heading[1].length + 2)), heading[2]));
        i += 1;
        continue;
      }
      const listKind = listItemKind(line);
      if (listKind) {
        const list = element(listKind);
        while (i < lines.length && listItemKind(lines[i]) === listKind) {
          list.appendChild(inline(element("li"), lines[i].replace(/^\s*([-*]|\d+\.)\s+/, "")));
          i += 1;
        }
        fragment.appendChild(list);
        continue;
      }
      if (line.trim() === "") { i += 1; continue; }
      const paragraph = [];
      while (i < lines.length && lines[i].trim() !== "" && !lines[i].startsWith("```") && !listItemKind(lines[i])) {
        paragraph.push(lines[i++]);
      }
      fragment.appendChild(inline(element("p"), paragraph.join("\n")));
    }
    return fragment;
  }

  function listItemKind(line) {
    if (/^\s*[-*]\s+/.test(line)) return "ul";
    if (/^\s*\d+\.\s+/.test(line)) return "ol";
    return null;
  }

  const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*)|(\[[^\]]+\]\([^)\s]+\))/g;

  function inline(parent, text) {
    let last = 0;
    for (const match of text.matchAll(INLINE)) {
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      const token = match[0];
      if (match[1]) parent.appendChild(element("code", token.slice(1, -1)));
      else if (match[2]) parent.appendChild(element("strong", token.slice(2, -2)));
      else if (match[3]) parent.appendChild(element("em", token.slice(1, -1)));
      else parent.appendChild(link(token));
      last = match.index + token.length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function link(token) {
    const parts = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token);
    let url = null;
    try { url = new URL(parts[2]); } catch (_) { url = null; }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) return document.createTextNode(token);
    const anchor = element("a", parts[1]);
    anchor.href = url.href;
    anchor.target = "_blank";
    anchor.rel = "noopener noreferrer";
    return anchor;
  }

  function element(tag, text) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  return render;
})();
