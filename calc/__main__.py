"""``python3 -m calc``: read one JSON request on stdin, write the JSON answer on stdout.

Exit status 0 when the answer is ``"ok": true``, 1 when it is an error answer (including a
request that is not valid JSON).
"""

from __future__ import annotations

import json
import sys

from calc.api import handle


def main() -> int:
    text = sys.stdin.read()
    try:
        request = json.loads(text)
    except json.JSONDecodeError as exc:
        answer: dict[str, object] = {
            "ok": False, "kind": None, "steps": [], "warnings": [],
            "errors": [{"field": "", "message": f"The request is not valid JSON ({exc.msg}, line {exc.lineno})."}],
        }
    else:
        answer = handle(request)
    json.dump(answer, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0 if answer.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
