"""Run the session blocks of one page, in order, in one namespace and one event loop.

``python tests/docs/run_page.py PAGE``: top-level ``await`` is allowed (as in
``python -m asyncio``); a block that starts its own event loop (``anyio.run(main)``) runs as
a plain script. The exit status is 1, with the traceback, at the first block that fails.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from code_blocks import blocks_of


def main(page: Path) -> int:
    """Run the page's session blocks; return the exit status."""
    namespace: dict[str, object] = {"__name__": "__main__"}
    with asyncio.Runner() as runner:
        for block in blocks_of(page):
            if block.kind != "session":
                continue
            print(f"--- {block.where}", flush=True)
            try:
                # dont_inherit: the block runs as pasted, without this file's
                # `from __future__ import annotations` (annotations are evaluated)
                code = compile(
                    block.code,
                    block.where,
                    "exec",
                    flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                    dont_inherit=True,
                )
                if code.co_flags & inspect.CO_COROUTINE:
                    runner.run(eval(code, namespace))
                else:
                    exec(code, namespace)
            except BaseException:
                traceback.print_exc()
                print(f"the block at {block.where} failed", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
