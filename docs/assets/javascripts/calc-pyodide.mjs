// The one Pyodide set-up for calc/: load Pyodide, put the calc wheel on sys.path, import calc,
// answer the warm-up requests. Used by the browser worker (calc-worker.mjs) and, under Node.js,
// by the build-time snapshot script (tools/make_snapshot.mjs), so the snapshot holds exactly the
// interpreter the worker would have made itself.
//
// Lean start: no Pyodide packages are loaded (calc/ is standard library only).

export const WHEEL_DIR = "/calc-wheel";
export const LEAN = { fullStdLib: false, packages: [] };

// handle_json guards the text (nesting depth, size, not JSON) before json.loads, whose recursion
// on a crafted "[[[[..." request would kill Pyodide instead of answering an error.
const CALC_SETUP = `
import sys
sys.path.insert(0, "${WHEEL_DIR}")
from calc import handle_json as _handle_json
`;

// The standard-library modules Python has loaded from its zip (for the trimmed stdlib the
// snapshot ships: tools/make_snapshot.mjs).
const LOADED_STDLIB = `
import sys
sorted({m.__spec__.origin for m in list(sys.modules.values())
        if getattr(m, "__spec__", None) and m.__spec__.origin and ".zip/" in m.__spec__.origin})
`;

export function installWheel(pyodide, wheelBytes) {
  pyodide.unpackArchive(wheelBytes, "zip", { extractDir: WHEEL_DIR });
}

// calc.handle_json as a JavaScript function: request text in, answer text out.
export function importCalc(pyodide) {
  pyodide.runPython(CALC_SETUP);
  return pyodide.globals.get("_handle_json");
}

// The calculators' default requests, answered once so calc/ has read what they need. `strict`
// (after a snapshot restore, and at build time) turns a refusal into an error: the interpreter
// is not sound.
export function warmUp(handle, requests, strict) {
  for (const request of requests || []) {
    const answer = JSON.parse(handle(JSON.stringify(request)));
    if (strict && !answer.ok) throw new Error(`warm-up request refused: ${JSON.stringify(answer.errors)}`);
  }
}

// A fresh interpreter with calc imported: { pyodide, handle }.
export async function startPlain(loadPyodide, { indexURL, wheel, stdLibURL, extra }) {
  const pyodide = await loadPyodide({ indexURL, ...LEAN, ...(stdLibURL ? { stdLibURL } : {}), ...extra });
  installWheel(pyodide, await wheel);
  return { pyodide, handle: importCalc(pyodide) };
}

// An interpreter restored from a build-time snapshot (calc imported, its defaults read). The
// snapshot may be a promise: Pyodide awaits it while the wasm compiles. The wheel's files go on
// disk too, for the fee-schedule years calc reads later.
export async function startFromSnapshot(loadPyodide, { indexURL, wheel, snapshot, stdLibURL, createModule }) {
  // Pyodide 314.0.x ignores the heap size it asks for (pyodide issue 6254): grow the heap so
  // the snapshot fits before Pyodide copies it in.
  const bytes = Promise.resolve(snapshot);
  const createPyodideModule = async (settings) => {
    const [module, image] = await Promise.all([createModule(settings), bytes]);
    if (module.HEAP8.length < image.length) module._free(module._malloc(image.length));
    return module;
  };
  const pyodide = await loadPyodide({
    indexURL,
    ...LEAN,
    ...(stdLibURL ? { stdLibURL } : {}),
    _loadSnapshot: bytes,
    createPyodideModule,
  });
  installWheel(pyodide, await wheel);
  return { pyodide, handle: pyodide.globals.get("_handle_json") };
}

export function loadedStdlib(pyodide) {
  const proxy = pyodide.runPython(LOADED_STDLIB);
  const paths = proxy.toJs();
  proxy.destroy();
  return paths;
}
