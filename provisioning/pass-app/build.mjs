// node build.mjs: src/ -> dist/ (flat), deterministic: same inputs give byte-identical files.
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, "src"), dist = join(root, "dist");
process.chdir(root); // paths enter the bundle: always build from the project directory

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

await esbuild.build({
  entryPoints: ["src/app.js"], bundle: true, minify: true, format: "esm", target: "es2022",
  outfile: "dist/app.js", legalComments: "eof", charset: "utf8", logLevel: "warning",
});

const COPIED = ["index.html", "app.css", "manifest.webmanifest", "icon.svg"];
for (const f of COPIED) writeFileSync(join(dist, f), readFileSync(join(src, f)));

// The service worker's cache name carries a hash of every file it caches, so a new build replaces it.
const h = createHash("sha256");
for (const f of ["app.js", ...COPIED]) {
  const b = readFileSync(join(dist, f));
  h.update(f + "\0" + b.length + "\0").update(b);
}
const hash = h.digest("hex").slice(0, 16);
const sw = readFileSync(join(src, "sw.js"), "utf8");
if (!sw.includes("__BUILD_HASH__")) throw new Error("src/sw.js lacks __BUILD_HASH__");
writeFileSync(join(dist, "sw.js"), sw.replace("__BUILD_HASH__", hash));
console.log("built dist/ (cache latchkey-pass-" + hash + ")");
