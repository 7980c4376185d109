"""Run the docs processing of `nbdev_proc_nbs` (the step of the docs build that executes a notebook's
`show_doc` and import cells) on the given notebooks, one by one, and name each one that fails.

Usage: python tools/check_docs.py [NOTEBOOK ...]   (default: every notebook under nbs/)

`nbdev_proc_nbs` always processes the whole folder in parallel and stops at the first failure; this script
reports every failing notebook with its cell. The usual cause: a cell that starts with an import and goes on with
other code is executed out of context by the docs processor; move the import to the notebook's import cell.
"""
import os, sys, time
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ['IN_TEST'] = '1'
from pathlib import Path
from execnb.nbio import read_nb
from fastcore.foundation import working_directory
from nbdev.processors import FilterDefaults

def check(path: Path) -> str | None:
    "None when the docs processing of `path` succeeds, else the error's first lines."
    try:
        with working_directory(path.parent): FilterDefaults()(read_nb(path))
    except Exception as e: return '\n'.join(str(e).splitlines()[:4])
    return None

if __name__ == '__main__':
    root = Path(__file__).resolve().parent.parent
    paths = [Path(p).resolve() for p in sys.argv[1:]] or sorted(p for p in (root / 'nbs').rglob('*.ipynb')
                                                                 if '.ipynb_checkpoints' not in p.parts and not p.name.startswith('_'))
    bad = 0
    for p in paths:
        t = time.time(); err = check(p)
        if err: bad += 1; print(f'FAILED {p.name}: {err}')
        else: print(f'ok {p.name} ({time.time() - t:.0f} s)')
    print(f'check_docs: {len(paths)} notebooks, {bad} failed')
    sys.exit(1 if bad else 0)
