// Camera QR reading: BarcodeDetector where the browser has it, else jsQR on canvas frames.
import jsQR from "jsqr";

/**
 * Starts the back camera in `video` and calls onText(text) once with the first QR read.
 * Returns a stop() function; the camera is stopped after a read or on stop().
 */
export async function startScan(video, onText) {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error("this browser gives no camera access here (an https page is needed)");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  let stopped = false, timer = 0;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    stream.getTracks().forEach((t) => t.stop());
    video.srcObject = null;
  };
  video.muted = true;
  video.playsInline = true;
  video.setAttribute("playsinline", "");
  video.srcObject = stream;
  try { await video.play(); } catch (e) { stop(); throw e; }
  let detector = null;
  if ("BarcodeDetector" in window) {
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch { detector = null; }
  }
  const canvas = document.createElement("canvas");
  const g = canvas.getContext("2d", { willReadFrequently: true });
  const tick = async () => {
    if (stopped) return;
    let text = null;
    try {
      if (video.videoWidth) {
        if (detector) {
          const r = await detector.detect(video);
          if (r.length) text = r[0].rawValue;
        } else {
          canvas.width = video.videoWidth; canvas.height = video.videoHeight;
          g.drawImage(video, 0, 0);
          const r = jsQR(g.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height, { inversionAttempts: "attemptBoth" });
          if (r) text = r.data;
        }
      }
    } catch { detector = null; } // a detector that fails falls back to jsQR
    if (stopped) return;
    if (text) { stop(); onText(text); return; }
    timer = setTimeout(tick, 150);
  };
  tick();
  return stop;
}
