// Module Web Worker: runs calc/ in Pyodide off the page's main thread, so the page never
// freezes while Python starts. calculator.js sends {type: "init", pyodideURL, manifestURL}
// once, then {type: "request", id, request}; each request is answered with calc.handle's JSON
// answer, unchanged. Every URL is absolute, computed by calculator.js from its own location,
// so the site works under any subpath.
//
// Lean start: no Pyodide packages are loaded (calc/ is standard library only); the calc wheel
// is unpacked straight onto sys.path. The Pyodide files and the wheel are served with the
// site (macros/site_assets.py); the wheel's name carries a hash of its content.

let handle = null;
let ready = null;

async function fetchBytes(url, what) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status}`);
  return response;
}

async function start({ pyodideURL, manifestURL }) {
  const t0 = performance.now();
  const manifestPromise = fetchBytes(manifestURL, "calc manifest").then((r) => r.json());
  const { loadPyodide } = await import(pyodideURL + "pyodide.mjs");
  const manifest = await manifestPromise;
  const base = manifest.pyodide ? new URL(manifest.pyodide, manifestURL).href : pyodideURL;
  // The wheel download runs while Pyodide starts.
  const wheelPromise = fetch(new URL(manifest.wheel, manifestURL)).then((r) => {
    if (!r.ok) throw new Error(`calc wheel: HTTP ${r.status}`);
    return r.arrayBuffer();
  });
  const pyodide = await loadPyodide({ indexURL: base, fullStdLib: false });
  const t1 = performance.now();
  pyodide.unpackArchive(await wheelPromise, "zip", { extractDir: "/calc-wheel" });
  handle = pyodide.runPython(`
import json, sys
sys.path.insert(0, "/calc-wheel")
import calc

def _handle_json(text):
    return json.dumps(calc.handle(json.loads(text)))

_handle_json
`);
  const t2 = performance.now();
  for (const request of manifest.warmup || []) handle(JSON.stringify(request));
  const t3 = performance.now();
  return { pyodide_ms: t1 - t0, calc_import_ms: t2 - t1, warmup_ms: t3 - t2 };
}

self.onmessage = async (event) => {
  const message = event.data || {};
  if (message.type === "init" && !ready) {
    ready = start(message);
    ready.then(
      (timing) => self.postMessage({ type: "ready", timing }),
      (error) => self.postMessage({ type: "failed", message: String(error && error.message ? error.message : error) }),
    );
  } else if (message.type === "request") {
    try {
      await ready;
      // A request may come as JSON text: JavaScript numbers cannot tell 40.0 from 40.
      const text = typeof message.request === "string" ? message.request : JSON.stringify(message.request);
      const answer = JSON.parse(handle(text));
      self.postMessage({ type: "answer", id: message.id, answer });
    } catch (error) {
      // calc.handle never raises; this is Pyodide itself failing. The page says so in words.
      self.postMessage({ type: "failed", message: String(error && error.message ? error.message : error) });
    }
  }
};
