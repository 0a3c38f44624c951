// Module Web Worker: runs calc/ in Pyodide off the page's main thread, so the page never
// freezes while Python starts. calculator.js sends {type: "init", pyodideURL, manifestURL}
// once, then {type: "request", id, request}; each request is answered with calc.handle's JSON
// answer, unchanged. Every URL is absolute, computed by calculator.js from its own location,
// so the site works under any subpath.
//
// Lean start: no Pyodide packages are loaded (calc/ is standard library only); the calc wheel
// is unpacked straight onto sys.path. The Pyodide files and the wheel are served with the
// site (macros/site_assets.py); the wheel's name carries a hash of its content.
//
// Fast start: the site may also ship a memory snapshot of Pyodide taken at build time after
// calc/ was imported and its data read (tools/make_snapshot.mjs). A first visit starts the
// plain way and then stores the snapshot in the browser's Cache Storage; later visits restore
// it, which skips Python's whole start-up. Any problem with the snapshot falls back to the
// plain start.

const CALC_SETUP = `
import sys
sys.path.insert(0, "/calc-wheel")
# handle_json guards the text (nesting depth, not JSON) before json.loads, whose recursion on
# a crafted "[[[[..." request would kill Pyodide instead of answering an error.
from calc import handle_json as _handle_json
`;
const SNAPSHOT_CACHE = "calc-pyodide-snapshot";
const LEAN = { fullStdLib: false, packages: [] };

let handle = null;
let ready = null;

async function fetchOk(url, what, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status}`);
  return response;
}

function errorText(error) {
  return String(error && error.message ? error.message : error);
}

// ------------------------------------------------------------------ the snapshot
async function gunzip(bytes) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // the server already decoded it
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function cachedSnapshot(url) {
  if (!url || !self.caches) return null;
  try {
    const hit = await (await caches.open(SNAPSHOT_CACHE)).match(url);
    return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
  } catch {
    return null; // storage blocked (private mode, quota): start the plain way
  }
}

// After a plain start: fetch the snapshot for the next visit and keep only this one.
async function storeSnapshot(url) {
  if (!url || !self.caches || typeof DecompressionStream === "undefined") return false;
  try {
    const bytes = await gunzip(new Uint8Array(await (await fetchOk(url, "snapshot")).arrayBuffer()));
    const cache = await caches.open(SNAPSHOT_CACHE);
    for (const key of await cache.keys()) if (key.url !== url) await cache.delete(key);
    await cache.put(url, new Response(bytes));
    return true;
  } catch {
    return false;
  }
}

async function restore(loadPyodide, base, snapshot) {
  const create = (await import(base + "pyodide.asm.mjs")).default;
  // Pyodide 314.0.x ignores the heap size it asks for (pyodide issue 6254): grow the heap
  // so the snapshot fits before Pyodide copies it in.
  const createPyodideModule = async (settings) => {
    const module = await create(settings);
    if (module.HEAP8.length < snapshot.length) module._free(module._malloc(snapshot.length));
    return module;
  };
  return loadPyodide({ indexURL: base, ...LEAN, _loadSnapshot: snapshot, createPyodideModule });
}

// ------------------------------------------------------------------ start
async function start({ pyodideURL, manifestURL }) {
  const t0 = performance.now();
  const manifestPromise = fetchOk(manifestURL, "calc manifest", { cache: "no-cache" }).then((r) => r.json());
  const { loadPyodide } = await import(pyodideURL + "pyodide.mjs");
  const manifest = await manifestPromise;
  const base = manifest.pyodide ? new URL(manifest.pyodide, manifestURL).href : pyodideURL;
  const snapshotURL = manifest.snapshot ? new URL(manifest.snapshot, manifestURL).href : null;
  // The wheel download runs while Pyodide starts.
  const wheelPromise = fetchOk(new URL(manifest.wheel, manifestURL), "calc wheel").then((r) => r.arrayBuffer());
  const snapshot = await cachedSnapshot(snapshotURL);
  let start = "plain";
  let pyodide = null;
  if (snapshot) {
    try {
      pyodide = await restore(loadPyodide, base, snapshot);
      // calc/ is imported already; its files go on disk too, for anything it reads later.
      pyodide.unpackArchive(await wheelPromise, "zip", { extractDir: "/calc-wheel" });
      handle = pyodide.globals.get("_handle_json");
      warmUp(manifest, true);
      start = "snapshot";
    } catch (error) {
      start = `plain (snapshot not usable: ${errorText(error)})`;
      pyodide = null;
    }
  }
  const t1 = performance.now();
  if (!pyodide) {
    pyodide = await loadPyodide({ indexURL: base, ...LEAN });
    pyodide.unpackArchive(await wheelPromise, "zip", { extractDir: "/calc-wheel" });
    pyodide.runPython(CALC_SETUP);
    handle = pyodide.globals.get("_handle_json");
    warmUp(manifest, false);
  }
  const t2 = performance.now();
  return { timing: { start, snapshot_ms: t1 - t0, plain_ms: t2 - t1, total_ms: t2 - t0 },
           store: start === "snapshot" ? null : snapshotURL };
}

// The calculators' default requests, answered once: calc/ reads its data now, not on the
// first real calculation. After a snapshot restore this is quick, and a refusal means the
// restored interpreter is not sound (strict): the plain start takes over.
function warmUp(manifest, strict) {
  for (const request of manifest.warmup || []) {
    const answer = JSON.parse(handle(JSON.stringify(request)));
    if (strict && !answer.ok) throw new Error(`warm-up request refused: ${JSON.stringify(answer.errors)}`);
  }
}

self.onmessage = async (event) => {
  const message = event.data || {};
  if (message.type === "init" && !ready) {
    ready = start(message);
    ready.then(
      ({ timing, store }) => {
        self.postMessage({ type: "ready", timing });
        if (store) storeSnapshot(store).then((stored) => self.postMessage({ type: "snapshot", stored }));
      },
      (error) => self.postMessage({ type: "failed", message: errorText(error) }),
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
      self.postMessage({ type: "failed", message: errorText(error) });
    }
  }
};
