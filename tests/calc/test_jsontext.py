"""The text seam (issue 13 item 2): bounded, linear in its input, an error answer for any
argument, and ``python3 -m calc`` without a traceback for bytes that are not a request."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from calc import handle_json
from calc.jsontext import MAX_DEPTH, MAX_REQUEST_CHARS, nesting_depth, read_request

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "argument", [b'{"kind": "zip"}', bytearray(b"{}"), None, 42, 4.2, ["{}"], {"kind": "zip"}, object(), True]
)
def test_any_argument_type_answers_an_error(argument: object) -> None:
    answer = json.loads(handle_json(argument))
    assert answer["ok"] is False and answer["errors"][0]["field"] == ""
    assert "JSON text" in answer["errors"][0]["message"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ('{"kind": "zip", "zip": "35201"}\x00', "NUL"),
        (" " * (MAX_REQUEST_CHARS - 40) + '{"kind": "zip", "zip": "35201"}' + " " * 100, "too long"),
    ],
)
def test_bad_texts_answer_an_error(text: str, words: str) -> None:
    answer = read_request(text)
    assert answer["ok"] is False and words in answer["errors"][0]["message"]


def test_a_long_text_that_nests_too_deep_early_says_so() -> None:
    # Both are true of 100,000 "["; the first problem read from the start is named.
    assert "nested too deeply" in read_request("[" * 100_000)["errors"][0]["message"]
    assert "too long" in read_request("[" * 10 + " " * MAX_REQUEST_CHARS + "[" * 40)["errors"][0]["message"]


def test_a_request_at_the_limit_is_answered() -> None:
    request = '{"kind": "zip", "zip": "35201"}'
    assert read_request(request + " " * (MAX_REQUEST_CHARS - len(request)))["ok"] is True


@given(
    st.recursive(st.none() | st.integers() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c))
)
@settings(max_examples=200, deadline=None)
def test_nesting_depth_matches_the_decoded_depth(value: object) -> None:
    def depth(v: object) -> int:
        if isinstance(v, list):
            return 1 + max((depth(x) for x in v), default=0)
        if isinstance(v, dict):
            return 1 + max((depth(x) for x in v.values()), default=0)
        return 0

    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
        assert nesting_depth(text) == depth(value)


def test_too_deep_is_refused_inside_strings_too() -> None:
    assert nesting_depth('["' + "[" * 100 + '"]') == 1
    assert read_request("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))["ok"] is False


# Texts an attacker would send: unterminated strings of escaped quotes (quadratic for the
# regular expression the seam used before), brackets, backslashes, numbers.
ADVERSARIAL_UNITS = ['\\"', '"', "\\", "[", '["', "{", '{"a":', '"\\\\', "9", "ﬀ", "\u00e9\\u00e9"]

# Past MAX_DEPTH opening brackets the depth scan must run (fewer are let through at once).
PREFIXES = ["", '"', "[" * (MAX_DEPTH + 8) + '"', '{"kind": "units", "x": "' + "[" * (MAX_DEPTH + 1)]


def seconds_per_kb(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        handle_json(text)
        best = min(best, time.perf_counter() - start)
    return best / (len(text) / 1024)


@given(unit=st.sampled_from(ADVERSARIAL_UNITS), prefix=st.sampled_from(PREFIXES))
@example(unit='\\"', prefix=PREFIXES[2])  # the text that took seconds before
@settings(max_examples=25, deadline=None)
def test_answer_time_grows_linearly_with_the_text(unit: str, prefix: str) -> None:
    """Speed is measured in bench/; this property only catches a return of the quadratic
    scan (16 KB of escaped quotes took ~2 s): the time per KB of a 60 KB text stays within a
    generous factor of a 1 KB text's (a quadratic scan makes it about 60 times), and under a
    few milliseconds per KB (measured: under 1 ms; the quadratic scan took 880 ms)."""
    small = prefix + unit * (1024 // len(unit))
    large = prefix + unit * (60 * 1024 // len(unit))
    small_rate, large_rate = seconds_per_kb(small), seconds_per_kb(large)
    assert large_rate < max(15 * small_rate, 0.001), (unit, small_rate, large_rate)
    assert large_rate < 0.02, (unit, large_rate)


@pytest.mark.skipif(sys.platform == "emscripten", reason="no subprocess inside Pyodide")
@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"kind": "zip", "zip": "\xe9"}', "not UTF-8"),
        (b"", "empty"),
        (b'{"kind": "zip",\x00 "zip": "35201"}', "NUL"),
        (b"[" * 300_000, "too long"),
        (b'"' + b'\\"' * 20_000, "not valid JSON"),
    ],
)
def test_python_dash_m_calc_answers_bad_bytes(stdin: bytes, words: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "calc"], input=stdin, capture_output=True, cwd=ROOT, check=False
    )
    assert done.returncode == 1 and done.stderr == b""
    answer = json.loads(done.stdout)
    assert answer["ok"] is False and words in answer["errors"][0]["message"]
