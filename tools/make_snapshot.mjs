// Build-time memory snapshot of Pyodide with calc/ imported and its defaults read, so a browser
// starts the calculators without running Python's start-up, even on a first visit.
//
//     node tools/make_snapshot.mjs --pyodide node_modules/pyodide --wheel calc-<sha>.whl \
//         --warmup warmup.json --out calc-snapshot.bin.gz --stdlib-out calc-stdlib.zip
//
// The set-up is the worker's own (docs/assets/javascripts/calc-pyodide.mjs). Two passes:
// 1. a plain start with Pyodide's whole standard-library zip answers the warm-up requests and
//    lists the stdlib modules Python loaded; those alone go into a trimmed zip (--stdlib-out,
//    about a tenth of the 2.5 MB one);
// 2. a plain start on the trimmed zip answers them again and is snapshotted. The restored
//    interpreter keeps zipimport's table of contents of the zip it started on, so the browser
//    must mount that same trimmed zip (the manifest names both files).
//
// Uses Pyodide's (private, version-pinned) options: loadPyodide({_makeSnapshot: true}) and
// pyodide.makeMemorySnapshot(). The snapshot is the whole wasm heap plus a little JSON; it only
// loads into the exact Pyodide build that made it (Pyodide checks its BUILD_ID). It is gzipped
// here (the worker inflates it with the browser's DecompressionStream): most of the heap is
// empty, and a static host does not compress a file of unknown type by itself.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { loadedStdlib, startPlain, warmUp } from "../docs/assets/javascripts/calc-pyodide.mjs";

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  for (const key of ["pyodide", "wheel", "warmup", "out", "stdlib-out"]) {
    if (!out[key]) throw new Error(`missing --${key}`);
  }
  return out;
}

// The stdlib zip's entries for the loaded modules (paths as Python reports them,
// "/lib/python314.zip/json/decoder.py"), written by Python's own zipfile.
const TRIM = `
import zipfile
def _trim(source, names, target):
    with zipfile.ZipFile(source) as full, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name in sorted(set(names)):
            out.writestr(full.getinfo(name), full.read(name))
_trim
`;

function trimmedStdlib(pyodide, loaded) {
  const zipPath = loaded[0].slice(0, loaded[0].indexOf(".zip/") + 4);
  const names = loaded.map((path) => path.slice(zipPath.length + 1));
  const trim = pyodide.runPython(TRIM);
  trim(zipPath, pyodide.toPy(names), "/tmp/calc-stdlib.zip");
  trim.destroy();
  return pyodide.FS.readFile("/tmp/calc-stdlib.zip");
}

const opts = args();
const indexURL = resolve(opts.pyodide) + "/";
const { loadPyodide } = await import(indexURL + "pyodide.mjs");
const wheel = new Uint8Array(readFileSync(opts.wheel));
const warmup = JSON.parse(readFileSync(opts.warmup, "utf8"));

const first = await startPlain(loadPyodide, { indexURL, wheel });
warmUp(first.handle, warmup, true);
const stdlib = trimmedStdlib(first.pyodide, loadedStdlib(first.pyodide));
writeFileSync(opts["stdlib-out"], stdlib);

const stdLibURL = resolve(opts["stdlib-out"]);
const { pyodide, handle } = await startPlain(loadPyodide, { indexURL, wheel, stdLibURL, extra: { _makeSnapshot: true } });
warmUp(handle, warmup, true);
handle.destroy(); // a snapshot must hold no live JavaScript references into Python
const snapshot = pyodide.makeMemorySnapshot();
const packed = gzipSync(snapshot, { level: 9 });
writeFileSync(opts.out, packed);
console.log(JSON.stringify({ bytes: snapshot.length, gzip_bytes: packed.length, stdlib_bytes: stdlib.length }));
