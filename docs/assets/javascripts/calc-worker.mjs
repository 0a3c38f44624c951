// The calculators' runtime: calc/ in Pyodide, off the page's main thread. Runs as a module
// SharedWorker (one runtime for every tab of the site) or, where the browser has none, as a
// dedicated module Worker; calc-runtime.js is its only client. Each client (a SharedWorker port,
// or the dedicated worker's own scope) sends {type: "init", pyodideURL, manifestURL} once, then
// {type: "request", id, request}. The worker answers
//   {type: "hello", lock}                  the Web Lock it holds while alive (clients watch it)
//   {type: "status", phase, loaded, total} while starting ("download", "start")
//   {type: "ready", timing} | {type: "failed", message}   the runtime started, or could not
//   {type: "answer", id, answer}           calc.handle's answer, or an error answer of the same
//                                          shape when the request could not be handed to calc
// Every URL is absolute, computed by calc-runtime.js from its own location, so the site works
// under any subpath.
//
// Start: the build ships a memory snapshot of Pyodide taken after calc/ was imported and its
// defaults read (tools/make_snapshot.mjs). Every visit restores it: a first visit downloads it
// while the wasm compiles (and keeps it inflated in Cache Storage for the next), which skips
// Python's whole start-up. The snapshot comes with the trimmed standard library it was made on.
// Any problem with it falls back to the plain start on Pyodide's whole standard library.
import { startFromSnapshot, startPlain, warmUp } from "./calc-pyodide.mjs";

const SNAPSHOT_CACHE = "calc-pyodide-snapshot";
const PROGRESS_STEP_BYTES = 256 * 1024;

const clients = new Set();
let config = null;
let runtime = null; // Promise of { handle, timing } once a client has asked
let lastStatus = null;
let lockName = null;

function broadcast(message) {
  for (const client of clients) client.postMessage(message);
}

function errorText(error) {
  return String(error && error.message ? error.message : error);
}

async function fetchOk(url, what, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status}`);
  return response;
}

// ------------------------------------------------------------------ progress
// Bytes of the files the start downloads, counted as they arrive: while starting, the worker's
// fetch (ours and Pyodide's own: the wasm, the stdlib zip) passes each response of the runtime's
// folders through a counter. The two Pyodide modules come by import(), which no one can count;
// the build leaves them out of the total (macros/site_assets.py).
function makeProgress(total) {
  const progress = { loaded: 0, total, shownAt: -Infinity };
  progress.add = (bytes) => {
    progress.loaded = Math.min(progress.total, progress.loaded + bytes);
    if (progress.loaded - progress.shownAt >= PROGRESS_STEP_BYTES || progress.loaded === progress.total) {
      progress.shownAt = progress.loaded;
      status("download", progress);
    }
  };
  const plainFetch = self.fetch;
  self.fetch = async (input, init) => {
    const response = await plainFetch(input, init);
    const url = new URL(String(input && input.url ? input.url : input), self.location.href);
    if (!response.ok || !response.body || !/\/(pyodide|calc)\/[^/]+$/.test(url.pathname)) return response;
    const counter = new TransformStream({
      transform(chunk, controller) {
        progress.add(chunk.length);
        controller.enqueue(chunk);
      },
    });
    const { status: code, statusText, headers } = response;
    return new Response(response.body.pipeThrough(counter), { status: code, statusText, headers });
  };
  progress.stop = () => {
    self.fetch = plainFetch;
  };
  return progress;
}

async function fetchBytes(url, what) {
  return new Uint8Array(await (await fetchOk(url, what)).arrayBuffer());
}

function status(phase, progress) {
  lastStatus = { type: "status", phase, loaded: progress ? progress.loaded : 0, total: progress ? progress.total : 0 };
  broadcast(lastStatus);
}

// ------------------------------------------------------------------ the snapshot
async function gunzip(bytes) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // the server already decoded it
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function cachedSnapshot(url) {
  if (!self.caches) return null;
  try {
    const hit = await (await caches.open(SNAPSHOT_CACHE)).match(url);
    return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
  } catch {
    return null; // storage blocked (private mode, quota): download it
  }
}

// The inflated snapshot, kept for the next visit (only this one).
async function storeSnapshot(url, bytes) {
  if (!self.caches) return false;
  try {
    const cache = await caches.open(SNAPSHOT_CACHE);
    for (const key of await cache.keys()) if (key.url !== url) await cache.delete(key);
    await cache.put(url, new Response(bytes));
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------ start
async function fromSnapshot(loadPyodide, base, urls, manifest, wheel, progress, marks) {
  if (!urls.snapshot || !urls.stdlib || typeof DecompressionStream === "undefined") {
    throw new Error("no snapshot shipped");
  }
  const cached = await cachedSnapshot(urls.snapshot);
  if (cached) progress.add(manifest.sizes?.snapshot || 0);
  marks.cache_checked = performance.now();
  const snapshot = (cached ? Promise.resolve(cached) : fetchBytes(urls.snapshot, "snapshot").then(gunzip))
    .then((bytes) => { marks.snapshot_bytes = performance.now(); return bytes; });
  const createModule = import(base + "pyodide.asm.mjs").then((module) => module.default);
  const started = await startFromSnapshot(loadPyodide, {
    indexURL: base,
    wheel,
    snapshot,
    stdLibURL: urls.stdlib,
    createModule: async (settings) => (await createModule)(settings),
  });
  marks.restored = performance.now();
  status("start", progress);
  // After a restore the defaults answer at once; a refusal means the interpreter is not sound.
  warmUp(started.handle, manifest.warmup, true);
  marks.warm = performance.now();
  return { ...started, store: cached ? null : await snapshot };
}

async function start({ pyodideURL, manifestURL }) {
  const t0 = performance.now();
  const marks = {};
  const manifestPromise = fetchOk(manifestURL, "calc manifest", { cache: "no-cache" }).then((r) => r.json());
  const { loadPyodide } = await import(pyodideURL + "pyodide.mjs");
  const manifest = await manifestPromise;
  const at = (name) => (name ? new URL(name, manifestURL).href : null);
  const base = manifest.pyodide ? at(manifest.pyodide) : pyodideURL;
  const urls = { snapshot: at(manifest.snapshot), stdlib: at(manifest.stdlib) };
  const progress = makeProgress(manifest.sizes?.first_visit || 0);
  status("download", progress);
  const wheel = fetchBytes(at(manifest.wheel), "calc wheel");
  let mode = "snapshot";
  let started = null;
  try {
    started = await fromSnapshot(loadPyodide, base, urls, manifest, wheel, progress, marks);
  } catch (error) {
    mode = `plain (snapshot not usable: ${errorText(error)})`;
  }
  const t1 = performance.now();
  if (!started) {
    status("start", progress);
    started = await startPlain(loadPyodide, { indexURL: base, wheel });
    warmUp(started.handle, manifest.warmup, false);
  }
  progress.stop();
  const t2 = performance.now();
  const timing = { start: mode, snapshot_ms: t1 - t0, plain_ms: t2 - t1, total_ms: t2 - t0, marks: {} };
  for (const [key, at] of Object.entries(marks)) timing.marks[key] = Math.round(at - t0);
  return { handle: started.handle, timing, store: started.store, snapshotURL: urls.snapshot };
}

function ensureStarted() {
  if (runtime) return runtime;
  runtime = start(config);
  runtime.then(
    ({ timing, store, snapshotURL }) => {
      lastStatus = { type: "ready", timing };
      broadcast(lastStatus);
      if (store) storeSnapshot(snapshotURL, store).then((stored) => broadcast({ type: "snapshot", stored }));
    },
    (error) => {
      lastStatus = { type: "failed", message: errorText(error) };
      broadcast(lastStatus);
    },
  );
  return runtime;
}

// ------------------------------------------------------------------ requests
function errorAnswer(message) {
  return { ok: false, errors: [{ field: "", message }] };
}

// The request as the text calc.handle_json reads; null when it is none.
function requestText(request) {
  if (typeof request === "string") return request;
  try {
    const text = JSON.stringify(request);
    return typeof text === "string" ? text : null;
  } catch {
    return null; // a cyclic object, a BigInt
  }
}

async function answer(request) {
  const { handle } = await runtime;
  const text = requestText(request);
  if (text === null) return errorAnswer("The request is not a JSON object, so there is nothing to calculate.");
  try {
    return JSON.parse(handle(text));
  } catch (error) {
    // calc.handle_json never raises: this is Pyodide itself failing. Start a new interpreter for
    // the next request; this one answers in words.
    runtime = null;
    ensureStarted();
    return errorAnswer(`The calculator stopped while working this out (${errorText(error)}); it is restarting.`);
  }
}

async function onMessage(client, message) {
  if (!message || typeof message !== "object") return;
  if (message.type === "init") {
    config = config || { pyodideURL: message.pyodideURL, manifestURL: message.manifestURL };
    if (lockName) client.postMessage({ type: "hello", lock: lockName });
    if (lastStatus) client.postMessage(lastStatus);
    ensureStarted();
  } else if (message.type === "request") {
    let reply;
    try {
      await ensureStarted();
      reply = await answer(message.request);
    } catch (error) {
      client.postMessage({ type: "failed", message: errorText(error) });
      return;
    }
    client.postMessage({ type: "answer", id: message.id, answer: reply });
  } else if (message.type === "close") {
    // A worker that dies (a crash, the browser ending it): the browser tests close it this way.
    self.close();
  }
}

function addClient(client) {
  clients.add(client);
  client.onmessage = (event) => onMessage(client, event.data);
}

// The Web Lock held while this worker lives: the browser releases it when the worker ends for
// any reason, which tells each client to start a new one.
if (self.navigator && navigator.locks) {
  const name = `calc-worker-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  navigator.locks.request(name, () => {
    lockName = name;
    broadcast({ type: "hello", lock: name });
    return new Promise(() => {});
  });
}

if (typeof SharedWorkerGlobalScope !== "undefined" && self instanceof SharedWorkerGlobalScope) {
  self.onconnect = (event) => {
    const port = event.ports[0];
    addClient(port);
    port.start();
  };
} else {
  addClient(self);
}
