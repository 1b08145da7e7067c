// The map preview of a completed job's raster output (the job page): Leaflet (vendor/, loaded only when a page needs
// it) over the job's web-map tiles (/v1/jobs/ID/tiles.json and its tile URL). No base map: edge nodes are offline and
// the page requests nothing from another origin.
import { h, api, problemText, onPageEnd } from './core.js';

// raster-export's colormaps (EdgeJobs.Catalog/Rasters/Colormaps) that are worth a quick look; '' is plain grey.
const COLORMAPS = ['viridis', 'magma', 'inferno', 'plasma', 'greys', 'rdylgn', 'spectral', 'terrain'];
// Zoom levels past the raster's native one that the map still allows (the last native tiles, magnified).
const OVERZOOM = 3;

let leaflet = null;

// Leaflet's script and stylesheet, once per page load: files of this origin, as the CSP allows.
function loadLeaflet() {
  if (!leaflet) {
    leaflet = new Promise((resolve, reject) => {
      document.head.append(h('link', { rel: 'stylesheet', href: 'vendor/leaflet.css' }));
      const script = h('script', { src: 'vendor/leaflet.js' });
      script.addEventListener('load', () => resolve(window.L));
      script.addEventListener('error', () => { leaflet = null; reject(new Error('the map viewer did not load')); });
      document.head.append(script);
    });
  }
  return leaflet;
}

// Whether the job's output is worth asking tiles.json about: completed, an artifact not yet expired, a GeoTIFF by name.
// Anything else shows "no preview" without a request (a 404 or 410 would be an error in the browser's console).
export function previewable(job) {
  const a = job.artifact;
  return job.status === 'completed' && a != null && /\.tiff?$/i.test(a.name || '')
    && (a.expires_at == null || new Date(a.expires_at) > new Date());
}

// Fills `box` with the map of job `id`, or says why there is none.
export async function showMap(box, id) {
  const note = (text) => box.replaceChildren(h('p', { class: 'muted', 'data-testid': 'map-none' }, text));
  const result = await api('GET', `/v1/jobs/${id}/tiles.json`);
  if (!result.ok) {
    note(`No preview: ${problemText(result)}.`);
    return;
  }
  const info = result.data;
  let L;
  try {
    L = await loadLeaflet();
  } catch (e) {
    note(`No preview: ${e.message}.`);
    return;
  }

  // The page may have gone while tiles.json and Leaflet loaded: nothing to draw then.
  if (!box.isConnected) return;
  const single = info.bands.length === 1;
  const band = info.bands[0] || {};
  const rescale = h('input', {
    id: 'map-rescale', type: 'text', inputmode: 'decimal', placeholder: 'min,max', 'data-testid': 'map-rescale',
    'aria-describedby': 'map-rescale-help',
    value: info.data_type !== 'Byte' && band.min != null && band.max != null ? `${band.min},${band.max}` : null,
  });
  const colormap = h('select', { id: 'map-colormap', 'data-testid': 'map-colormap' },
    h('option', { value: '' }, 'grey'), COLORMAPS.map((name) => h('option', { value: name }, name)));
  const container = h('div', {
    class: 'map', 'data-testid': 'map', role: 'region', 'aria-label': `Map preview of job ${id}'s output (arrow keys pan, + and - zoom)`,
  });
  const controls = single
    ? h('form', { class: 'filters', 'aria-label': 'Map style', 'data-testid': 'map-style' },
      h('div', null, h('label', { for: 'map-colormap' }, 'Colormap'), colormap),
      h('div', null, h('label', { for: 'map-rescale' }, 'Rescale'), rescale,
        h('span', { id: 'map-rescale-help', class: 'visually-hidden' }, 'Two numbers, minimum and maximum, stretched to the colormap; empty for the band\'s own range')),
      h('div', null, h('button', { type: 'submit' }, 'Apply')))
    : h('p', { class: 'muted' }, `${info.bands.length} bands, shown as RGB of the first three.`);
  box.replaceChildren(container, controls,
    h('p', { class: 'muted' }, `${info.width} × ${info.height} ${info.data_type}, zoom ${info.min_zoom}–${info.max_zoom}.`));

  function tileUrl() {
    const query = [];
    const range = rescale.value.replace(/\s+/g, '');
    if (single && /^-?[\d.eE+-]+,-?[\d.eE+-]+$/.test(range)) query.push(`rescale=${encodeURIComponent(range).replace(/%2C/g, ',')}`);
    if (single && colormap.value) query.push(`colormap=${encodeURIComponent(colormap.value)}`);
    return info.tiles + (query.length ? `?${query.join('&')}` : '');
  }

  const [w, s, e, n] = info.bounds;
  const bounds = L.latLngBounds([s, w], [n, e]);
  const map = L.map(container, {
    minZoom: info.min_zoom, maxZoom: info.max_zoom + OVERZOOM, attributionControl: false, keyboard: true,
    maxBounds: bounds.pad(1),
  });
  // Only tiles over the raster are asked for (bounds): outside it there is nothing to draw.
  const layer = L.tileLayer(tileUrl(), {
    tileSize: info.tile_size, minZoom: info.min_zoom, maxZoom: info.max_zoom + OVERZOOM, maxNativeZoom: info.max_zoom,
    minNativeZoom: info.min_zoom, bounds, noWrap: true,
  }).addTo(map);
  map.fitBounds(bounds);
  // Leaflet listens on window (resize) and keeps tiles loading: a page left behind must let it all go.
  onPageEnd(() => map.remove());

  const restyle = () => layer.setUrl(tileUrl());
  colormap.addEventListener('change', restyle);
  if (single) controls.addEventListener('submit', (event) => { event.preventDefault(); restyle(); });
}
