"""Run README.md's Python blocks as a reader would copy them: each ```python block, in order, in one fresh
interpreter, in an empty temporary directory. Prints one line and exits non-zero when a block fails.

Usage: python tests/readme_snippet.py [README.md]
"""
import os, re, subprocess, sys, tempfile
from pathlib import Path

readme = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / 'README.md')
blocks = re.findall(r'^```python\n(.*?)^```', readme.read_text(), flags=re.S | re.M)
if not blocks: print(f'readme_snippet: no python block in {readme}'); sys.exit(1)
with tempfile.TemporaryDirectory() as tmp:
    env = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1')}
    r = subprocess.run([sys.executable, '-c', '\n\n'.join(blocks)], cwd=tmp, env=env, capture_output=True, text=True)
if r.returncode:
    sys.stderr.write(r.stdout[-2000:] + r.stderr[-4000:])
    print(f'readme_snippet: FAILED ({len(blocks)} python block(s) of {readme.name})'); sys.exit(1)
print(f'readme_snippet: ok ({len(blocks)} python block(s) of {readme.name} ran as copied)')
