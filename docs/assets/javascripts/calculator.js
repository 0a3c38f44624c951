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
  // when that field is empty), as in macros/forms.py _path_keys.
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

  // As macros/forms.py typed: whole numbers as numbers, "GP 59" or "GP,59" as a list, anything
  // else as typed, for calc/ to judge.
  function typed(el) {
    if (el.hasAttribute("data-listed")) return el.value.split(/[\s,]+/).filter(Boolean);
    return el.hasAttribute("data-number") && /^\d+$/.test(el.value) ? Number(el.value) : el.value;
  }

  function isSent(section, el) {
    if (el.name.charAt(0) === "_" || !el.hasAttribute("data-path") || !isActive(section, el)) return false;
    return !(el.hasAttribute("data-optional") && el.value === "");
  }

  function controls(node) {
    return Array.prototype.slice.call(node.querySelectorAll("input[name], select[name]"));
  }

  // One row list (macros/forms.py _add_rows): each filled-in row makes an entry in each list
  // its fields name; an entry lacking the key data-needs gives for its list is left out.
  function addRows(section, group, request, where) {
    var needs = {};
    JSON.parse(group.getAttribute("data-needs") || "[]").forEach(function (n) { needs[n[0]] = n[1]; });
    group.querySelectorAll("[data-calc-row]").forEach(function (row) {
      var els = controls(row);
      if (!els.some(function (el) { return el.type !== "hidden" && el.value !== ""; })) return;
      var entries = {};
      var order = [];
      els.forEach(function (el) {
        if (!isSent(section, el)) return;
        el.getAttribute("data-path").split(/\s+/).forEach(function (path) {
          var dot = path.indexOf(".");
          var list = path.slice(0, dot);
          if (!entries[list]) { entries[list] = { entry: {}, els: {} }; order.push(list); }
          entries[list].entry[path.slice(dot + 1)] = typed(el);
          entries[list].els[path.slice(dot + 1)] = el;
        });
      });
      order.forEach(function (list) {
        var made = entries[list];
        if (needs[list] !== undefined && !(needs[list] in made.entry)) return;
        request[list] = request[list] || [];
        request[list].push(made.entry);
        var at = list + "[" + (request[list].length - 1) + "]";
        Object.keys(made.els).forEach(function (key) { where[at + "." + key] = made.els[key]; });
      });
    });
  }

  // The browser's reading of the form (macros/forms.py assemble_request reads the same
  // attributes at build time): the fixed part of the request plus each active field at its
  // path, and one entry per filled-in row.
  function assembleRequest(section) {
    var form = section.querySelector("[data-calc-form]");
    var request = JSON.parse(form.getAttribute("data-calc-base"));
    var where = {}; // request path -> input, to put calc/'s error messages at the right field
    Array.prototype.forEach.call(form.children, function (child) {
      if (child.matches("[data-calc-rows]")) {
        addRows(section, child, request, where);
      } else if (child.matches(".calc-field")) {
        controls(child).forEach(function (el) {
          if (!isSent(section, el)) return;
          el.getAttribute("data-path").split(/\s+/).forEach(function (path) {
            var keys = pathKeys(section, path);
            if (!keys) return;
            setPath(request, keys, typed(el));
            where[keys.map(function (k) { return typeof k === "number" ? "[" + k + "]" : "." + k; }).join("").slice(1)] = el;
          });
        });
      }
    });
    return { request: request, where: where };
  }

  // The same JSON text for the same request, whatever order its keys were set in (the build
  // writes data-calc-request with sorted keys).
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) {
        return JSON.stringify(k) + ":" + canonical(value[k]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  // ------------------------------------------------------------------ rows (add, remove)
  // A row's inputs carry their name and label with "#" for the row (data-name="c#",
  // data-label="Service # code"); after a row is added or removed every row is renumbered, so
  // names stay c0, c1, ... in screen order and the query string follows.
  var MAX_ROWS = 50; // calc/'s limit on services and lines per request

  function renumber(section, group) {
    var id = section.getAttribute("data-calc");
    var rows = group.querySelectorAll("[data-calc-row]");
    rows.forEach(function (row, i) {
      var number = String(i + 1);
      var rowLabel = row.getAttribute("data-label").replace("#", number);
      row.setAttribute("aria-label", rowLabel);
      var remove = row.querySelector("[data-calc-remove]");
      if (remove) remove.setAttribute("aria-label", "Remove " + rowLabel.toLowerCase());
      controls(row).forEach(function (input) {
        var name = input.getAttribute("data-name").replace("#", String(i));
        var fid = "calc-" + id + "-" + name;
        var holder = input.closest(".calc-field");
        holder.setAttribute("data-calc-field", name);
        var label = holder.querySelector("label");
        label.htmlFor = fid;
        label.textContent = label.getAttribute("data-label").replace("#", number);
        var hint = holder.querySelector(".calc-hint");
        if (hint) hint.id = fid + "-hint";
        holder.querySelector("[data-calc-error]").id = fid + "-error";
        input.name = name;
        input.id = fid;
        input.setAttribute("aria-describedby", (hint ? fid + "-hint " : "") + fid + "-error");
      });
    });
    var add = group.querySelector("[data-calc-add]");
    if (add) add.disabled = rows.length >= MAX_ROWS;
  }

  function addRow(section, group) {
    var rows = group.querySelectorAll("[data-calc-row]");
    if (rows.length >= MAX_ROWS) return null;
    var last = rows[rows.length - 1];
    var row = last.cloneNode(true);
    controls(row).forEach(function (input) {
      input.value = "";
      input.setAttribute("data-default", "");
      input.removeAttribute("aria-invalid");
    });
    row.querySelectorAll("[data-calc-error]").forEach(function (span) { span.textContent = ""; });
    last.after(row);
    renumber(section, group);
    return row;
  }

  function removeRow(section, group, row) {
    var rows = group.querySelectorAll("[data-calc-row]");
    var next = row.nextElementSibling && row.nextElementSibling.matches("[data-calc-row]")
      ? row.nextElementSibling : row.previousElementSibling;
    if (rows.length === 1) { // the last row is emptied, not removed: there is always one to fill in
      controls(row).forEach(function (input) { input.value = ""; });
      next = row;
    } else {
      row.remove();
    }
    renumber(section, group);
    var focus = next && next.matches("[data-calc-row]") ? controls(next)[0] : group.querySelector("[data-calc-add]");
    if (focus) focus.focus();
  }

  function setupRows(section, changed) {
    section.querySelectorAll("[data-calc-rows]").forEach(function (group) {
      group.querySelectorAll("[data-calc-add], [data-calc-remove]").forEach(function (b) { b.hidden = false; });
      group.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (!button) return;
        if (button.hasAttribute("data-calc-add")) {
          var row = addRow(section, group);
          if (row) controls(row)[0].focus();
        } else if (button.hasAttribute("data-calc-remove")) {
          removeRow(section, group, button.closest("[data-calc-row]"));
          changed();
        }
      });
    });
  }

  // A link may name rows beyond those shown (visit.c7=97530): add rows up to the highest one.
  function rowsForLink(section, params) {
    section.querySelectorAll("[data-calc-rows]").forEach(function (group) {
      var stems = controls(group.querySelector("[data-calc-row]")).map(function (input) {
        var parts = input.getAttribute("data-name").split("#");
        return new RegExp("^" + section.getAttribute("data-calc") + "\\." + parts[0] + "(\\d+)" + parts[1] + "$");
      });
      var wanted = 0;
      params.forEach(function (_, key) {
        stems.forEach(function (stem) {
          var m = stem.exec(key);
          if (m) wanted = Math.max(wanted, Math.min(Number(m[1]) + 1, MAX_ROWS));
        });
      });
      while (group.querySelectorAll("[data-calc-row]").length < wanted) addRow(section, group);
    });
  }

  // ------------------------------------------------------------------ query string
  function prefix(section) { return section.getAttribute("data-calc") + "."; }

  function isValidValue(el, value) {
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) { return o.value === value; });
    }
    // Text is restored as it is: calc/ judges it and says what is wrong at the field.
    return true;
  }

  // Restores inputs from the link; answers the names of parameters it ignored.
  function restoreFromQuery(section) {
    var params = new URLSearchParams(location.search);
    var mine = prefix(section);
    var ignored = [];
    var restored = 0;
    rowsForLink(section, params);
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
        pair.appendChild(el("dd", cellText(lookup(answer, f[0]), f[0].split(".").pop(), spec)));
        dl.appendChild(pair);
      });
      box.appendChild(dl);
    }
    box.appendChild(answerTable(answer, spec.tables[0], spec));

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
    spec.tables.slice(1).forEach(function (t) { box.appendChild(answerTable(answer, t, spec)); });
    if (answer.not_checked && answer.not_checked.length) {
      var said = Array.isArray(answer.not_checked) ? answer.not_checked.join("; ") : answer.not_checked;
      box.appendChild(el("p", "Not checked: " + said + ".", "calc-not-checked"));
    }
    if (spec.csv && answer.csv) {
      var download = el("a", "Download the lines and totals (CSV)", "md-button");
      download.setAttribute("data-calc-csv", "");
      download.download = spec.csv;
      download.href = "data:text/csv;charset=utf-8," + encodeURIComponent(answer.csv); // calc's text as is
      var p = el("p", null, "calc-download");
      p.appendChild(download);
      box.appendChild(p);
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

  // One list of the answer as a table (or the sentence saying it is empty), as the template's
  // table macro lays it out.
  function answerTable(answer, t, spec) {
    var rows = answer[t.key] || [];
    if (t.empty && !rows.length) {
      var p = el("p", t.empty, "calc-empty");
      p.setAttribute("data-table", t.key);
      return p;
    }
    var table = el("table", null, "calc-lines");
    table.setAttribute("data-table", t.key);
    if (t.caption) table.createCaption().textContent = t.caption;
    var headRow = table.createTHead().insertRow();
    t.columns.forEach(function (c) { var th = el("th", c[1]); th.scope = "col"; headRow.appendChild(th); });
    var body = table.createTBody();
    rows.forEach(function (line) {
      var tr = body.insertRow();
      t.columns.forEach(function (c) {
        var td = el("td", cellText(line[c[0]], c[0], spec));
        td.setAttribute("data-key", c[0]);
        tr.appendChild(td);
      });
    });
    return table;
  }

  function summary(answer, spec) {
    var main = spec.tables[0];
    var rows = answer[main.key] || [];
    if (spec.announce && spec.announce.length) {
      if (!rows.length) return "Updated: " + main.empty;
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
    // The message stands at its field (which it names); the status line only points there.
    setStatus(section, "Not calculated: " + (loose.length ? loose.join(" ") : "correct the marked input above."));
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

  // ------------------------------------------------------------------ stale answers
  // The answer on screen belongs to one request: the example's (data-calc-request) until a
  // live answer replaces it. Whenever the inputs make another request (typing, starting,
  // recalculating, refused input, a calculator that could not start), the answer is marked
  // as not matching: dimmed, labelled, left out of copy and print (site.css [data-stale]).
  var shown = new WeakMap();

  function refreshStale(section) {
    var stale = canonical(assembleRequest(section).request) !== shown.get(section);
    var result = section.querySelector("[data-calc-result]");
    result.toggleAttribute("data-stale", stale);
    result.querySelector("[data-calc-stale-label]").hidden = !stale;
  }

  // ------------------------------------------------------------------ wiring
  var latest = new WeakMap();

  function calculate(section, mirror) {
    clearErrors(section);
    applyWhen(section);
    refreshStale(section);
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
    section.setAttribute("data-calc-asked", String(asked)); // the tests wait for this one's answer
    return runtime.request(built.request).then(function (answer) {
      waiting.delete(section);
      if (latest.get(section) !== asked) return;
      section.setAttribute("data-calc-ms", String(performance.now() - started));
      if (answer.ok) {
        renderAnswer(section, answer);
        shown.set(section, canonical(built.request));
      } else {
        showErrors(section, answer.errors || [], built.where);
      }
      refreshStale(section);
      section.setAttribute("data-calc-state", answer.ok ? "answered" : "refused");
      section.setAttribute("data-calc-answered", String(asked));
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
    shown.set(section, canonical(JSON.parse(form.getAttribute("data-calc-request"))));
    var actions = section.querySelector("[data-calc-actions]");
    if (actions) actions.hidden = false;
    var fromLink = restoreFromQuery(section);
    applyWhen(section);
    refreshStale(section);
    if (fromLink.ignored.length) {
      setNotice(section, "Ignored from the link (missing or not valid), defaults shown instead: " +
        fromLink.ignored.map(function (k) { return k.slice(0, 40); }).join(", ") + ".");
    }
    var timer = null;
    var changed = function () {
      applyWhen(section);
      refreshStale(section);
      clearTimeout(timer);
      timer = setTimeout(function () { calculate(section, true); }, DEBOUNCE_MS);
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", function () { applyWhen(section); refreshStale(section); });
    setupRows(section, changed);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      calculate(section, true);
    });
    form.addEventListener("focusin", startWorker);
    form.addEventListener("pointerdown", startWorker);
    var copy = section.querySelector("[data-calc-copy]");
    if (copy) copy.addEventListener("click", function () { copyLink(section); });
    var print = section.querySelector("[data-calc-print]");
    if (print) print.addEventListener("click", function () { window.print(); });
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

  // For the browser tests: the request a calculator's inputs make now.
  window.calcForms = {
    request: function (id) { return assembleRequest(document.querySelector("[data-calc='" + id + "']")).request; },
  };

  // The print view says when it was printed (the release is among the answer's facts).
  window.addEventListener("beforeprint", function () {
    var today = new Date().toISOString().slice(0, 10);
    document.querySelectorAll("[data-calc-printed]").forEach(function (p) {
      p.textContent = "Printed " + today + " from " + location.href.split("?")[0];
    });
  });

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
