// PASERK k4.public and k4.pid, and the fingerprint latchkey prints for a key.
import { blake2b } from "./blake2b.js";
import { encode, decode, utf8 } from "./b64url.js";

export const PID_RE = /^k4\.pid\.[A-Za-z0-9_-]{44}$/;

export const k4Public = (raw) => "k4.public." + encode(raw);

/** The raw 32 bytes of a k4.public text; throws when it is not one. */
export function rawOf(k4PublicText) {
  const m = /^k4\.public\.([A-Za-z0-9_-]{43})$/.exec(k4PublicText ?? "");
  if (!m) throw new Error("not a k4.public key");
  const raw = decode(m[1]);
  if (raw.length !== 32) throw new Error("not a 32-byte key");
  return raw;
}

export function isK4Public(text) {
  try { rawOf(text); return true; } catch { return false; }
}

/** k4.pid: BLAKE2b-264 over "k4.pid." followed by the k4.public text. */
export const k4Pid = (k4PublicText) => "k4.pid." + encode(blake2b(utf8("k4.pid." + k4PublicText), 33));

/** First 16 bytes of SHA-256 of the raw key, as 8 groups of 4 hex digits. */
export async function fingerprint(k4PublicText) {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", rawOf(k4PublicText)));
  const hex = [...d.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return hex.replace(/(.{4})(?!$)/g, "$1 ");
}

export async function importPublic(k4PublicText) {
  return crypto.subtle.importKey("raw", rawOf(k4PublicText), { name: "Ed25519" }, true, ["verify"]);
}
