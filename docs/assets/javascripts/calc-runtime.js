// The page side of the calculators' runtime: starts calc-worker.mjs (calc/ in Pyodide, off the
// main thread), posts requests and matches the answers. calculator.js (the forms) uses only
// this small API:
//
//   calcRuntime.start()            start the runtime now (idempotent)
//   calcRuntime.request(request)   -> Promise of calc.handle's answer (request: object or JSON text)
//   calcRuntime.state()            "idle" | "starting" | "ready" | "failed"
//   calcRuntime.onStatus(callback) callback({phase, message}) on every change of state
//
// No arithmetic and no billing rule here: answers come from calc/ unchanged.
(function () {
  "use strict";
  if (window.calcRuntime) return; // loaded once per document

  var SCRIPT_URL = document.currentScript && document.currentScript.src
    ? document.currentScript.src
    : new URL("assets/javascripts/calc-runtime.js", document.baseURI).href;
  var ASSETS_URL = new URL("../", SCRIPT_URL); // .../assets/

  var worker = null;
  var workerState = "idle"; // idle | starting | ready | failed
  var pending = new Map();
  var nextId = 1;
  var readyWaiters = [];
  var listeners = [];

  function emit(status) {
    listeners.forEach(function (callback) {
      try { callback(status); } catch (e) { /* a listener's error is its own */ }
    });
  }

  function start() {
    if (worker || workerState === "failed") return;
    workerState = "starting";
    window.calcTiming = { start: performance.now() };
    emit({ phase: "starting" });
    try {
      worker = new Worker(new URL("javascripts/calc-worker.mjs", ASSETS_URL), { type: "module" });
    } catch (e) {
      failed("worker: " + e);
      return;
    }
    worker.onmessage = function (event) {
      var msg = event.data || {};
      if (msg.type === "ready") {
        workerState = "ready";
        window.calcTiming.ready = performance.now();
        window.calcTiming.worker = msg.timing;
        readyWaiters.splice(0).forEach(function (w) { w.resolve(); });
        emit({ phase: "ready" });
        document.dispatchEvent(new CustomEvent("calc:ready"));
      } else if (msg.type === "snapshot") {
        window.calcTiming.snapshotStored = msg.stored; // cached for the next visit's fast start
      } else if (msg.type === "failed") {
        failed(msg.message);
      } else if (msg.type === "answer" && pending.has(msg.id)) {
        pending.get(msg.id).resolve(msg.answer);
        pending.delete(msg.id);
      }
    };
    worker.onerror = function (event) {
      event.preventDefault();
      failed("worker error");
    };
    worker.postMessage({
      type: "init",
      pyodideURL: new URL("pyodide/", ASSETS_URL).href,
      manifestURL: new URL("calc/manifest.json", ASSETS_URL).href,
    });
  }

  function failed(reason) {
    workerState = "failed";
    window.calcTiming = Object.assign(window.calcTiming || {}, { failed: String(reason) });
    if (worker) worker.terminate();
    readyWaiters.splice(0).forEach(function (w) { w.reject(new Error(reason)); });
    pending.forEach(function (p) { p.reject(new Error(reason)); });
    pending.clear();
    emit({ phase: "failed", message: String(reason) });
  }

  function whenReady() {
    if (workerState === "ready") return Promise.resolve();
    if (workerState === "failed") return Promise.reject(new Error("failed"));
    start();
    return new Promise(function (resolve, reject) { readyWaiters.push({ resolve: resolve, reject: reject }); });
  }

  function request(req) {
    return whenReady().then(function () {
      return new Promise(function (resolve, reject) {
        var id = nextId++;
        pending.set(id, { resolve: resolve, reject: reject });
        worker.postMessage({ type: "request", id: id, request: req });
      });
    });
  }

  window.calcRuntime = {
    start: start,
    request: request,
    state: function () { return workerState; },
    onStatus: function (callback) { listeners.push(callback); },
  };
  // For the browser tests and bench/browser.py: calc.handle as the page's calculators use it.
  window.calcHandle = request;
})();
