// latchkey's rules for text claims (iss, sub) and names.
// Refused: control characters, bidi overrides and marks, format characters (but ZWNJ/ZWJ),
// line/paragraph separators, spaces other than U+0020, private use, unassigned, default-ignorables.
const BAD = /[\p{Cc}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0]|(?![\u200c\u200d])\p{Cf}|(?! )\p{Zs}|[\u{e0000}-\u{e0fff}]/u;

/** Throws a readable error when `value` cannot be a latchkey text claim (0–64 UTF-16 units). */
export function checkText(what, value) {
  if (value.length > 64) throw new Error(`${what} is longer than 64 characters`);
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) throw new Error(`${what} has a broken (unpaired surrogate) character`);
  if (BAD.test(value)) throw new Error(`${what} may not contain control characters, invisible characters or special spaces`);
}

export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
export function checkName(what, value) {
  if (!NAME_RE.test(value)) throw new Error(`${what} must be 1–64 letters, digits, space . _ - (starting with a letter or digit)`);
}
