"""Execute notebooks in place so they are committed with their outputs.

Usage: python tools/execute_nbs.py [NOTEBOOK ...]   (default: every notebook under nbs/)

Cells that `nbdev_test` skips by default (flags `slow`, `cuda`, `notest`, `eval: false`, the export cell) are
not run here either and keep no output. Plots are stored as PNG. One torch thread, like CI. A notebook whose
cell raises is reported and left unchanged on disk.
"""
import os, sys, time
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('MPLBACKEND', 'module://matplotlib_inline.backend_inline')
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.foundation import working_directory
from nbdev.process import NBProcessor

SKIP = {'slow', 'cuda', 'notest'}

def _skip(cell) -> bool:
    "True for cells `nbdev_test` would not run."
    if cell.cell_type != 'code' or 'nbdev_export' + '(' in cell.source: return True
    direc = getattr(cell, 'directives_', {}) or {}
    if direc.get('eval:', [''])[0].lower() == 'false': return True
    return bool(SKIP & direc.keys())

def execute(path: Path) -> bool:
    "Run `path` top to bottom with `CaptureShell`; write it back with outputs when every cell succeeded."
    nb = NBProcessor(path, process=True).nb
    for c in nb.cells:
        if c.cell_type == 'code': c.outputs, c.execution_count = [], None
    sh = CaptureShell(path, mpl_format='png')
    t0 = time.time()
    try:
        with working_directory(path.parent): sh.run_all(nb, exc_stop=True, preproc=_skip)
    except Exception:
        sys.stderr.write(sh.prettytb(fname=path) + '\n'); print(f'FAILED {path}'); return False
    raw = read_nb(path)
    for c, e in zip(raw.cells, nb.cells):
        if c.cell_type == 'code': c.outputs, c.execution_count = e.get('outputs', []), None
    write_nb(raw, path)
    print(f'ok {path} ({time.time() - t0:.0f} s)')
    return True

if __name__ == '__main__':
    root = Path(__file__).resolve().parent.parent
    paths = [Path(p).resolve() for p in sys.argv[1:]] or sorted(p for p in (root / 'nbs').rglob('*.ipynb')
                                                                 if '.ipynb_checkpoints' not in p.parts)
    ok = [execute(p) for p in paths]
    sys.exit(0 if all(ok) else 1)
