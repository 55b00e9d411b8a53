// Small DOM helpers: text only, never HTML.
export const $ = (id) => document.getElementById(id);

/** el("p", {class: "x", id: "y"}, "text", child, …) */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

export function show(idOrEl, on = true) {
  const e = typeof idOrEl === "string" ? $(idOrEl) : idOrEl;
  e.hidden = !on;
}

export function say(id, text, kind = "error") {
  const e = $(id);
  e.textContent = text || "";
  e.hidden = !text;
  e.dataset.kind = kind;
  e.className = kind === "error" ? "error" : "note";
}

/** A <dl> of [label, value] lines. */
export function lines(pairs) {
  return el("dl", { class: "lines" }, pairs.map(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
}

export async function copyText(text, textarea) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (textarea) {
      textarea.select();
      try { return document.execCommand("copy"); } catch { return false; }
    }
    return false;
  }
}
