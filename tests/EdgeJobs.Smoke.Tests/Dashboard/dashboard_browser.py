#!/usr/bin/python3
"""The dashboard in a real headless Chromium, against a running `edgejobs up` (DashboardBrowserTests.cs starts it).

Debian's chromium, chromium-driver and python3-selenium (scripts/install-deps): run with /usr/bin/python3, whose
site-packages hold selenium. Every step fails on any error the browser logs, except a response the step itself
provokes and names (a 409 for a delete of a running job); every request the page makes must go to the coordinator's
own origin. Screenshots of each page go to --out. Exit 0 when every step passed.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait


class Failure(Exception):
    pass


class Api:
    """REST API v1 with the bearer token, as an upstream system calls it (not through the page)."""

    def __init__(self, base, token):
        self.base = base
        self.token = token

    def call(self, method, path, body=None, data=None, content_type='application/json'):
        headers = {'Authorization': f'Bearer {self.token}'}
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            headers['Content-Type'] = content_type
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                text = response.read()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, (json.loads(text) if text else None)


class Browser:
    def __init__(self, base, out, downloads):
        self.base = base
        self.out = out
        self.downloads = downloads
        self.expected_errors = []  # (url fragment, status) the current step provokes on purpose
        self.requests = []
        options = webdriver.ChromeOptions()
        options.binary_location = '/usr/bin/chromium'
        for argument in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1280,900',
                         '--no-first-run', '--disable-extensions', '--disable-background-networking', '--disable-sync',
                         '--disable-component-update', '--disable-default-apps', '--lang=en-US'):
            options.add_argument(argument)
        options.add_experimental_option('prefs', {'download.default_directory': downloads, 'download.prompt_for_download': False})
        options.set_capability('goog:loggingPrefs', {'browser': 'ALL', 'performance': 'ALL'})
        self.driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=options)
        self.driver.execute_cdp_cmd('Browser.setDownloadBehavior', {'behavior': 'allow', 'downloadPath': downloads})

    def quit(self):
        self.driver.quit()

    # ---- what the page did ----
    def collect_requests(self):
        for entry in self.driver.get_log('performance'):
            message = json.loads(entry['message'])['message']
            if message['method'] == 'Network.requestWillBeSent':
                self.requests.append(message['params']['request']['url'])
        return len(self.requests)

    def check_console(self, step):
        self.collect_requests()
        errors = []
        for entry in self.driver.get_log('browser'):
            if entry['level'] != 'SEVERE':
                continue
            text = entry['message']
            if entry.get('source') == 'network' and any(f in text and f'status of {s}' in text for f, s in self.expected_errors):
                continue
            errors.append(text)
        self.expected_errors = []
        if errors:
            raise Failure(f'{step}: the browser logged errors: {errors}')

    def check_same_origin(self):
        self.collect_requests()
        foreign = [u for u in self.requests if not (u.startswith(self.base + '/') or u.startswith('data:') or u.startswith('blob:'))]
        if foreign:
            raise Failure(f'the page made requests to other origins: {foreign}')
        if len(self.requests) < 20:
            raise Failure(f'only {len(self.requests)} requests were seen: the request log is not working')

    def check_labels(self, page):
        """Every control a screen reader meets has a name."""
        unnamed = self.driver.execute_script("""
            const name = (el) => (el.getAttribute('aria-label') || (el.labels && [...el.labels].map(l => l.textContent).join(' '))
                || (el.getAttribute('aria-labelledby') && document.getElementById(el.getAttribute('aria-labelledby'))?.textContent)
                || (['BUTTON', 'A'].includes(el.tagName) ? el.textContent : '') || '').trim();
            return [...document.querySelectorAll('input, select, textarea, button, a[href], progress')]
              .filter(el => el.offsetParent !== null || el.getClientRects().length)
              .filter(el => !name(el)).map(el => el.outerHTML.slice(0, 120));""")
        if unnamed:
            raise Failure(f'{page}: controls without an accessible name: {unnamed}')

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.out, f'{name}.png'))

    # ---- finding things ----
    def wait(self, what, condition, timeout=15):
        try:
            # A row rebuilt under the reader (stale) or not there yet (None) is just not yet.
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1,
                                 ignored_exceptions=(NoSuchElementException, StaleElementReferenceException, AttributeError)).until(lambda d: condition())
        except Exception as e:
            raise Failure(f'timed out after {timeout} s waiting for {what}') from e

    def find(self, css):
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        return found[0] if found else None

    def testid(self, testid, within=None):
        found = (within or self.driver).find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')
        return found[0] if found else None

    def text_of(self, testid):
        el = self.testid(testid)
        return el.text if el is not None else ''

    def visible(self, testid):
        el = self.testid(testid)
        return el is not None and el.is_displayed()

    def click(self, testid):
        """Clicks what the test id names, finding it again if the page rebuilt it in between."""
        def attempt():
            self.testid(testid).click()
            return True
        self.wait(f'{testid} to be clicked', attempt, 5)

    def go(self, hash_route):
        self.driver.execute_script('location.hash = arguments[0]', hash_route)


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def make_gradient(data_root, name):
    """A georeferenced Float32 raster (EPSG:32633, 300 x 200 pixels of 10 m) that is not constant: a diagonal ramp."""
    os.makedirs(data_root, exist_ok=True)
    grid = os.path.join(data_root, 'gradient.asc')
    with open(grid, 'w') as f:
        f.write('ncols 300\nnrows 200\nxllcorner 500000\nyllcorner 5000000\ncellsize 10\nNODATA_value -9999\n')
        for row in range(200):
            f.write(' '.join(str(row + col * 0.5) for col in range(300)) + '\n')
    subprocess.run(['gdal_translate', '-q', '-ot', 'Float32', '-a_srs', 'EPSG:32633', grid, os.path.join(data_root, name)], check=True)


def wait_for_download(b, name, timeout=20):
    path = os.path.join(b.downloads, name)
    b.wait(f'{name} to download', lambda: os.path.exists(path) and not os.path.exists(path + '.crdownload'), timeout)
    return path


def run(args):
    token = open(args.token_file).read().strip()
    api = Api(args.url, token)
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.downloads, exist_ok=True)
    b = Browser(args.url, args.out, args.downloads)
    d = b.driver
    try:
        # ---- sign in, by keyboard; a bad token is refused with a message ----
        d.get(args.url + '/ui/')
        b.wait('the sign-in form', lambda: b.find('#token'))
        b.check_labels('sign-in')
        b.shot('sign-in')
        b.expected_errors.append(('/ui/session', 401))
        d.switch_to.active_element.send_keys('ej_not-a-token', Keys.ENTER)
        b.wait('the bad token message', lambda: 'not known' in b.text_of('sign-in-error'))
        b.check_console('bad token')
        d.switch_to.active_element.send_keys(token, Keys.ENTER)
        b.wait('the jobs page', lambda: b.visible('sign-out') and b.find('main h1') and b.find('main h1').text == 'Jobs')
        b.check_console('sign in')

        # ---- the token is in no storage, no URL, and the cookie is HttpOnly and SameSite=Strict ----
        cookie = d.get_cookie('edgejobs_session')
        if not cookie or not cookie['httpOnly'] or cookie.get('sameSite') != 'Strict':
            raise Failure(f'the session cookie is not HttpOnly and SameSite=Strict: {cookie}')
        stored = d.execute_script('return JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])')
        if token in stored or token in d.current_url or 'edgejobs_session' in stored:
            raise Failure('the token or the session id is readable by the page')
        d.execute_script('window.__sameDocument = true')  # gone if the page ever reloads
        b.check_labels('jobs')

        # ---- a job submitted through the API appears and progresses without a reload ----
        status, job = api.call('POST', '/v1/jobs', {'tool': 'sleep', 'params': {'seconds': 40}, 'force': True})
        if status != 202:
            raise Failure(f'submit answered {status}: {job}')
        sleeper = job['id']
        row = f'job-row-{sleeper}'
        b.wait('the new job in the table', lambda: b.testid(row), 10)
        b.wait('the job running', lambda: b.testid('job-status', b.testid(row)).text == 'running', 15)
        progress = lambda: float(b.testid(row).find_element(By.CSS_SELECTOR, 'progress').get_attribute('value') or 0)
        b.wait('progress above zero', lambda: progress() > 0, 10)
        first = progress()
        b.wait('progress to move on', lambda: progress() > first, 10)
        b.check_console('live table')
        b.shot('jobs')

        # ---- an idle page asks little: requests in 10 s of looking at the jobs table ----
        before = b.collect_requests()
        time.sleep(10)
        idle = (b.collect_requests() - before) / 10
        print(f'idle jobs page: {idle:.1f} requests/s')
        if idle > 2:
            raise Failure(f'the idle jobs page makes {idle:.1f} requests/s')

        # ---- a delete of a running job is refused, and the page says why ----
        b.testid(row).find_element(By.CSS_SELECTOR, 'input[type=checkbox]').send_keys(Keys.SPACE)
        b.expected_errors.append((f'/v1/jobs/{sleeper}', 409))
        b.click('jobs-delete-selected')
        b.wait('the 409 message', lambda: 'job_active' in b.text_of('jobs-message'))
        if f'Job {sleeper} was not deleted' not in b.text_of('jobs-message'):
            raise Failure(f'unexpected message: {b.text_of("jobs-message")}')
        b.check_console('delete refused')
        b.shot('jobs-delete-refused')
        if api.call('GET', f'/v1/jobs/{sleeper}')[1]['status'] != 'running':
            raise Failure('the refused delete changed the job')

        # ---- its detail follows the log live; stop ends it stopped ----
        b.testid(row).find_element(By.CSS_SELECTOR, f'a[href="#/jobs/{sleeper}"]').click()
        b.wait('the job page', lambda: b.text_of('job-status') == 'running')
        b.wait('the log', lambda: 'sleeping 40 s' in b.text_of('job-log'))
        seen = b.text_of('job-log').count('\n')
        b.wait('the log to follow', lambda: b.text_of('job-log').count('\n') > seen, 10)
        if b.visible('job-delete'):
            raise Failure('delete is offered for a running job')
        b.check_labels('job')
        b.shot('job-running')
        b.click('job-stop')
        b.wait('the job stopped', lambda: b.text_of('job-status') == 'stopped', 15)
        b.wait('the stop in the timeline', lambda: 'stop_requested' in b.find('main table').text)
        if b.visible('job-stop'):
            raise Failure('stop is still offered for a stopped job')
        b.check_console('stop')
        b.shot('job-stopped')
        b.click('job-delete')
        b.wait('the jobs page after the delete', lambda: b.find('main h1') and b.find('main h1').text == 'Jobs')
        if api.call('GET', f'/v1/jobs/{sleeper}')[0] != 404:
            raise Failure('the deleted job is still there')
        b.check_console('delete')

        # ---- an artifact downloads, the same bytes ----
        status, job = api.call('POST', '/v1/jobs', {'tool': 'random-artifact', 'params': {'bytes': 3000000, 'seed': 7}, 'force': True})
        maker = job['id']
        b.go(f'#/jobs/{maker}')
        b.wait('the artifact job completed', lambda: b.text_of('job-status') == 'completed', 20)
        b.wait('the download link', lambda: b.visible('job-artifact'))
        b.click('job-artifact')
        artifact = api.call('GET', f'/v1/jobs/{maker}')[1]['artifact']
        path = wait_for_download(b, 'random-7-3000000.bin')
        if sha256(path) != artifact['sha256']:
            raise Failure('the downloaded artifact differs from the job\'s')
        b.check_console('artifact')
        b.shot('job-completed')
        # Not a GeoTIFF: no map, and no tiles.json asked (it would answer 404).
        b.wait('no map preview for a .bin', lambda: 'not a GeoTIFF' in b.text_of('map-none'))
        b.collect_requests()
        if any(f'/v1/jobs/{maker}/tiles' in u for u in b.requests):
            raise Failure('tiles.json was asked for an artifact that is not a raster')

        # ---- a raster output on a map: tiles from this origin, restyled by the colormap ----
        make_gradient(args.data_root, 'gradient.tif')
        status, job = api.call('POST', '/v1/jobs', {'tool': 'build', 'params': {'path': 'gradient.tif'}, 'force': True})
        if status != 202:
            raise Failure(f'build submit answered {status}: {job}')
        raster = job['id']
        b.go(f'#/jobs/{raster}')
        b.wait('the build job completed', lambda: b.text_of('job-status') == 'completed', 60)
        b.wait('the map', lambda: b.visible('map'), 15)
        tiles = lambda: d.execute_script("""
            return [...document.querySelectorAll('[data-testid=map] img.leaflet-tile')]
              .filter(i => i.complete && i.naturalWidth > 0).map(i => [i.src, i.naturalWidth]);""")
        prefix = f'{args.url}/v1/jobs/{raster}/tiles/'
        b.wait('a tile loaded', lambda: any(src.startswith(prefix) and w == 256 for src, w in tiles()), 20)
        rescale = b.testid('map-rescale').get_attribute('value')
        if not rescale or ',' not in rescale:
            raise Failure(f'the rescale of a Float32 raster is not prefilled from its band: {rescale!r}')
        settled = lambda: d.execute_script("""
            const all = [...document.querySelectorAll('[data-testid=map] img.leaflet-tile')];
            return all.length > 0 && all.every(i => i.complete && i.classList.contains('leaflet-tile-loaded'));""")
        b.check_labels('job-map')
        b.check_console('map')
        b.testid('map').location_once_scrolled_into_view
        b.wait('every tile loaded', settled, 20)
        time.sleep(0.5)  # Leaflet fades tiles in
        b.shot('job-map')
        Select(b.testid('map-colormap')).select_by_value('magma')
        b.wait('tiles in magma', lambda: any(src.startswith(prefix) and 'colormap=magma' in src and w == 256 for src, w in tiles()), 20)
        b.wait('every tile in magma', lambda: settled() and all('colormap=magma' in src for src, _ in tiles()), 20)
        time.sleep(0.5)
        b.check_console('map colormap')
        b.shot('job-map-magma')
        d.execute_script("window.__mapBox = document.querySelector('[data-testid=map]')")

        # ---- nodes: drain the local one, then take jobs again ----
        nodes = api.call('GET', '/v1/nodes')[1]['nodes']
        local = next(n for n in nodes if '(local)' in n['name'])['id']
        b.find('a[data-nav="nodes"]').click()
        b.wait('the nodes page', lambda: b.testid(f'node-drain-{local}'))
        # The job page's map went with its page (Leaflet's map.remove() clears the container's id and its listeners).
        if d.execute_script("return window.__mapBox == null || window.__mapBox._leaflet_id !== undefined"):
            raise Failure('the map of the job page was not removed when the page changed')
        b.check_labels('nodes')
        b.click(f'node-drain-{local}')
        b.wait('the node draining', lambda: b.testid(f'node-enable-{local}') and 'draining' in b.testid(f'node-row-{local}').text)
        if next(n for n in api.call('GET', '/v1/nodes')[1]['nodes'] if n['id'] == local)['state'] != 'draining':
            raise Failure('the coordinator does not show the node draining')
        b.shot('nodes-draining')
        b.click(f'node-enable-{local}')
        b.wait('the node ready again', lambda: b.testid(f'node-drain-{local}') and 'ready' in b.testid(f'node-row-{local}').text)
        b.check_console('nodes')

        # ---- a campaign: its page, and its batch's children on the batch's page ----
        survey = os.path.join(args.data_root, 'survey')
        os.makedirs(survey, exist_ok=True)
        for i in range(3):
            open(os.path.join(survey, f'scene{i}.txt'), 'w').write('x')
        status, body = api.call('POST', '/v1/campaigns', {'id': 'survey', 'title': 'Survey', 'source': {'type': 'data_root', 'root': 'survey', 'glob': '*.txt'},
                                                          'template': {'tool': 'sleep', 'params': {'seconds': 0.2}}})
        if status not in (200, 201):
            raise Failure(f'campaign create answered {status}: {body}')
        status, batch = api.call('POST', '/v1/campaigns/survey/batches', {'max_records': 3})
        if status != 202:
            raise Failure(f'batch answered {status}: {batch}')
        b.find('a[data-nav="campaigns"]').click()
        b.wait('the campaign row', lambda: b.testid('campaign-row-survey'))
        b.shot('campaigns')
        b.wait('a click on campaign-row-survey', lambda: b.testid('campaign-row-survey').find_element(By.TAG_NAME, 'a').click() or True, 5)  # rows are rebuilt every 5 s
        b.wait('the campaign ended', lambda: '100.0% of 3 children ended' in b.find('main').text, 20)
        b.shot('campaign')
        # Keyboard focus survives the pages' refresh: rows are redrawn only when they change, and focus is given back.
        b.find('a[data-nav="campaigns"]').click()
        b.wait('the ended campaign listed', lambda: '100.0%' in b.testid('campaign-row-survey').text)
        b.driver.execute_script('arguments[0].focus()', b.testid('campaign-row-survey').find_element(By.TAG_NAME, 'a'))
        time.sleep(6)  # longer than the page's 5 s refresh
        focused = b.driver.execute_script(
            "const a = document.activeElement; const row = a && a.closest('[data-testid]'); return row ? row.dataset.testid + ' ' + a.tagName : a && a.tagName")
        if focused != 'campaign-row-survey A':
            raise Failure(f'the campaigns page took the keyboard focus away on refresh: it is on {focused}')
        b.go('#/campaigns/survey')
        b.wait('the campaign page again', lambda: '100.0% of 3 children ended' in b.find('main').text, 20)
        b.go(f'#/jobs/{batch["id"]}')
        b.wait('the batch\'s three children', lambda: b.find('main').text.count('sleep') >= 3 and 'Children' in b.find('main').text, 15)
        b.shot('campaign-batch')
        b.check_console('campaigns')

        # ---- a recipe job lists its steps, each linking to its step job ----
        status, recipe = api.call('POST', '/v1/jobs', {'recipe': {'name': 'two-sleeps', 'version': '1', 'steps': [
            {'id': 'first', 'tool': 'sleep', 'params': {'seconds': 0.2}},
            {'id': 'second', 'tool': 'sleep', 'params': {'seconds': 0.3}, 'depends_on': ['first']}]}})
        if status != 202:
            raise Failure(f'recipe submit answered {status}: {recipe}')
        b.go(f'#/jobs/{recipe["id"]}')
        b.wait('the recipe completed', lambda: b.text_of('job-status') == 'completed', 20)
        b.wait('its two steps', lambda: 'Steps' in b.find('main').text and len(d.find_elements(By.CSS_SELECTOR, 'main a[href^="#/jobs/"]')) >= 2)
        steps = b.find('main').text
        if 'first' not in steps or 'second' not in steps:
            raise Failure('the recipe\'s steps are not listed')
        b.shot('job-recipe')
        b.check_console('recipe')

        # ---- a filter the API refuses says why, and changes nothing ----
        b.go('#/jobs?status=all')
        b.wait('the jobs page', lambda: b.find('main h1').text == 'Jobs')
        b.expected_errors.append(('/v1/jobs?', 400))
        node = b.find('#f-node')
        node.send_keys('abc', Keys.ENTER)
        b.wait('the refusal', lambda: 'node must be a node id' in b.text_of('jobs-message'))
        node.clear()
        node.send_keys(Keys.ENTER)
        b.wait('the refusal gone', lambda: b.text_of('jobs-message') == '' and b.testid(f'job-row-{recipe["id"]}'))
        b.check_console('bad filter')

        # ---- pages of 50 through the API's cursor ----
        for _ in range(50):
            api.call('POST', '/v1/jobs', {'tool': 'sleep', 'params': {'seconds': 0}, 'force': True})
        total = len(api.call('GET', '/v1/jobs?status=all&limit=1000')[1]['jobs'])
        rows = lambda: len(d.find_elements(By.CSS_SELECTOR, 'main tbody tr[data-testid^="job-row-"]'))
        b.go('#/jobs?status=all')
        b.wait('a first page of 50', lambda: rows() == 50)
        b.click('jobs-older')
        b.wait(f'a second page of {total - 50}', lambda: rows() == total - 50 and 'page 2' in b.find('.pager').text)
        b.click('jobs-newer')
        b.wait('the first page again', lambda: rows() == 50 and 'page 1' in b.find('.pager').text)
        b.check_console('paging')

        # ---- datasets: upload with progress, then download the same bytes ----
        status, _ = api.call('PUT', '/v1/datasets/default/demo')
        if status not in (200, 201):
            raise Failure(f'dataset create answered {status}')
        b.find('a[data-nav="datasets"]').click()
        b.wait('the dataset row', lambda: b.testid('dataset-row-default-demo'))
        b.shot('datasets')
        b.wait('a click on dataset-row-default-demo', lambda: b.testid('dataset-row-default-demo').find_element(By.TAG_NAME, 'a').click() or True, 5)  # rows are rebuilt every 5 s
        b.wait('the dataset page', lambda: b.testid('upload-file'))
        b.check_labels('dataset')
        upload = os.path.join(os.path.dirname(os.path.abspath(args.downloads)), 'upload-scene.bin')
        with open(upload, 'wb') as f:
            f.write(os.urandom(4 * 1024 * 1024))
        b.testid('upload-file').send_keys(os.path.abspath(upload))
        b.testid('upload-path').clear()
        b.testid('upload-path').send_keys('scenes/scene.bin')
        b.click('upload')
        b.wait('the upload to finish', lambda: 'Uploaded scenes/scene.bin' in b.text_of('dataset-message'), 30)
        if b.text_of('upload-progress') != 'done':
            raise Failure(f'upload progress shows {b.text_of("upload-progress")!r}')
        b.wait('the uploaded entry', lambda: b.testid('entry-row-scenes/scene.bin'))
        b.shot('dataset')
        b.wait('a click on entry-row-scenes/scene.bin', lambda: b.testid('entry-row-scenes/scene.bin').find_element(By.TAG_NAME, 'a').click() or True, 5)  # rows are rebuilt every 5 s
        if sha256(wait_for_download(b, 'scene.bin')) != sha256(upload):
            raise Failure('the downloaded dataset file differs from the upload')
        b.check_console('datasets')

        # ---- a phone-width screen, and the dark theme ----
        b.go('#/jobs?status=all')
        b.wait('the jobs page', lambda: b.find('main h1').text == 'Jobs' and rows() > 0)
        d.set_window_size(390, 844)
        for name, route, ready in (('jobs-phone', None, None), ('job-phone', f'#/jobs/{maker}', 'job-status'), ('nodes-phone', '#/nodes', f'node-drain-{local}')):
            if route:
                b.go(route)
                b.wait(name, lambda: b.visible(ready))
            time.sleep(0.3)
            overflow = d.execute_script('return document.documentElement.scrollWidth - window.innerWidth')
            if overflow > 1:
                raise Failure(f'{name}: at phone width the page is {overflow} px wider than the screen')
            b.shot(name)
        b.go('#/jobs?status=all')
        b.wait('the jobs page', lambda: b.find('main h1').text == 'Jobs' and rows() > 0)
        d.set_window_size(1280, 900)
        d.execute_cdp_cmd('Emulation.setEmulatedMedia', {'features': [{'name': 'prefers-color-scheme', 'value': 'dark'}]})
        background = d.execute_script('return getComputedStyle(document.body).backgroundColor')
        if background != 'rgb(21, 23, 26)':
            raise Failure(f'the dark theme is not applied: body background {background}')
        b.shot('jobs-dark')
        b.find('#theme').click()  # chooses light over the system's dark
        background = d.execute_script('return getComputedStyle(document.body).backgroundColor')
        if background != 'rgb(251, 251, 252)':
            raise Failure(f'the theme button did not switch to light: body background {background}')
        b.check_console('themes')

        if not d.execute_script('return window.__sameDocument === true'):
            raise Failure('the page was reloaded')

        # ---- sign out ends the session ----
        b.testid('sign-out').click()
        b.wait('the sign-in form', lambda: b.find('#token'))
        if d.get_cookie('edgejobs_session'):
            raise Failure('the session cookie outlived the sign-out')
        b.check_console('sign out')
        b.check_same_origin()
        print(f'{len(b.requests)} requests, all to {args.url}')
        return 0
    except Exception:
        traceback.print_exc()
        try:
            b.shot('failure')
            print('browser log:', json.dumps(d.get_log('browser'), indent=1))
        except Exception:
            pass
        return 1
    finally:
        b.quit()


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--url', required=True)
    parser.add_argument('--token-file', required=True)
    parser.add_argument('--data-root', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--downloads', required=True)
    sys.exit(run(parser.parse_args()))
