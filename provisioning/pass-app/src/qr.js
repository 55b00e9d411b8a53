// QR codes as SVG built with the DOM (presentation attributes only: CSP allows them).
import qrcode from "qrcode-generator";

const SVG = "http://www.w3.org/2000/svg";

/** An <svg> of `text` (byte mode, error correction `ecl`), with a 4-module quiet zone. */
export function qrSvg(text, ecl = "L", label = "QR code") {
  const q = qrcode(0, ecl);
  q.addData(text, "Byte");
  q.make();
  const n = q.getModuleCount(), size = n + 8;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.setAttribute("class", "qr");
  const bg = document.createElementNS(SVG, "rect");
  bg.setAttribute("width", size); bg.setAttribute("height", size); bg.setAttribute("fill", "#fff");
  svg.append(bg);
  let d = "";
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n;) {
      if (!q.isDark(r, c)) { c++; continue; }
      let e = c;
      while (e < n && q.isDark(r, e)) e++;
      d += `M${c + 4} ${r + 4}h${e - c}v1h${c - e}z`;
      c = e;
    }
  }
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d); path.setAttribute("fill", "#000");
  svg.append(path);
  svg.dataset.modules = String(n);
  return svg;
}
