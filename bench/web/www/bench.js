// The benchmark page: times the wasm functions of motcua-bench-web and their
// peers (WebCrypto, browser-image-compression) in the same page, and leaves
// the results in `window.motcuaBench` for `cargo xtask bench-web` to read.
//
// Query: ?build=NAME (pkg/NAME/ holds the wasm-bindgen output)
//        &benches=forms,seal,scan  &peer=0 (skip the peers' scan runs)
//        &quick=1 (few samples: a smoke test, not a measurement)
//
// Clock: performance.now(). The page is not cross-origin isolated, so
// Chromium coarsens the clock to 0.1 ms; fast operations are therefore timed
// in batches of at least 20 ms and divided (`measureSync`, `measureAsync`).

const params = new URLSearchParams(location.search);
const build = params.get('build') || 'size';
const benches = (params.get('benches') || 'forms,seal,scan').split(',');
const withPeer = params.get('peer') !== '0';
const quick = params.get('quick') === '1';
// JPEG qualities at which to make one extra page per file (rust-decode path,
// deterministic, so one run each): the size/SSIM trade-off against the peer.
const sweep = (params.get('qualities') || '').split(',').filter(Boolean).map(Number);

const state = {
  done: false,
  error: null,
  log: [],
  result: null,
  // Outputs kept for quality checks, by key `FILE|METHOD`.
  outputs: {},
};
window.motcuaBench = state;

function log(line) {
  state.log.push(line);
  document.getElementById('log').textContent += line + '\n';
}

// Median, 90th percentile and spread of per-operation times in ms.
function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median_ms: median, p90_ms: at(0.9), min_ms: s[0], max_ms: s[s.length - 1], samples: s.length };
}

const SAMPLE_MS = 20;

// A fast synchronous operation: warm up, pick a batch size so that one
// sample lasts SAMPLE_MS, then take `samples` samples.
function measureSync(op, { samples = quick ? 5 : 40, warmupMs = quick ? 50 : 500 } = {}) {
  let n = 0;
  const w0 = performance.now();
  while (n < 3 || performance.now() - w0 < warmupMs) {
    op();
    n += 1;
  }
  const per = (performance.now() - w0) / n;
  const batch = Math.max(1, Math.ceil(SAMPLE_MS / Math.max(per, 0.001)));
  const times = [];
  for (let i = 0; i < samples; i += 1) {
    const t0 = performance.now();
    for (let k = 0; k < batch; k += 1) op();
    times.push((performance.now() - t0) / batch);
  }
  return { ...summarize(times), batch };
}

// The same for an operation that returns a promise (WebCrypto).
async function measureAsync(op, { samples = quick ? 5 : 40, warmupMs = quick ? 50 : 500 } = {}) {
  let n = 0;
  const w0 = performance.now();
  while (n < 3 || performance.now() - w0 < warmupMs) {
    await op();
    n += 1;
  }
  const per = (performance.now() - w0) / n;
  const batch = Math.max(1, Math.ceil(SAMPLE_MS / Math.max(per, 0.001)));
  const times = [];
  for (let i = 0; i < samples; i += 1) {
    const t0 = performance.now();
    for (let k = 0; k < batch; k += 1) await op();
    times.push((performance.now() - t0) / batch);
  }
  return { ...summarize(times), batch };
}

// A slow operation (hundreds of ms or more), timed one call at a time:
// `warmup` calls excluded, then at least `min` samples and more while the
// time budget lasts, at most `max`.
async function measureSlow(op, { warmup = 1, min = quick ? 2 : 5, max = quick ? 2 : 15, budgetMs = 6000 } = {}) {
  let last;
  for (let i = 0; i < warmup; i += 1) last = await op();
  const times = [];
  const start = performance.now();
  while (times.length < min || (times.length < max && performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    last = await op();
    times.push(performance.now() - t0);
  }
  return { stats: summarize(times), last };
}

function b64uDecode(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function clockResolution() {
  let smallest = Infinity;
  for (let i = 0; i < 200; i += 1) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    smallest = Math.min(smallest, b - a);
  }
  return smallest;
}

const rows = [];
function row(bench, caseName, impl, stats, extra = {}) {
  const r = { bench, case: caseName, impl, ...stats, ...extra };
  rows.push(r);
  log(`${bench} ${caseName} ${impl}: median ${stats.median_ms.toFixed(3)} ms, p90 ${stats.p90_ms.toFixed(3)} ms (${stats.samples} samples${stats.batch ? ` × ${stats.batch}` : ''})`);
  return r;
}

async function loadWasm() {
  const mod = await import(`./pkg/${build}/motcua_bench_web.js`);
  const exports = await mod.default();
  return { mod, memory: exports.memory };
}

// ---- forms (issue #3 item 9) ------------------------------------------------

async function benchForms(wasm) {
  const units = new Uint8Array(await (await fetch('units/units-2025.json')).arrayBuffer());
  for (const n of [100, 300]) {
    const form = new wasm.mod.FormsBench(n, units);
    const errors = form.evaluate();
    if (errors !== 0) throw new Error(`the generated ${n}-field form should be valid, got ${errors} errors`);
    row('forms', `${n} fields, valid`, 'wasm', measureSync(() => form.evaluate()), { fields: form.fields(), errors });
    if (n === 300) {
      form.break_one_field();
      const bad = form.evaluate();
      if (bad < 1) throw new Error('the broken form should have an error');
      row('forms', `${n} fields, one error`, 'wasm', measureSync(() => form.evaluate()), { fields: form.fields(), errors: bad });
    }
    form.free();
  }
}

// ---- seal (issue #5 item 8) -------------------------------------------------

async function benchSeal(wasm) {
  const bench = new wasm.mod.SealBench();
  if (!bench.jwk_round_trips()) throw new Error('public JWK does not round-trip');
  const signingInput = bench.signing_input();
  const manifest = bench.canonical_manifest();
  const extra = { manifest_bytes: manifest.length, signing_input_bytes: signingInput.length };

  // WebCrypto with the same key: open the same key file (PBKDF2, AES-GCM)
  // and import the PKCS#8 it holds. This is also the WebCrypto unlock.
  const subtle = crypto.subtle;
  const passphrase = new TextEncoder().encode(bench.passphrase());
  const salt = b64uDecode(bench.salt());
  const nonce = b64uDecode(bench.nonce());
  const ciphertext = b64uDecode(bench.ciphertext());
  const aad = bench.aad();
  const iterations = bench.iterations();
  const pbkdf2 = { name: 'PBKDF2', hash: 'SHA-256', salt, iterations };
  const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' };
  async function webcryptoDerive() {
    const base = await subtle.importKey('raw', passphrase, 'PBKDF2', false, ['deriveBits']);
    return subtle.deriveBits(pbkdf2, base, 256);
  }
  async function webcryptoUnlock() {
    const base = await subtle.importKey('raw', passphrase, 'PBKDF2', false, ['deriveKey']);
    const aes = await subtle.deriveKey(pbkdf2, base, { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
    const pkcs8 = await subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, aes, ciphertext);
    return subtle.importKey('pkcs8', pkcs8, ecdsa, false, ['sign']);
  }
  const privateKey = await webcryptoUnlock();
  const publicKey = await subtle.importKey('jwk', JSON.parse(bench.public_jwk()), ecdsa, false, ['verify']);
  const sigParams = { name: 'ECDSA', hash: 'SHA-256' };

  // Cross-checks: each side verifies the other's signature over the same bytes.
  const webSig = new Uint8Array(await subtle.sign(sigParams, privateKey, signingInput));
  if (!bench.check_signature(webSig)) throw new Error('ring rejects the WebCrypto signature');
  if (!(await subtle.verify(sigParams, publicKey, bench.signature(), signingInput))) {
    throw new Error('WebCrypto rejects the ring signature');
  }
  if (bench.unlock() !== bench.kid()) throw new Error('unlock gave another key');

  const perSecond = (s) => ({ ops_per_s: 1000 / s.median_ms });
  let s = measureSync(() => bench.seal());
  row('seal', 'seal dossier (canonicalize, header, sign, self-check)', 'wasm', s, { ...extra, ...perSecond(s) });
  s = measureSync(() => bench.verify());
  row('seal', 'verify dossier (canonicalize, header rules, verify)', 'wasm', s, { ...extra, ...perSecond(s) });
  s = measureSync(() => bench.sign_raw());
  row('seal', 'ECDSA P-256 sign', 'wasm', s, { ...extra, ...perSecond(s), vs: 'webcrypto' });
  s = await measureAsync(() => subtle.sign(sigParams, privateKey, signingInput));
  row('seal', 'ECDSA P-256 sign', 'webcrypto', s, { ...extra, ...perSecond(s) });
  s = measureSync(() => bench.verify_raw());
  row('seal', 'ECDSA P-256 verify', 'wasm', s, { ...extra, ...perSecond(s), vs: 'webcrypto' });
  s = await measureAsync(() => subtle.verify(sigParams, publicKey, webSig, signingInput));
  row('seal', 'ECDSA P-256 verify', 'webcrypto', s, { ...extra, ...perSecond(s) });

  const kdf = { iterations };
  let m = await measureSlow(async () => bench.unlock());
  row('seal', 'unlock key file (PBKDF2 600k + AES-GCM + key)', 'wasm', m.stats, { ...kdf, vs: 'webcrypto' });
  m = await measureSlow(webcryptoUnlock);
  row('seal', 'unlock key file (PBKDF2 600k + AES-GCM + key)', 'webcrypto', m.stats, kdf);
  m = await measureSlow(webcryptoDerive);
  row('seal', 'PBKDF2-HMAC-SHA256 600k only', 'webcrypto', m.stats, kdf);
  bench.free();
}

// ---- scan (issue #4 items 5-6) ----------------------------------------------

const DPI = 200;
const QUALITY = 75;
// browser-image-compression 2.0.2 with the issue's options; libURL must be
// absolute, since its worker runs from a blob: URL.
const PEER_OPTIONS = {
  maxWidthOrHeight: 2339,
  initialQuality: 0.75,
  useWebWorker: true,
  libURL: new URL('peer/browser-image-compression.js', location.href).href,
};

// Our pipeline runs in a worker, as in the app. A fresh worker per file and
// method, so that the memory it reports is that file's peak.
class ScanWorker {
  static async start() {
    const w = new ScanWorker();
    w.worker = new Worker('scan-worker.js', { type: 'module' });
    w.pending = null;
    w.worker.onmessage = (e) => {
      const p = w.pending;
      w.pending = null;
      if (p) p(e.data);
    };
    w.worker.onerror = (e) => {
      const p = w.pending;
      w.pending = null;
      if (p) p({ ok: false, error: `worker error: ${e.message}` });
    };
    const ready = await w.call({ cmd: 'init', build });
    if (!ready.ok) throw new Error(ready.error);
    return w;
  }

  call(message, transfer = []) {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.worker.postMessage(message, transfer);
    });
  }

  stop() {
    this.worker.terminate();
  }
}

// Counts the workers browser-image-compression starts and the errors they
// report: on any worker failure it silently falls back to the main thread,
// which would be measuring something else.
const NativeWorker = window.Worker;
const peerWorkers = { started: 0, errors: [] };
window.Worker = class extends NativeWorker {
  constructor(url, options) {
    super(url, options);
    if (String(url).startsWith('blob:')) {
      peerWorkers.started += 1;
      this.addEventListener('message', (e) => {
        if (e.data && e.data.error) peerWorkers.errors.push(String(e.data.error));
      });
      this.addEventListener('error', (e) => peerWorkers.errors.push(e.message || 'worker error'));
    }
  }
};

async function imageSize(blob) {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}

async function benchScan(wasm) {
  const list = await (await fetch('inputs/list.json')).json();
  const { default: imageCompression } = withPeer ? await import('./peer/browser-image-compression.mjs') : { default: null };
  const methods = ['rust-decode', 'browser-decode', 'browser-resize'];
  for (const input of list.files) {
    const bytes = await (await fetch(`inputs/${input.name}`)).arrayBuffer();
    const file = new File([bytes], input.name, { type: input.type });
    const source = await imageSize(file);
    const caseName = input.name;
    const info = { input_bytes: bytes.byteLength, source_width: source.width, source_height: source.height, megapixels: (source.width * source.height) / 1e6 };
    log(`scan ${caseName}: ${source.width}×${source.height}, ${bytes.byteLength} bytes`);
    const runs = input.runs || {};
    for (const method of methods) {
      if (input.methods && !input.methods.includes(method)) continue;
      // Starting a worker and instantiating the wasm: paid once per app
      // session, not per photo (the peer starts a worker per call).
      const s0 = performance.now();
      const worker = await ScanWorker.start();
      const workerStartMs = performance.now() - s0;
      try {
        const op = async () => {
          const r = await worker.call({ cmd: 'scan', file, method, dpi: DPI, quality: QUALITY });
          if (!r.ok) throw new Error(`${method} on ${caseName}: ${r.error}`);
          return r;
        };
        const m = await measureSlow(op, runs);
        const r = m.last;
        let stages;
        if (method === 'rust-decode') {
          // Where the Rust path's time goes: the best of three.
          for (let i = 0; i < 3; i += 1) {
            const p = await worker.call({ cmd: 'profile', file, dpi: DPI, quality: QUALITY });
            if (!p.ok) throw new Error(p.error);
            if (!stages || p.stages.decode + p.stages.resize + p.stages.encode < stages.decode + stages.resize + stages.encode) stages = p.stages;
          }
        }
        const key = `${caseName}|${method}`;
        state.outputs[key] = r.jpeg;
        row('scan', caseName, `ours/${method}`, m.stats, {
          ...info,
          vs: withPeer ? 'peer' : undefined,
          output_bytes: r.pdfBytes,
          jpeg_bytes: r.jpeg.length,
          width: r.width,
          height: r.height,
          wasm_memory_bytes: r.memory,
          worker_ms: r.timings,
          worker_start_ms: workerStartMs,
          rust_stages_ms: stages,
          output_key: key,
        });
      } finally {
        worker.stop();
      }
    }
    if (sweep.length) {
      const worker = await ScanWorker.start();
      try {
        for (const quality of sweep) {
          const r = await worker.call({ cmd: 'scan', file, method: 'rust-decode', dpi: DPI, quality });
          if (!r.ok) throw new Error(r.error);
          const key = `${caseName}|q${quality}`;
          state.outputs[key] = r.jpeg;
          rows.push({
            bench: 'scan-quality', case: caseName, impl: `ours q${quality}`, quality, ...info,
            output_bytes: r.pdfBytes, jpeg_bytes: r.jpeg.length, width: r.width, height: r.height,
            vs: withPeer ? 'peer' : undefined, output_key: key,
          });
        }
      } finally {
        worker.stop();
      }
    }
    if (withPeer && (!input.methods || input.methods.includes('peer'))) {
      // The issue's options; a PNG would come back as PNG (quality ignored),
      // so non-JPEG inputs ask for JPEG, like our pipeline makes.
      const options = input.type === 'image/jpeg' ? PEER_OPTIONS : { ...PEER_OPTIONS, fileType: 'image/jpeg' };
      const startedBefore = peerWorkers.started;
      const m = await measureSlow(() => imageCompression(file, options), runs);
      if (peerWorkers.errors.length) throw new Error(`browser-image-compression worker failed: ${peerWorkers.errors.join('; ')}`);
      if (peerWorkers.started === startedBefore) throw new Error('browser-image-compression did not use a worker');
      const out = new Uint8Array(await m.last.arrayBuffer());
      const size = await imageSize(m.last);
      const key = `${caseName}|peer`;
      state.outputs[key] = out;
      row('scan', caseName, 'peer', m.stats, {
        ...info,
        output_bytes: out.length,
        output_type: m.last.type,
        width: size.width,
        height: size.height,
        options: Object.keys(options).filter((k) => k !== 'libURL'),
        output_key: key,
      });
    }
  }
}

async function main() {
  const result = {
    build,
    user_agent: navigator.userAgent,
    hardware_concurrency: navigator.hardwareConcurrency,
    cross_origin_isolated: self.crossOriginIsolated,
    clock_resolution_ms: clockResolution(),
    rows,
  };
  log(`build ${build}; clock resolution ${result.clock_resolution_ms} ms; cross-origin isolated: ${result.cross_origin_isolated}`);
  const wasm = await loadWasm();
  if (benches.includes('forms')) await benchForms(wasm);
  if (benches.includes('seal')) await benchSeal(wasm);
  if (benches.includes('scan')) await benchScan(wasm);
  result.main_thread_wasm_memory_bytes = wasm.memory.buffer.byteLength;
  state.result = result;
}

main().then(
  () => {
    log('done');
    state.done = true;
  },
  (err) => {
    state.error = `${err && err.stack ? err.stack : err}`;
    log(`error: ${state.error}`);
    state.done = true;
  },
);
