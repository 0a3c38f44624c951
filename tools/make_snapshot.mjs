// Build-time memory snapshot of Pyodide with calc/ imported and its data read, so a browser
// that has it cached starts the calculators without re-running Python's start-up.
//
//     node tools/make_snapshot.mjs --pyodide node_modules/pyodide --wheel calc-<sha>.whl \
//         --warmup warmup.json --out calc-snapshot.bin.gz
//
// Uses Pyodide's (private, version-pinned) options: loadPyodide({_makeSnapshot: true}) and
// pyodide.makeMemorySnapshot(). The snapshot is the whole wasm heap plus a little JSON; it only
// loads into the exact Pyodide build that made it (Pyodide checks its BUILD_ID). The file is
// gzipped here: most of the heap is empty, and not every static host compresses by itself.
// calc-worker.mjs restores it with `_loadSnapshot` and falls back to a plain start on any error.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  for (const key of ["pyodide", "wheel", "warmup", "out"]) {
    if (!out[key]) throw new Error(`missing --${key}`);
  }
  return out;
}

// The same Python the worker runs after a plain start (calc-worker.mjs, CALC_SETUP).
const CALC_SETUP = `
import sys
sys.path.insert(0, "/calc-wheel")
# handle_json guards the text (nesting depth, not JSON) before json.loads, whose recursion on
# a crafted "[[[[..." request would kill Pyodide instead of answering an error.
from calc import handle_json as _handle_json
`;

const opts = args();
const indexURL = resolve(opts.pyodide) + "/";
const { loadPyodide } = await import(indexURL + "pyodide.mjs");
const pyodide = await loadPyodide({ indexURL, _makeSnapshot: true, fullStdLib: false, packages: [] });
pyodide.unpackArchive(new Uint8Array(readFileSync(opts.wheel)), "zip", { extractDir: "/calc-wheel" });
pyodide.runPython(CALC_SETUP);
const handle = pyodide.globals.get("_handle_json");
for (const request of JSON.parse(readFileSync(opts.warmup, "utf8"))) {
  const answer = JSON.parse(handle(JSON.stringify(request)));
  if (!answer.ok) throw new Error(`warm-up request refused: ${JSON.stringify(answer.errors)}`);
}
handle.destroy(); // a snapshot must hold no live JavaScript references into Python
const snapshot = pyodide.makeMemorySnapshot();
const packed = gzipSync(snapshot, { level: 9 });
writeFileSync(opts.out, packed);
console.log(JSON.stringify({ bytes: snapshot.length, gzip_bytes: packed.length }));
