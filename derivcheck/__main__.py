"""python -m derivcheck runs the command line; the process ends as soon as its output is flushed."""
import gc
import os
import sys


def entry():
    """main(), then flush and os._exit: no interpreter teardown (SymPy's is slow) after the report.

    A `verify` run remembered with unchanged inputs is answered first, before click or SymPy is
    imported (filecache.answer ends the process then). A run that verified in this process and
    was stopped by a limit starts again with workers (inline.py)."""
    if sys.argv[1:2] == ["verify"]:
        from .filecache import answer

        answer(sys.argv[1:])
    gc.disable()  # the imports make no garbage worth collecting; cli.py freezes them and collects again
    from . import inline
    from .cli import main

    inline.ENABLED = True  # a one-file run may verify in this process: a whole command can start again
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    except inline.Restart:
        inline.restart()  # never returns: the command runs again, verifying in workers
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or 1  # a closed pipe: the output was not delivered
    os._exit(code or 0)


if __name__ == "__main__":
    entry()
