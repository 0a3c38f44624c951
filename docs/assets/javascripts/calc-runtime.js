// The page side of the calculators' runtime: connects to calc-worker.mjs (calc/ in Pyodide, off
// the main thread), posts requests and matches the answers. calculator.js (the forms) uses only
// this small API:
//
//   calcRuntime.start()            start the runtime now (a calculator was touched)
//   calcRuntime.startSoon()        start it when the browser is idle, unless data saving is on
//   calcRuntime.request(request)   -> Promise of calc.handle's answer (request: object or JSON
//                                  text); a request that cannot be answered gets an error answer
//                                  ({ok: false, errors}); the promise rejects only when the
//                                  runtime could not start
//   calcRuntime.state()            "idle" | "starting" | "ready" | "failed"
//   calcRuntime.statusText()       the start's phase in words ("Downloading 3.1 of 9.6 MB…")
//   calcRuntime.onStatus(callback) callback({phase, text}) on every change
//
// One runtime per browser: this script keeps its state on window, so Material's instant
// navigation (which swaps the page without reloading scripts) reuses it, and tabs of the site
// share one worker through a SharedWorker where the browser has one (a dedicated Worker where
// not). A page without calculators never starts it, so it loads no runtime bytes.
//
// No arithmetic and no billing rule here: answers come from calc/ unchanged.
(function () {
  "use strict";
  if (window.calcRuntime) return; // loaded once per document

  var SCRIPT_URL = document.currentScript && document.currentScript.src
    ? document.currentScript.src
    : new URL("assets/javascripts/calc-runtime.js", document.baseURI).href;
  var ASSETS_URL = new URL("../", SCRIPT_URL); // .../assets/
  var WORKER_URL = new URL("javascripts/calc-worker.mjs", ASSETS_URL);
  // Past this the start is called failed (a 2-core PC with a 4x slowdown starts in about 30 s).
  var START_LIMIT_MS = 90000;
  var MAX_RESTARTS = 3;
  var FAILED_SENTENCE =
    "The live calculator could not start in this browser, so the result shown is the one worked out for this page's default inputs when the site was built.";
  var SLOW_SENTENCE =
    "The live calculator could not start within " + START_LIMIT_MS / 1000 + " seconds in this browser, so the result shown is the one worked out for this page's default inputs when the site was built.";

  var endpoint = null; // the worker's port (shared) or the dedicated worker
  var shared = false;
  var state = "idle"; // idle | starting | ready | failed
  var text = "";
  var pending = new Map(); // id -> {request, resolve, reject}
  var nextId = 1;
  var readyWaiters = [];
  var listeners = [];
  var restarts = 0;
  var startTimer = null;

  function emit(phase, words) {
    if (words === text && phase !== "ready" && phase !== "failed") return; // nothing new to say
    text = words;
    listeners.forEach(function (callback) {
      try { callback({ phase: phase, text: words }); } catch (e) { /* a listener's error is its own */ }
    });
  }

  function megabytes(bytes) { return (bytes / 1e6).toFixed(1); }

  function onMessage(event) {
    var msg = event.data || {};
    if (msg.type === "hello") {
      watch(msg.lock);
    } else if (msg.type === "status" && state === "starting") {
      if (msg.phase === "download" && msg.total) {
        emit("download", "Downloading the calculator: " + megabytes(msg.loaded) + " of " + megabytes(msg.total) + " MB…");
      } else if (msg.phase === "start") {
        emit("start", "Starting Python…");
      }
    } else if (msg.type === "ready") {
      ready(msg.timing);
    } else if (msg.type === "snapshot") {
      window.calcTiming.snapshotStored = msg.stored; // kept for the next visit's start
    } else if (msg.type === "failed") {
      failed(msg.message, FAILED_SENTENCE);
    } else if (msg.type === "answer" && pending.has(msg.id)) {
      pending.get(msg.id).resolve(msg.answer);
      pending.delete(msg.id);
    }
  }

  function ready(timing) {
    if (state === "ready") return;
    clearTimeout(startTimer);
    state = "ready";
    window.calcTiming.ready = performance.now();
    window.calcTiming.worker = timing;
    window.calcTiming.shared = shared;
    readyWaiters.splice(0).forEach(function (w) { w.resolve(); });
    emit("ready", "");
    document.dispatchEvent(new CustomEvent("calc:ready"));
  }

  function connect() {
    var init = {
      type: "init",
      pyodideURL: new URL("pyodide/", ASSETS_URL).href,
      manifestURL: new URL("calc/manifest.json", ASSETS_URL).href,
    };
    if (typeof SharedWorker === "function" && !window.calcNoSharedWorker) {
      try {
        var worker = new SharedWorker(WORKER_URL, { type: "module", name: "calc" });
        worker.onerror = function () { if (shared) fallBackToDedicated(init); };
        endpoint = worker.port;
        shared = true;
        endpoint.onmessage = onMessage;
        endpoint.start();
        endpoint.postMessage(init);
        return;
      } catch (e) { /* no module SharedWorker here: a dedicated worker */ }
    }
    dedicated(init);
  }

  function dedicated(init) {
    shared = false;
    endpoint = new Worker(WORKER_URL, { type: "module" });
    endpoint.onmessage = onMessage;
    endpoint.onerror = function (event) {
      event.preventDefault();
      if (state !== "ready") failed("worker error", FAILED_SENTENCE);
    };
    endpoint.postMessage(init);
  }

  function fallBackToDedicated(init) {
    if (endpoint && endpoint.close) endpoint.close();
    dedicated(init);
    resend();
  }

  // The worker holds a Web Lock while it lives; the browser releases it when the worker ends
  // for any reason (a crash, out of memory), and then this client starts a new one.
  function watch(lock) {
    if (!navigator.locks || !lock) return;
    var watched = endpoint;
    navigator.locks.request(lock, function () {
      if (endpoint === watched && state !== "failed") restart();
    });
  }

  function restart() {
    if (restarts >= MAX_RESTARTS) { failed("the worker kept stopping", FAILED_SENTENCE); return; }
    restarts++;
    window.calcTiming.restarts = restarts;
    if (endpoint && endpoint.terminate) endpoint.terminate();
    endpoint = null;
    if (state === "ready") state = "starting";
    connect();
    resend();
  }

  function resend() {
    pending.forEach(function (p, id) { post(id, p.request); });
  }

  function start() {
    if (state !== "idle") return;
    state = "starting";
    window.calcTiming = { start: performance.now() };
    emit("starting", "Starting the calculator…");
    startTimer = setTimeout(function () {
      if (state === "starting") failed("no answer within " + START_LIMIT_MS + " ms", SLOW_SENTENCE);
    }, START_LIMIT_MS);
    try {
      connect();
    } catch (e) {
      failed("worker: " + e, FAILED_SENTENCE);
    }
  }

  // Once the page is idle, unless the browser asks to save data (then only a touch starts it).
  function startSoon() {
    if (state !== "idle" || (navigator.connection && navigator.connection.saveData)) return;
    if (window.requestIdleCallback) window.requestIdleCallback(start, { timeout: 3000 });
    else setTimeout(start, 500);
  }

  function failed(reason, sentence) {
    clearTimeout(startTimer);
    state = "failed";
    window.calcTiming = Object.assign(window.calcTiming || {}, { failed: String(reason) });
    if (endpoint && endpoint.terminate) endpoint.terminate();
    else if (endpoint && endpoint.close) endpoint.close();
    readyWaiters.splice(0).forEach(function (w) { w.reject(new Error(reason)); });
    pending.forEach(function (p) { p.reject(new Error(reason)); });
    pending.clear();
    emit("failed", sentence);
  }

  function whenReady() {
    if (state === "ready") return Promise.resolve();
    if (state === "failed") return Promise.reject(new Error("failed"));
    start();
    return new Promise(function (resolve, reject) { readyWaiters.push({ resolve: resolve, reject: reject }); });
  }

  function post(id, request) {
    try {
      endpoint.postMessage({ type: "request", id: id, request: request });
    } catch (e) {
      // Not cloneable (a function, a DOM node): its own error answer; the runtime is fine.
      pending.get(id).resolve({ ok: false, errors: [{ field: "", message: "The request could not be sent to the calculator: " + e.message }] });
      pending.delete(id);
    }
  }

  function request(req) {
    return whenReady().then(function () {
      return new Promise(function (resolve, reject) {
        var id = nextId++;
        pending.set(id, { request: req, resolve: resolve, reject: reject });
        post(id, req);
      });
    });
  }

  function init() {
    if (document.querySelector("[data-calc]")) startSoon();
  }

  window.calcRuntime = {
    start: start,
    startSoon: startSoon,
    request: request,
    state: function () { return state; },
    statusText: function () { return text; },
    onStatus: function (callback) { listeners.push(callback); },
  };
  // For the browser tests and bench/browser.py: calc.handle as the page's calculators use it.
  window.calcHandle = request;

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); // every page, also after instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
