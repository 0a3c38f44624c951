// bench/calc_handle.py, unchanged, inside the pinned Pyodide under Node.js (offline): the time
// of 10,000 calc.handle calls of each kind, to compare with the CPython run.
//
//     node bench/calc_handle_pyodide.mjs [--calls N]
//
// calc/ is the wheel the site ships (build/wheel, tools/build_wheel.py), unpacked the way the
// browser worker unpacks it; the bench script itself is read from bench/.

import { readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PYODIDE_DIR = join(ROOT, "node_modules", "pyodide");
const WHEEL_DIR = join(ROOT, "build", "wheel");

function wheelPath() {
  const manifest = join(WHEEL_DIR, "manifest.json");
  if (!existsSync(manifest)) {
    const python = existsSync(join(ROOT, ".venv", "bin", "python")) ? join(ROOT, ".venv", "bin", "python") : "python3";
    execFileSync(python, [join(ROOT, "tools", "build_wheel.py"), "--out", WHEEL_DIR], { stdio: "inherit" });
  }
  return join(WHEEL_DIR, JSON.parse(readFileSync(manifest, "utf8")).wheel);
}

const t0 = performance.now();
const { loadPyodide } = await import(join(PYODIDE_DIR, "pyodide.mjs"));
const pyodide = await loadPyodide({ indexURL: PYODIDE_DIR + "/" });
pyodide.setStdout({ write: (bytes) => { process.stdout.write(bytes); return bytes.length; } });
pyodide.unpackArchive(new Uint8Array(readFileSync(wheelPath())), "zip", { extractDir: "/calc-wheel" });
pyodide.FS.mkdirTree("/bench");
pyodide.FS.writeFile("/bench/calc_handle.py", readFileSync(join(ROOT, "bench", "calc_handle.py")));
const t1 = performance.now();
console.log(`Pyodide ${pyodide.version} started and calc unpacked in ${(t1 - t0).toFixed(0)} ms`);
pyodide.globals.set("bench_args", pyodide.toPy(process.argv.slice(2)));
pyodide.runPython(`
import runpy, sys
sys.path.insert(0, "/calc-wheel")
sys.argv = ["bench/calc_handle.py", *bench_args]
runpy.run_path("/bench/calc_handle.py", run_name="__main__")
`);
