#!/usr/bin/python3
"""Pages the dashboard's jobs table from the newest job to the oldest in headless Chromium (scripts/bench-dashboard).

Each page is timed inside the browser: from the click on "Older →" to the next animation frame after the page's rows
and its "page N" label are in place, so Selenium's own round trips are not counted. Prints the first and last 100
pages' median and p95, and the server's time for GET /v1/jobs at the first and the last cursor.
"""
import argparse
import json
import statistics
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# Resolves with the milliseconds from the click to the frame after the new page's label; null on the last page.
NEXT_PAGE = """
const done = arguments[arguments.length - 1];
const older = document.querySelector('[data-testid="jobs-older"]');
const label = document.querySelector('.pager span');
if (older.disabled) { done(null); return; }
const before = label.textContent;
const t0 = performance.now();
const seen = new MutationObserver(() => {
  if (label.textContent === before) return;
  seen.disconnect();
  requestAnimationFrame(() => done(performance.now() - t0));
});
seen.observe(label, { childList: true, characterData: true, subtree: true });
older.click();
"""


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def server_ms(url, token, cursor, repeat=50):
    """Median milliseconds of GET /v1/jobs?status=all&limit=50 at a cursor, over keep-alive-less requests."""
    query = '/v1/jobs?status=all&limit=50' + (f'&cursor={cursor}' if cursor else '')
    times = []
    for _ in range(repeat):
        request = urllib.request.Request(url + query, headers={'Authorization': f'Bearer {token}'})
        t0 = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.loads(response.read())
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--url', required=True)
    parser.add_argument('--token-file', required=True)
    args = parser.parse_args()
    token = open(args.token_file).read().strip()

    options = webdriver.ChromeOptions()
    options.binary_location = '/usr/bin/chromium'
    for argument in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1280,900',
                     '--no-first-run', '--disable-extensions', '--disable-background-networking', '--disable-sync'):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=options)
    driver.set_script_timeout(30)
    try:
        driver.get(args.url + '/ui/')
        wait = WebDriverWait(driver, 20, poll_frequency=0.05)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#token'))
        driver.find_element(By.CSS_SELECTOR, '#token').send_keys(token + '\n')
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="sign-out"]'))
        driver.execute_script("location.hash = '#/jobs?status=all'")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, 'tbody tr[data-id]')) == 50)

        pages = []
        started = time.perf_counter()
        while True:
            ms = driver.execute_async_script(NEXT_PAGE)
            if ms is None:
                break
            pages.append(ms)
            if len(pages) % 250 == 0:
                print(f'   ... page {len(pages) + 1}: {ms:.1f} ms', flush=True)
        elapsed = time.perf_counter() - started
        label = driver.find_element(By.CSS_SELECTOR, '.pager span').text
        oldest = driver.find_elements(By.CSS_SELECTOR, 'tbody tr[data-id]')[-1].get_attribute('data-id')
        errors = [e['message'] for e in driver.get_log('browser') if e['level'] == 'SEVERE']
    finally:
        driver.quit()

    first, last = pages[:100], pages[-100:]
    print(f'   paged {len(pages) + 1} pages in {elapsed:.1f} s; the last is "{label}", ending at job #{oldest}')
    print(f'   {"pages":<16}{"median ms":>10}{"p95 ms":>10}{"max ms":>10}')
    for name, values in (('first 100', first), ('last 100', last), ('all', pages)):
        print(f'   {name:<16}{statistics.median(values):>10.1f}{percentile(values, 95):>10.1f}{max(values):>10.1f}')
    print(f'   last/first median: {statistics.median(last) / statistics.median(first):.2f}x')
    if errors:
        print(f'   the browser logged errors: {errors}')

    head_ms, head = server_ms(args.url, token, None)
    # The cursor of the last page: page back from the oldest job's id, as next_cursor would.
    tail_cursor = None
    body = head
    while body.get('next_cursor'):
        tail_cursor = body['next_cursor']
        request = urllib.request.Request(f'{args.url}/v1/jobs?status=all&limit=1000&cursor={tail_cursor}', headers={'Authorization': f'Bearer {token}'})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.loads(response.read())
    tail_ms, _ = server_ms(args.url, token, tail_cursor)
    print(f'   GET /v1/jobs?status=all&limit=50 (server, median of 50): first page {head_ms:.2f} ms, a cursor near the oldest {tail_ms:.2f} ms')
    return 1 if errors else 0


if __name__ == '__main__':
    raise SystemExit(main())
