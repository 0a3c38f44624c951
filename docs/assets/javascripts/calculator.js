// Live calculators: carries a form's inputs to calc.handle (running in Pyodide in a module Web
// Worker, calc-worker.mjs, reached through calc-runtime.js) and renders its answer. No
// arithmetic and no billing rule here: the numbers, the rules and the wording of every answer
// and error come from calc/.
//
// The page already shows the answer for the default inputs (macros/calculators.py, at build
// time); calc-runtime.js starts Pyodide once the page is idle or a calculator is touched. Inputs
// are mirrored in the query string ("<calculator>.<field>=value") so a link restores them.
// Query-string values and answers are only ever set as text (textContent, input values).
(function () {
  "use strict";

  var FAILED_SENTENCE =
    "The live calculator could not start in this browser, so the result shown is the one worked out for this page's default inputs when the site was built.";
  var DEBOUNCE_MS = 150;

  // ------------------------------------------------------------------ the runtime
  // calc-runtime.js starts the worker and carries requests and answers.
  var runtime = window.calcRuntime;
  var waiting = new Set(); // calculators whose status shows the runtime's start
  function startWorker() { runtime.start(); }
  runtime.onStatus(function (status) {
    if (status.phase === "failed") {
      document.querySelectorAll("[data-calc]").forEach(function (section) {
        showFailure(section);
        setStatus(section, status.text);
      });
    } else if (status.text) {
      waiting.forEach(function (section) { setStatus(section, status.text); });
    }
  });

  // ------------------------------------------------------------------ the form
  function fields(section) {
    return Array.prototype.slice.call(section.querySelectorAll("[data-calc-form] input[name], [data-calc-form] select[name]"));
  }

  function fieldByName(section, name) {
    return fields(section).filter(function (el) { return el.name === name; })[0] || null;
  }

  function isActive(section, el) {
    var holder = el.closest("[data-when]");
    if (!holder) return true;
    var parts = holder.getAttribute("data-when").split("=");
    var other = fieldByName(section, parts[0]);
    return !!other && other.value === parts.slice(1).join("=");
  }

  function applyWhen(section) {
    section.querySelectorAll("[data-when]").forEach(function (holder) {
      var el = holder.querySelector("input, select");
      holder.hidden = !isActive(section, el);
    });
  }

  // The keys of a request path; "{name}" is the value of field "name" taken as one key (null
  // when that field is empty), as in macros/calculators.py _path_keys.
  function pathKeys(section, path) {
    var keys = [];
    var missing = false;
    path.replace(/([^.\[\]]+)|\[(\d+)\]/g, function (_, key, index) {
      var named = index === undefined && /^\{(\w+)\}$/.exec(key);
      if (named) {
        var other = fieldByName(section, named[1]);
        if (!other || other.value === "") missing = true;
        else keys.push(other.value);
      } else {
        keys.push(index !== undefined ? Number(index) : key);
      }
      return "";
    });
    return missing ? null : keys;
  }

  function setPath(target, keys, value) {
    var node = target;
    for (var i = 0; i < keys.length - 1; i++) {
      if (node[keys[i]] === undefined || node[keys[i]] === null) {
        node[keys[i]] = typeof keys[i + 1] === "number" ? [] : {};
      }
      node = node[keys[i]];
    }
    node[keys[keys.length - 1]] = value;
  }

  // The browser twin of macros/calculators.py assemble_request: the fixed part of the request
  // plus each active field at its path; a row (one service) counts only when it is filled in.
  function assembleRequest(section) {
    var form = section.querySelector("[data-calc-form]");
    var request = JSON.parse(form.getAttribute("data-calc-base"));
    var where = {}; // request path -> input, to put calc/'s error messages at the right field
    var rowsUsed = {}; // per row group: billed lines and minutes are numbered apart
    var groups = [];
    Array.prototype.forEach.call(form.children, function (child) {
      if (child.matches("[data-calc-row]")) {
        groups.push({ row: child, els: Array.prototype.slice.call(child.querySelectorAll("input[name], select[name]")) });
      } else if (child.matches(".calc-field")) {
        groups.push({ row: null, els: Array.prototype.slice.call(child.querySelectorAll("input[name], select[name]")) });
      }
    });
    groups.forEach(function (group) {
      var index = null;
      if (group.row) {
        if (!group.els.some(function (el) { return el.type !== "hidden" && el.value !== ""; })) return;
        var name = group.row.getAttribute("data-calc-row");
        index = rowsUsed[name] || 0;
        rowsUsed[name] = index + 1;
      }
      group.els.forEach(function (el) {
        if (el.name.charAt(0) === "_" || !el.hasAttribute("data-path") || !isActive(section, el)) return;
        if (el.hasAttribute("data-optional") && el.value === "") return;
        var value = el.hasAttribute("data-number") && /^\d+$/.test(el.value) ? Number(el.value) : el.value;
        el.getAttribute("data-path").split(/\s+/).forEach(function (path) {
          var concrete = path.replace("[]", "[" + index + "]");
          var keys = pathKeys(section, concrete);
          if (!keys) return;
          setPath(request, keys, value);
          where[keys.map(function (k) { return typeof k === "number" ? "[" + k + "]" : "." + k; }).join("").slice(1)] = el;
        });
      });
    });
    return { request: request, where: where };
  }

  // ------------------------------------------------------------------ query string
  function prefix(section) { return section.getAttribute("data-calc") + "."; }

  function isValidValue(el, value) {
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) { return o.value === value; });
    }
    // An empty value is fine for an optional field and for any field of a row (unused rows).
    if (value === "") return el.hasAttribute("data-optional") || !!el.closest("[data-calc-row]");
    var old = el.value;
    el.value = value;
    var ok = el.checkValidity();
    el.value = old;
    return ok;
  }

  // Restores inputs from the link; answers the names of parameters it ignored.
  function restoreFromQuery(section) {
    var params = new URLSearchParams(location.search);
    var mine = prefix(section);
    var ignored = [];
    var restored = 0;
    params.forEach(function (value, key) {
      if (key.indexOf(mine) !== 0) return;
      var el = fieldByName(section, key.slice(mine.length));
      if (el && el.type !== "hidden" && isValidValue(el, value)) {
        el.value = value;
        restored++;
      } else {
        ignored.push(key);
      }
    });
    return { restored: restored, ignored: ignored };
  }

  function mirrorToQuery(section) {
    var params = new URLSearchParams(location.search);
    var mine = prefix(section);
    Array.from(params.keys()).forEach(function (key) { if (key.indexOf(mine) === 0) params.delete(key); });
    fields(section).forEach(function (el) {
      if (el.type !== "hidden" && isActive(section, el)) params.set(mine + el.name, el.value);
    });
    var query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  // ------------------------------------------------------------------ rendering (text only)
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function cellText(value, key, spec) {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.join(", ");
    if (typeof value === "string" && spec.money.indexOf(key) >= 0) return "$" + value;
    return String(value);
  }

  function lookup(answer, dotted) {
    return dotted.split(".").reduce(function (node, key) {
      return node && typeof node === "object" && key in node ? node[key] : null;
    }, answer);
  }

  function renderAnswer(section, answer) {
    var spec = JSON.parse(section.querySelector("[data-calc-form]").getAttribute("data-calc-spec"));
    var box = el("div");
    box.setAttribute("data-calc-answer", "");
    var facts = spec.facts.filter(function (f) { var v = lookup(answer, f[0]); return v !== null && v !== undefined; });
    if (facts.length) {
      var dl = el("dl", null, "calc-facts");
      facts.forEach(function (f) {
        var pair = el("div");
        pair.appendChild(el("dt", f[1]));
        pair.appendChild(el("dd", lookup(answer, f[0])));
        dl.appendChild(pair);
      });
      box.appendChild(dl);
    }
    var rows = answer[spec.rows || "lines"] || [];
    if (spec.empty && !rows.length) box.appendChild(el("p", spec.empty, "calc-empty"));
    else box.appendChild(linesTable(rows, spec));

    var totals = answer.totals || {};
    var shown = spec.totals.filter(function (t) { return totals[t[0]] !== undefined && totals[t[0]] !== null; });
    if (shown.length) {
      var tl = el("dl", null, "calc-totals");
      shown.forEach(function (t) {
        var pair = el("div");
        pair.appendChild(el("dt", t[1]));
        var dd = el("dd", cellText(totals[t[0]], t[0], spec));
        dd.setAttribute("data-key", t[0]);
        pair.appendChild(dd);
        tl.appendChild(pair);
      });
      box.appendChild(tl);
    }
    if (answer.warnings && answer.warnings.length) {
      var ul = el("ul", null, "calc-warnings");
      answer.warnings.forEach(function (w) { ul.appendChild(el("li", w)); });
      box.appendChild(ul);
    }
    if (answer.steps && answer.steps.length) {
      var old = section.querySelector("[data-calc-answer] details");
      var details = el("details", null, "calc-steps");
      details.open = !!(old && old.open);
      details.appendChild(el("summary", "How this was worked out"));
      var ol = el("ol");
      answer.steps.forEach(function (s) {
        var li = el("li");
        li.appendChild(el("span", s.label, "calc-step-label"));
        var inputs = Object.keys(s.inputs || {}).map(function (k) { return k + " = " + s.inputs[k]; });
        if (inputs.length) {
          li.appendChild(document.createTextNode(" "));
          li.appendChild(el("span", "(" + inputs.join("; ") + ")", "calc-step-inputs"));
        }
        li.appendChild(document.createTextNode(": "));
        li.appendChild(el("strong", s.value));
        ol.appendChild(li);
      });
      details.appendChild(ol);
      box.appendChild(details);
    }
    section.querySelector("[data-calc-answer]").replaceWith(box);
    setStatus(section, summary(answer, spec));
  }

  function linesTable(rows, spec) {
    var table = el("table", null, "calc-lines");
    var headRow = table.createTHead().insertRow();
    spec.columns.forEach(function (c) { var th = el("th", c[1]); th.scope = "col"; headRow.appendChild(th); });
    var body = table.createTBody();
    rows.forEach(function (line) {
      var tr = body.insertRow();
      spec.columns.forEach(function (c) {
        var td = el("td", cellText(line[c[0]], c[0], spec));
        td.setAttribute("data-key", c[0]);
        tr.appendChild(td);
      });
    });
    return table;
  }

  function summary(answer, spec) {
    var rows = answer[spec.rows || "lines"] || [];
    if (spec.announce && spec.announce.length) {
      if (!rows.length) return "Updated: " + spec.empty;
      return "Updated: " + rows.map(function (r) {
        return spec.announce.map(function (k) { return r[k]; }).join(": ");
      }).join(" ");
    }
    var parts = rows.map(function (l) { return l.code + " × " + l.units; });
    var first = spec.totals[0];
    if (spec.money.length && first && answer.totals && answer.totals[first[0]]) {
      parts.push(first[1] + " " + cellText(answer.totals[first[0]], first[0], spec));
    }
    return "Updated: " + parts.join(", ") + ".";
  }

  function setStatus(section, text) {
    section.querySelector("[data-calc-status]").textContent = text;
  }

  function setNotice(section, text) {
    section.querySelector("[data-calc-notice]").textContent = text;
  }

  function clearErrors(section) {
    section.querySelectorAll("[data-calc-error]").forEach(function (span) { span.textContent = ""; });
    fields(section).forEach(function (input) { input.removeAttribute("aria-invalid"); });
  }

  function showErrors(section, errors, where) {
    var loose = [];
    errors.forEach(function (error) {
      var target = where[error.field] || nearest(where, error.field);
      var span = target && target.closest(".calc-field").querySelector("[data-calc-error]");
      if (span) {
        span.textContent = error.message;
        target.setAttribute("aria-invalid", "true");
      } else {
        loose.push(error.message);
      }
    });
    setStatus(section, "Not calculated: " + (loose.length ? loose.join(" ") : "see the message at the field."));
  }

  function nearest(where, field) {
    var best = null;
    Object.keys(where).forEach(function (path) {
      if (path.indexOf(field + ".") === 0 || path.indexOf(field + "[") === 0 || field.indexOf(path) === 0) {
        if (!best || path.length < best.length) best = path;
      }
    });
    return best ? where[best] : null;
  }

  function showFailure(section) {
    setStatus(section, FAILED_SENTENCE);
    section.classList.add("calc--offline");
  }

  // ------------------------------------------------------------------ wiring
  var latest = new WeakMap();

  function calculate(section, mirror) {
    clearErrors(section);
    applyWhen(section);
    var built = assembleRequest(section);
    if (mirror) mirrorToQuery(section);
    if (runtime.state() === "failed") { showFailure(section); return Promise.resolve(); }
    if (runtime.state() !== "ready") {
      runtime.start();
      setStatus(section, runtime.statusText() || "Starting the calculator…");
      waiting.add(section);
    }
    var started = performance.now();
    // Only the newest request's answer is shown: one typed while Pyodide was starting may
    // come back after the user already asked again.
    var asked = (latest.get(section) || 0) + 1;
    latest.set(section, asked);
    return runtime.request(built.request).then(function (answer) {
      waiting.delete(section);
      if (latest.get(section) !== asked) return;
      section.setAttribute("data-calc-ms", String(performance.now() - started));
      if (answer.ok) renderAnswer(section, answer);
      else showErrors(section, answer.errors || [], built.where);
      section.setAttribute("data-calc-state", answer.ok ? "answered" : "refused");
      section.dispatchEvent(new CustomEvent("calc:answer", { bubbles: true, detail: answer }));
    }, function () {
      waiting.delete(section);
      showFailure(section);
      if (runtime.statusText()) setStatus(section, runtime.statusText()); // why, in one sentence
    });
  }

  var observers = [];

  function setup(section) {
    if (section.hasAttribute("data-calc-bound")) return;
    section.setAttribute("data-calc-bound", "");
    var form = section.querySelector("[data-calc-form]");
    var actions = section.querySelector("[data-calc-actions]");
    if (actions) actions.hidden = false;
    var fromLink = restoreFromQuery(section);
    applyWhen(section);
    if (fromLink.ignored.length) {
      setNotice(section, "Ignored from the link (missing or not valid), defaults shown instead: " +
        fromLink.ignored.map(function (k) { return k.slice(0, 40); }).join(", ") + ".");
    }
    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { calculate(section, true); }, DEBOUNCE_MS);
    });
    form.addEventListener("change", function () { applyWhen(section); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      calculate(section, true);
    });
    form.addEventListener("focusin", startWorker);
    form.addEventListener("pointerdown", startWorker);
    var copy = section.querySelector("[data-calc-copy]");
    if (copy) copy.addEventListener("click", function () { copyLink(section); });
    if ("IntersectionObserver" in window) {
      var io = new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) { io.disconnect(); runtime.startSoon(); }
      });
      io.observe(section);
      observers.push(io);
    } else {
      runtime.startSoon();
    }
    if (fromLink.restored) calculate(section, false);
  }

  function copyLink(section) {
    mirrorToQuery(section);
    var url = location.href;
    var done = function () { setNotice(section, "Link copied."); };
    var fallback = function () { setNotice(section, "Copy this link: " + url); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, fallback);
    else fallback();
  }

  function init() {
    observers.splice(0).forEach(function (io) { io.disconnect(); });
    document.querySelectorAll("[data-calc]").forEach(setup);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
