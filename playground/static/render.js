// Telegram message text + entities -> DOM, built with createElement/createTextNode only.
// Message text is never parsed as HTML here: the server already turned the bot's HTML
// into plain text and entities, so whatever a message holds ("<script>", "&amp;") is shown
// as the characters it is. Entity offsets are UTF-16 code units, as JavaScript strings.
(function (root) {
  "use strict";

  const TAGS = {
    bold: "b",
    italic: "i",
    underline: "u",
    strikethrough: "s",
    code: "code",
    pre: "pre",
    blockquote: "blockquote",
    expandable_blockquote: "blockquote",
    text_link: "a",
    spoiler: "span",
  };
  const SAFE_PROTOCOLS = ["http:", "https:", "tg:"];

  // Nested nodes: {kind: "text", text} or {kind: <entity type>, entity, children}.
  // Entities are sorted by offset, longer first, so a parent precedes its children; one
  // that crosses its parent's end is cut there (Telegram's own entities never cross).
  function entityTree(text, entities) {
    const sorted = (entities || [])
      .filter((e) => e && e.length > 0)
      .slice()
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    return build(text, 0, text.length, sorted);
  }

  function build(text, start, end, entities) {
    const nodes = [];
    let pos = start;
    let i = 0;
    while (i < entities.length) {
      const e = entities[i];
      const from = Math.max(e.offset, pos);
      const to = Math.min(e.offset + e.length, end);
      if (to <= from) {
        i += 1;
        continue;
      }
      if (from > pos) nodes.push({ kind: "text", text: text.slice(pos, from) });
      let j = i + 1;
      const inner = [];
      while (j < entities.length && entities[j].offset < to) {
        inner.push(entities[j]);
        j += 1;
      }
      nodes.push({ kind: e.type, entity: e, children: build(text, from, to, inner) });
      pos = to;
      i = j;
    }
    if (pos < end) nodes.push({ kind: "text", text: text.slice(pos, end) });
    return nodes;
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url);
      return SAFE_PROTOCOLS.includes(parsed.protocol) ? parsed.href : null;
    } catch (_error) {
      return null;
    }
  }

  function element(doc, node) {
    const tag = TAGS[node.kind] || "span";
    const el = doc.createElement(tag);
    el.className = "e-" + node.kind;
    if (node.kind === "text_link") {
      const href = safeUrl(node.entity.url || "");
      if (href) {
        el.setAttribute("href", href);
        el.setAttribute("target", "_blank");
        el.setAttribute("rel", "noopener noreferrer");
      }
    } else if (node.kind === "pre" && node.entity.language) {
      el.setAttribute("data-language", String(node.entity.language));
    }
    return el;
  }

  function append(doc, parent, nodes) {
    for (const node of nodes) {
      if (node.kind === "text") {
        parent.appendChild(doc.createTextNode(node.text));
      } else {
        const el = element(doc, node);
        append(doc, el, node.children);
        parent.appendChild(el);
      }
    }
  }

  function renderText(doc, text, entities) {
    const fragment = doc.createDocumentFragment();
    append(doc, fragment, entityTree(text, entities));
    return fragment;
  }

  const api = { entityTree, renderText, safeUrl };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.TgRender = api;
  }
})(this);
