"""Check that the notebooks are committed with their outputs.

Usage: python tools/check_outputs.py [--nbs DIR]

Every notebook under nbs/ (except `_*` and checkpoints) must hold at least one stored output, and each
notebook in FIGURES must hold at least one image (image/png). Prints one line per problem and a summary;
exits 1 when something is missing. Re-execute a notebook with `python tools/execute_nbs.py NOTEBOOK`.
"""
import json, sys
from pathlib import Path

# notebooks whose lesson shows a figure (the picture is part of what it teaches)
FIGURES = [
    '03_learner.ipynb', '04_images.ipynb', '06_optim.ipynb',
    '10_erm.ipynb', '11_irm.ipynb', '12_fishr.ipynb', '13_coral.ipynb', '14_mmd.ipynb', '15_causirl.ipynb',
    '16_vrex.ipynb', '17_groupdro.ipynb', '18_sd.ipynb', '19_ib.ipynb',
    '20_dial.ipynb', '21_mldg.ipynb', '22_matchdg.ipynb', '23_miro.ipynb', '24_averaging.ipynb', '25_warmup.ipynb',
    '26_mixup.ipynb', '27_dann.ipynb', '28_andmask.ipynb', '29_fish.ipynb', '30_swad.ipynb',
    '40_widgets.ipynb', '51_selection.ipynb', 'tutorials/colored_digits_irm.ipynb',
]

def outputs(nb: dict) -> list:
    return [o for c in nb.get('cells', []) if c.get('cell_type') == 'code' for o in c.get('outputs', [])]

def has_image(outs: list) -> bool:
    return any('image/png' in o.get('data', {}) for o in outs)

def check(nbs: Path) -> list:
    "Problems found, one string each."
    problems, paths = [], sorted(p for p in nbs.rglob('*.ipynb')
                                 if '.ipynb_checkpoints' not in p.parts and not p.name.startswith('_'))
    for p in paths:
        rel = p.relative_to(nbs).as_posix()
        try: outs = outputs(json.loads(p.read_text()))
        except (OSError, ValueError) as e: problems.append(f'{rel}: cannot be read ({e})'); continue
        if not outs: problems.append(f'{rel}: no stored outputs (run: python tools/execute_nbs.py nbs/{rel})')
        elif rel in FIGURES and not has_image(outs): problems.append(f'{rel}: no figure (image/png) among its outputs')
    missing = [f for f in FIGURES if not (nbs / f).exists()]
    problems += [f'{f}: listed as showing a figure but not found' for f in missing]
    return problems, len(paths)

if __name__ == '__main__':
    args = sys.argv[1:]
    nbs = Path(args[args.index('--nbs') + 1]) if '--nbs' in args else Path(__file__).resolve().parent.parent / 'nbs'
    problems, n = check(nbs)
    for line in problems: print(line)
    print(f'check_outputs: {n} notebooks, {len(problems)} problem(s)')
    sys.exit(1 if problems else 0)
