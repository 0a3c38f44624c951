// Run the calc/ test suite, unchanged, inside Pyodide under Node.js, offline.
//
//     node tools/pyodide_pytest.mjs            (from the repository root; `make test-pyodide`)
//
// This is what proves that the browser runs "the same tested module": the pinned Pyodide from
// node_modules (the one the site ships) runs `pytest -q tests/calc --doctest-modules calc` on
// the repository's own files. pytest, hypothesis and their dependencies come from
// .cache/pyodide-wheels (tools/pyodide_wheels.py, the versions pinned in requirements.txt).
// Prints pytest's own output, including its summary line, and exits with pytest's exit code.
//
// Extra arguments replace the default pytest arguments (for example a single test file).

import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PYODIDE_DIR = join(ROOT, "node_modules", "pyodide");
const WHEELS_DIR = join(ROOT, ".cache", "pyodide-wheels");
const PYTEST_ARGS = ["-q", "tests/calc", "--doctest-modules", "calc"];
// What the tests may read: the package, the tests (with tests/cases) and pytest's configuration.
const MOUNTED_DIRS = ["calc", "tests"];
const COPIED_FILES = ["pyproject.toml", "pytest.ini", "setup.cfg", "conftest.py", "tox.ini"];
const REPO_IN_PYODIDE = "/repo";

function fail(message) {
  process.stderr.write(`pyodide_pytest: ${message}\n`);
  process.exit(2);
}

function testWheels() {
  if (!existsSync(WHEELS_DIR)) {
    fail(`${WHEELS_DIR} is missing: run tools/pyodide_wheels.py requirements.txt .cache/pyodide-wheels`);
  }
  const wheels = readdirSync(WHEELS_DIR).filter((name) => name.endsWith(".whl"));
  if (wheels.length === 0) fail(`no wheels in ${WHEELS_DIR}`);
  return wheels.map((name) => join(WHEELS_DIR, name));
}

// The repository's directories are mounted (NODEFS), not copied: the run sees the files as they
// are on disk. Bytecode writing is switched off below so nothing is written back into them.
function mountRepository(pyodide) {
  const FS = pyodide.FS;
  FS.mkdirTree(REPO_IN_PYODIDE);
  for (const dir of MOUNTED_DIRS) {
    const hostPath = join(ROOT, dir);
    if (!existsSync(hostPath)) fail(`${hostPath} is missing`);
    const target = `${REPO_IN_PYODIDE}/${dir}`;
    FS.mkdirTree(target);
    FS.mount(FS.filesystems.NODEFS, { root: hostPath }, target);
  }
  for (const file of COPIED_FILES) {
    const hostPath = join(ROOT, file);
    if (existsSync(hostPath) && statSync(hostPath).isFile()) {
      FS.writeFile(`${REPO_IN_PYODIDE}/${file}`, readFileSync(hostPath));
    }
  }
}

async function main() {
  const args = process.argv.length > 2 ? process.argv.slice(2) : PYTEST_ARGS;
  const { loadPyodide } = await import(join(PYODIDE_DIR, "pyodide.mjs"));
  const pyodide = await loadPyodide({
    indexURL: PYODIDE_DIR + "/",
  });
  // Raw writes, so pytest's progress line and summary come out exactly as under CPython.
  pyodide.setStdout({ write: (bytes) => { process.stdout.write(bytes); return bytes.length; } });
  pyodide.setStderr({ write: (bytes) => { process.stderr.write(bytes); return bytes.length; } });
  // loadPackage installs a wheel and, for hypothesis, loads its WebAssembly extension module.
  await pyodide.loadPackage(testWheels(), { messageCallback: () => {}, errorCallback: (m) => process.stderr.write(m + "\n") });
  mountRepository(pyodide);
  pyodide.globals.set("pytest_args", pyodide.toPy(args));
  const code = await pyodide.runPythonAsync(`
import os, sys
sys.dont_write_bytecode = True
os.chdir(${JSON.stringify(REPO_IN_PYODIDE)})
sys.path.insert(0, ${JSON.stringify(REPO_IN_PYODIDE)})
import pytest
print(f"Python {sys.version.split()[0]} on {sys.platform} (Pyodide), pytest {pytest.__version__}", flush=True)
int(pytest.main(list(pytest_args)))
`);
  process.exit(code);
}

main().catch((error) => fail(error && error.stack ? error.stack : String(error)));
