// PASETO v4.public with latchkey's footer {"kid":"k4.pid.…"} and an empty implicit assertion.
import { encode, decode, utf8, fromUtf8, concat } from "./b64url.js";
import { k4Pid, importPublic } from "./paserk.js";

const HEADER = "v4.public.";

function le64(n) {
  const b = new Uint8Array(8);
  for (let i = 0; i < 8; i++) { b[i] = n % 256; n = Math.floor(n / 256); }
  b[7] &= 127;
  return b;
}

/** Pre-authentication encoding: LE64 count, then LE64 length and bytes of each piece. */
export function pae(...pieces) {
  return concat(le64(pieces.length), ...pieces.flatMap((p) => [le64(p.length), p]));
}

export class DocError extends Error {
  constructor(reason, detail) { super(detail); this.reason = reason; }
  toString() { return this.reason + ": " + this.message; }
}

/** Signs the exact payload text; `footer` is the footer text ({"kid":"…"} for latchkey). */
export async function signWithFooter(privateKey, payloadText, footerText) {
  const m = utf8(payloadText), f = utf8(footerText);
  const sig = new Uint8Array(await crypto.subtle.sign("Ed25519", privateKey, pae(utf8(HEADER), m, f, new Uint8Array(0))));
  return HEADER + encode(concat(m, sig)) + (f.length ? "." + encode(f) : "");
}

export const sign = (privateKey, payloadText, kid) => signWithFooter(privateKey, payloadText, '{"kid":"' + kid + '"}');

/** Splits a token (one trailing line end dropped); nothing is verified. */
export function parse(text) {
  const t = String(text ?? "").replace(/(\r\n|\n|\r)$/, "");
  if (t.length > 16384) throw new DocError("MALFORMED", "too long");
  if (!/^[\x21-\x7e]+$/.test(t)) throw new DocError("MALFORMED", "not a token: spaces, line breaks or other characters inside");
  const parts = t.split(".");
  if (parts.length !== 4 || parts[0] !== "v4" || parts[1] !== "public") {
    throw new DocError("MALFORMED", "not a v4.public token with a footer");
  }
  let body, footer;
  try { body = decode(parts[2]); footer = decode(parts[3]); } catch (e) {
    throw new DocError("MALFORMED", "not canonical unpadded base64url");
  }
  if (body.length < 64) throw new DocError("MALFORMED", "too short for a signature");
  let footerText;
  try { footerText = fromUtf8(footer); } catch { throw new DocError("MALFORMED", "footer is not UTF-8"); }
  const kid = /^\{"kid":"(k4\.pid\.[A-Za-z0-9_-]{44})"\}$/.exec(footerText);
  if (!kid) throw new DocError("MALFORMED", 'the footer is not {"kid":"k4.pid.…"}');
  const message = body.subarray(0, body.length - 64);
  return { text: t, message, signature: body.subarray(body.length - 64), footer, kid: kid[1] };
}

/** The payload as a JSON object (not verified). */
export function claimsOf(token, what = "token") {
  let c;
  try { c = JSON.parse(fromUtf8(token.message)); } catch { throw new DocError("MALFORMED", what + ": the payload is not UTF-8 JSON"); }
  if (c === null || typeof c !== "object" || Array.isArray(c)) throw new DocError("MALFORMED", what + ": the payload is not a JSON object");
  return c;
}

/** Verifies `token` (from parse) with k4PublicText, whose pid must be the footer's kid. Returns the claims. */
export async function verify(token, k4PublicText, what = "token") {
  let pid;
  try { pid = k4Pid(k4PublicText); } catch { throw new DocError("MALFORMED", what + ": the key is not a k4.public key"); }
  if (token.kid !== pid) throw new DocError("BAD_SIGNATURE", what + ": the footer names another key (" + token.kid + ")");
  const key = await importPublic(k4PublicText);
  const ok = await crypto.subtle.verify("Ed25519", key, token.signature, pae(utf8(HEADER), token.message, token.footer, new Uint8Array(0)));
  if (!ok) throw new DocError("BAD_SIGNATURE", what + ": the signature does not verify");
  return claimsOf(token, what);
}
