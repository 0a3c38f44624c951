"""Build time and peak memory of the site, against a plain MkDocs build of the same pages.

    .venv/bin/python bench/build.py                       # real content, 1,000 and 10,000 codes
    .venv/bin/python bench/build.py --sizes real,1000     # a quicker run

For each size the script makes a scratch copy of the project (calc/, macros/, docs/,
overrides/, mkdocs.yml, tools/) whose content/ holds the real files plus, for the synthetic sizes, a
minimal generated file for further codes of the newest CMS release (in release order), up to
N codes in all; it compiles their unit rules into the copy's calc/data and builds the calc
wheel (untimed). Then it times two strict builds, each in its own process:

- project: ``mkdocs build`` as the site is built (content -> calc -> Jinja pages via the hook);
- plain: the very same pages (code pages, index, family pages, written out as Markdown files
  by macros.render) built by MkDocs with no macros plugin and no page hook.

Both keep the search plugin and the site_assets hook (the Pyodide copy is the same fixed cost
in both). Peak memory is the child's maximum resident set size (``os.wait4``). The issue's
target: the project build takes at most 1.1 times the plain one.

Not a test: timings depend on the machine. Nothing here touches the repository's own files.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from macros.content import HCPCS_RE  # noqa: E402
from tools.scratch_project import copy_project  # noqa: E402

FAMILIES = 20  # synthetic families: each family page lists about N/20 codes


def releases() -> list[tuple[str, Path]]:
    """Each imported release (name, RVU file), oldest first."""
    years = json.loads((ROOT / "calc/data/releases.json").read_text())["years"]
    return [(years[y]["rvu"], ROOT / "calc/data" / years[y]["rvu_file"]) for y in sorted(years, key=int)]


def file_codes(rvu_file: Path) -> list[str]:
    """The codes of one RVU file that content accepts (rows without a pricing modifier), in
    file order."""
    with gzip.open(rvu_file, "rt", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)
        return list(dict.fromkeys(r[0] for r in rows if not r[1] and HCPCS_RE.match(r[0])))


def release_codes() -> list[str]:
    """Codes of the newest release that every imported release has: a page's calculators may
    default to an older year, which must know the code too."""
    files = [path for _name, path in releases()]
    everywhere = set.intersection(*(set(file_codes(path)) for path in files[:-1])) if files[1:] else None
    return [c for c in file_codes(files[-1]) if everywhere is None or c in everywhere]


def synthetic_yaml(code: str, index: int, release: str) -> str:
    family = f"synthetic-{index % FAMILIES:02d}"
    rule = "timed_15" if index % 2 else "untimed"
    return f"""code: "{code}"
name: Synthetic page for code {code}
summary: >-
  A generated page for code {code}, used only to measure how the site build grows with the
  number of codes.
family: {family}
unit_rule:
  type: {rule}
tips:
  - id: measure-only
    tip: This page exists to measure the build.
    impact: None; it is not published.
    source: [cms-pfs-rvu]
faqs:
  - id: why-this-page
    question: Why does this page exist?
    answer: To measure the build time of a site with many codes.
sources:
  cms-pfs-rvu:
    title: CMS Physician Fee Schedule relative value files
    url: https://www.cms.gov/medicare/payment/fee-schedules/physician/pfs-relative-value-files
last_reviewed: {date.today().isoformat()}
confidence: low
data_release: {release}
"""


def make_project(workdir: Path, size: int | None) -> Path:
    """A scratch copy of the project with real content plus synthetic codes up to ``size``."""
    project = copy_project(workdir / "project")
    shutil.copytree(ROOT / "content", project / "content")
    if size is not None:
        release = releases()[-1][0]
        real = {p.stem for p in (project / "content").glob("*.yaml")}
        extra = [c for c in release_codes() if c not in real][: max(0, size - len(real))]
        for index, code in enumerate(extra):
            (project / "content" / f"{code}.yaml").write_text(synthetic_yaml(code, index, release))
    run([sys.executable, "-m", "tools.compile_rules"], project)
    run([sys.executable, "-m", "tools.build_wheel", "--out", "build/wheel"], project)
    return project


def run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


class _KeepEnv(yaml.SafeLoader):
    """Reads mkdocs.yml, keeping `!ENV [NAME, default]` as the tag it is."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    return {"__env__": loader.construct_sequence(node)}  # type: ignore[arg-type]


_KeepEnv.add_constructor("!ENV", _env_tag)


def _dump_env(dumper: yaml.SafeDumper, value: dict) -> yaml.Node:
    return dumper.represent_sequence("!ENV", value["__env__"])


def write_plain_project(project: Path) -> Path:
    """docs_plain/: the hand-written pages plus every generated page as a Markdown file, and
    mkdocs-plain.yml: the same site without the macros plugin and the page hook."""
    script = (
        "import sys, pathlib; sys.path.insert(0, '.')\n"
        "from macros import render, pages\n"
        "site = render.build_site(pathlib.Path('content'))\n"
        "families = [p.stem for p in pathlib.Path('docs/families').glob('*.md') if p.stem != 'index']\n"
        "for path, text in render.generated_pages(site, families).items():\n"
        "    target = pathlib.Path('docs_plain') / path\n"
        "    target.parent.mkdir(parents=True, exist_ok=True)\n"
        "    target.write_text(text, encoding='utf-8')\n"
    )
    shutil.copytree(project / "docs", project / "docs_plain")
    run([sys.executable, "-c", script], project)
    config = yaml.load((project / "mkdocs.yml").read_text(), Loader=_KeepEnv)
    config["docs_dir"] = "docs_plain"
    config["plugins"] = ["search"]
    config["hooks"] = [h for h in config["hooks"] if not h.endswith("pages.py")]
    dumper = yaml.SafeDumper
    dumper.add_representer(
        dict, lambda d, v: _dump_env(d, v) if "__env__" in v else d.represent_dict(v.items())
    )
    (project / "mkdocs-plain.yml").write_text(yaml.dump(config, Dumper=dumper, sort_keys=False))
    return project / "mkdocs-plain.yml"


def timed_build(project: Path, config: str, site_dir: Path) -> tuple[float, float]:
    """Seconds and peak resident MB of one strict build in a fresh process."""
    # No Pyodide snapshot: made by a Node.js child in whichever build runs first, it would
    # count in that build's time and peak memory only.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CALC_SNAPSHOT": "0"}
    env.pop("BILLING_CONTENT_DIR", None)
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--quiet",
        "-f",
        config,
        "-d",
        str(site_dir),
    ]
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    out, err = child.stdout.read(), child.stderr.read()  # type: ignore[union-attr]
    if child.returncode:
        raise SystemExit(f"build with {config} failed:\n{out}\n{err}")
    return seconds, usage.ru_maxrss / 1024


def measure(size: int | None, repeat: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        project = make_project(Path(tmp), size)
        write_plain_project(project)
        codes = len(list((project / "content").glob("*.yaml")))
        pages = len(list((project / "docs_plain").rglob("*.md")))
        results: dict[str, list[tuple[float, float]]] = {"project": [], "plain": []}
        for _ in range(repeat):  # alternate, so drift in the machine hits both alike
            for kind, config in (("plain", "mkdocs-plain.yml"), ("project", "mkdocs.yml")):
                results[kind].append(timed_build(project, config, Path(tmp) / f"site-{kind}"))
        best = {kind: min(runs) for kind, runs in results.items()}
        memory = {kind: max(m for _, m in runs) for kind, runs in results.items()}
        return {
            "size": "real" if size is None else size,
            "codes": codes,
            "pages": pages,
            "project_s": best["project"][0],
            "plain_s": best["plain"][0],
            "project_mb": memory["project"],
            "plain_mb": memory["plain"],
        }


def parse_sizes(text: str) -> list[int | None]:
    return [None if part == "real" else int(part) for part in text.split(",") if part]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        default="real,1000,10000",
        help="comma-separated: real and/or numbers of codes (default %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="builds per kind; the best is kept")
    args = parser.parse_args()
    header = (
        f"{'content':>8} {'codes':>6} {'pages':>6} {'project s':>10} {'plain s':>8} "
        f"{'ratio':>6} {'ms/page':>8} {'project MB':>11} {'plain MB':>9}"
    )
    print(header)
    print("-" * len(header))
    for size in parse_sizes(args.sizes):
        r = measure(size, args.repeat)
        ratio = r["project_s"] / r["plain_s"]  # type: ignore[operator]
        per_page = 1000 * r["project_s"] / r["pages"]  # type: ignore[operator]
        print(
            f"{r['size']!s:>8} {r['codes']:>6} {r['pages']:>6} {r['project_s']:>10.2f} "
            f"{r['plain_s']:>8.2f} {ratio:>6.2f} {per_page:>8.1f} {r['project_mb']:>11.0f} "
            f"{r['plain_mb']:>9.0f}",
            flush=True,
        )
    print(
        "\ntarget: project <= 1.1 x plain (issue 3); the project build includes loading and "
        "validating content and asking calc for every figure."
    )


if __name__ == "__main__":
    main()
