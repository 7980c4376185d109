"""Drive the chain composer (dgnotebook.widgets) in headless Chromium through a Voila server.

Starts Voila on 127.0.0.1 with tests/browser/composer.ipynb, opens it in Debian's Chromium through
Playwright (no browser download), composes a chain (two links added, one refused link added and
removed, a reorder), moves a hyper-parameter slider, trains a few steps, reads the printed status and
the plot back, saves a screenshot, stops a long run with the Stop button, and stops the server.
Prints one line per check and a last line `browser: N passed, M failed`.

usage: python tests/browser/test_composer.py [--screenshot PATH] [--chromium PATH] [--keep-log]
"""
import argparse, os, re, signal, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NOTEBOOK = HERE / 'composer.ipynb'     # the notebook Voila serves (test_sweep_panel serves another)
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync']

class Checks:
    "Named checks: each prints its outcome; the summary line counts them."
    def __init__(self): self.passed, self.failed = 0, 0
    def __call__(self, name, ok, detail=''):
        ok = bool(ok)
        self.passed += ok; self.failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {name}{'' if ok or not detail else ': ' + str(detail)[:400]}", flush=True)
        return ok

def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def start_voila(port: int, log):
    env = {**os.environ, 'PYTHONPATH': f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           'OMP_NUM_THREADS': '1', 'MPLBACKEND': 'Agg'}
    cmd = [sys.executable, '-m', 'voila', str(NOTEBOOK), '--no-browser', f'--port={port}',
           '--Voila.ip=127.0.0.1', '--show_tracebacks=True']
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

def wait_http(url: str, proc, timeout: float = 60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None: raise RuntimeError(f"voila exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2): return
        except OSError: time.sleep(0.3)
    raise TimeoutError(f"voila did not answer at {url} within {timeout}s")

def stop_server(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try: proc.wait(10)
        except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait()

def set_readout(page, selector: str, value) -> None:
    "Type `value` into the editable readout of the slider `selector` (ipywidgets 8) and commit it."
    r = page.locator(f'{selector} .widget-readout')
    r.click(); page.keyboard.press('Control+A'); page.keyboard.type(str(value)); page.keyboard.press('Enter')

def text(page, selector: str) -> str: return page.locator(selector).inner_text()

def wait_text(page, selector: str, pattern: str, timeout: float = 60) -> str:
    "Wait until the text of `selector` matches `pattern`; return it."
    end = time.monotonic() + timeout
    while True:
        t = text(page, selector)
        if re.search(pattern, t) or time.monotonic() > end: return t
        page.wait_for_timeout(200)

def drive(page, check, screenshot: Path):
    page.wait_for_selector('.dg-composer', timeout=120_000)
    options = page.locator('.dg-picker select option').all_inner_texts()
    check('registry in the picker', 'erm' in options and len(options) >= 2, options)
    pair = [n for n in ('irm', 'coral') if n in options]
    if len(pair) < 2: pair = [n for n in options if n != 'erm'][:2]

    for n in pair:                                         # add two links
        page.select_option('.dg-picker select', n); page.click('.dg-add')
    spec = '_'.join(pair)
    check('two links added', wait_text(page, '.dg-spec', re.escape(spec)).endswith(spec), text(page, '.dg-spec'))
    check('chain is valid', 'valid chain' in wait_text(page, '.dg-message', 'valid chain'), text(page, '.dg-message'))

    page.select_option('.dg-picker select', 'erm'); page.click('.dg-add')       # a refused chain, live
    msg = wait_text(page, '.dg-message', 'refused')
    check('refusal shown live', 'refused' in msg and 'adds nothing' in msg, msg)
    check('Run disabled for a refused chain', page.locator('.dg-run').is_disabled())
    page.click('.dg-link-2 .dg-remove')
    check('refused link removed', 'valid chain' in wait_text(page, '.dg-message', 'valid chain'), text(page, '.dg-message'))

    page.click('.dg-link-1 .dg-up')                                            # reorder and back
    check('reorder', wait_text(page, '.dg-spec', re.escape('_'.join(pair[::-1]))).endswith('_'.join(pair[::-1])), text(page, '.dg-spec'))
    page.click('.dg-link-1 .dg-up')
    wait_text(page, '.dg-spec', re.escape(spec) + '$')

    hp = f'{pair[0]}.lambda'                                                    # move a slider
    sel = f".dg-hp-{hp.replace('.', '-')}"
    if page.locator(sel).count():
        set_readout(page, sel, 10)
        cli = wait_text(page, '.dg-export-cli', re.escape(f'{hp}=10'))
        check('slider sets the hyper-parameter', f'--set {hp}=10.0' in cli, cli)
        check('Python export follows', '10.0' in text(page, '.dg-export-python'), text(page, '.dg-export-python'))
    else: check(f'slider {sel} present', False)

    page.click('.dg-run')                                                       # train a few steps
    status = wait_text(page, '.dg-status', r'^(finished|failed|stopped)', timeout=90)
    check('run finished', status.startswith('finished'), status)
    check('status reports steps and terms', 'step 10' in status and 'task=' in status and f'{pair[0]}.' in status, status)
    check('status reports per-domain accuracy', re.search(r'selected epoch \d: .*\(test\) \d\.\d{3}', status), status)
    w = page.eval_on_selector('img.dg-plot', 'img => img.complete ? img.naturalWidth : 0')
    check('plot drawn', w > 100, w)
    page.locator('.dg-composer').screenshot(path=str(screenshot))
    check('screenshot saved', screenshot.exists() and screenshot.stat().st_size > 10_000, screenshot)

    set_readout(page, '.dg-epochs', 50)                                          # a long run, stopped
    set_readout(page, '.dg-steps', 200)
    wait_text(page, '.dg-export-cli', '--epochs 50')
    page.click('.dg-run')
    wait_text(page, '.dg-status', r'^running: .* step [1-9]', timeout=60)
    page.click('.dg-stop')
    status = wait_text(page, '.dg-status', r'^(finished|failed|stopped)', timeout=60)
    m = re.search(r'step (\d+)', status)
    check('Stop ends the run', status.startswith('stopped') and m and int(m.group(1)) < 50 * 200, status)
    check('Run enabled again', not page.locator('.dg-run').is_disabled())

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--screenshot', default=str(ROOT / 'docs' / 'images' / 'composer.png'))
    ap.add_argument('--chromium', default=os.environ.get('CHROMIUM', '/usr/bin/chromium'))
    ap.add_argument('--keep-log', action='store_true', help='print the Voila log at the end')
    args = ap.parse_args()
    check, t0 = Checks(), time.monotonic()
    screenshot = Path(args.screenshot); screenshot.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='dg-browser-') as tmp:
        log_path = Path(tmp) / 'voila.log'
        port = free_port()
        with open(log_path, 'w') as log:
            server = start_voila(port, log)
            try:
                wait_http(f'http://127.0.0.1:{port}/', server)
                from playwright.sync_api import sync_playwright
                with sync_playwright() as p:
                    ctx = p.chromium.launch_persistent_context(str(Path(tmp) / 'profile'), executable_path=args.chromium,
                                                               headless=True, args=FLAGS, viewport={'width': 1100, 'height': 1700})
                    try:
                        page = ctx.new_page()
                        page.set_default_timeout(60_000)
                        page.goto(f'http://127.0.0.1:{port}/', wait_until='domcontentloaded')
                        drive(page, check, screenshot)
                    finally: ctx.close()
            except Exception as e:
                check('browser session', False, f'{type(e).__name__}: {e}')
            finally:
                stop_server(server)
        if args.keep_log or check.failed: print(log_path.read_text()[-4000:])
    print(f'({time.monotonic() - t0:.0f}s)')
    print(f'browser: {check.passed} passed, {check.failed} failed')
    return 1 if check.failed else 0

if __name__ == '__main__': sys.exit(main())
