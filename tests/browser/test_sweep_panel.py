"""Drive the sweep panel (dgnotebook.sweep_panel) in headless Chromium through a Voila server.

Opens tests/browser/sweep_panel.ipynb (a 12-job sweep of stand-in jobs on a thread pool), checks the initial
state (Launch, 12 pending), clicks Launch, sees the button disabled while it runs and the counts and progress
bar follow the jobs to "12 done", then reads the table (rows erm and irm) and the validation-vs-held-out plot,
switches the selection rule to the oracle and sees the table change, and saves a screenshot.
Prints one line per check and a last line `browser: N passed, M failed`.

usage: python tests/browser/test_sweep_panel.py [--screenshot PATH] [--chromium PATH] [--keep-log]
"""
import sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_composer import ROOT, HERE

def wait_for(page, fn, timeout: float = 90) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if fn(): return True
        page.wait_for_timeout(250)
    return False

def drive(page, check, screenshot: Path):
    page.wait_for_selector('.dg-sweep-panel', timeout=120_000)
    counts = lambda: page.locator('.dg-sweep-counts').inner_text()
    button = page.locator('.dg-sweep-launch')
    check('panel shows 12 pending jobs', '12 pending' in counts(), counts())
    check('button says Launch', button.inner_text().strip() == 'Launch', button.inner_text())
    button.click()
    check('button disabled while the sweep runs', wait_for(page, button.is_disabled, 20))
    check('counts reach 12 done', wait_for(page, lambda: '12 done' in counts(), 120), counts())
    check('button says All done', wait_for(page, lambda: 'All done' in button.inner_text(), 20), button.inner_text())
    table = page.locator('.dg-sweep-table')
    check('table has erm and irm rows', wait_for(page, lambda: 'erm' in table.inner_text() and 'irm' in table.inner_text(), 30),
          table.inner_text()[:300])
    check('plot drawn', wait_for(page, lambda: page.eval_on_selector('img.dg-sweep-plot', 'i => i.complete ? i.naturalWidth : 0') > 100, 30))
    before = table.inner_text()
    page.select_option('.dg-sweep-rule select', 'oracle')
    check('rule switch redraws the table', wait_for(page, lambda: table.inner_text() != before and 'oracle' in table.inner_text().lower(), 30),
          table.inner_text()[:200])
    page.locator('.dg-sweep-panel').screenshot(path=str(screenshot))
    check('screenshot saved', screenshot.exists() and screenshot.stat().st_size > 1000)

if __name__ == '__main__':
    import test_composer as T          # the same server, browser and checks; this panel's notebook and steps
    T.NOTEBOOK, T.drive = HERE / 'sweep_panel.ipynb', drive
    if not any(a.startswith('--screenshot') for a in sys.argv[1:]):
        sys.argv += ['--screenshot', str(ROOT / 'docs' / 'images' / 'sweep_panel.png')]
    sys.exit(T.main())
