// Our scan pipeline in a module worker, as the app runs it. The page sends a
// File and a method and gets the page JPEG back (transferred), the PDF's
// size, the page size, the wasm memory size after the run and where the time
// went inside the worker.
//
// Methods:
//   rust-decode     the file's bytes into wasm: sniff, probe, decode (Rust
//                   codecs), fit to A4, orient, encode, PDF
//   browser-decode  createImageBitmap (EXIF applied by the browser) and
//                   OffscreenCanvas.getImageData at full size; the RGBA into
//                   wasm: fit to A4, encode, PDF
//   browser-resize  the same, but createImageBitmap also scales to the A4
//                   fit (resizeQuality "high"), so wasm only encodes

let mod = null;
let memory = null;

async function init(build) {
  mod = await import(`./pkg/${build}/motcua_bench_web.js`);
  const exports = await mod.default();
  memory = exports.memory;
}

async function rgbaOf(file, resize) {
  const options = { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'default' };
  if (resize) {
    Object.assign(options, { resizeWidth: resize.width, resizeHeight: resize.height, resizeQuality: 'high' });
  }
  const bitmap = await createImageBitmap(file, options);
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const data = ctx.getImageData(0, 0, width, height).data;
  return { data, width, height };
}

async function scan(file, method, dpi, quality) {
  const t0 = performance.now();
  let out;
  const timings = {};
  if (method === 'rust-decode') {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const t1 = performance.now();
    timings.read = t1 - t0;
    out = mod.scan_file(bytes, dpi, quality);
    timings.wasm = performance.now() - t1;
  } else {
    let resize = null;
    if (method === 'browser-resize') {
      // The page size from the headers (orientation included), as the
      // pipeline would choose it.
      const head = new Uint8Array(await file.arrayBuffer());
      const fit = mod.a4_fit(head, dpi);
      resize = { width: fit[0], height: fit[1] };
    }
    const t1 = performance.now();
    const image = await rgbaOf(file, resize);
    const t2 = performance.now();
    timings.browser_decode = t2 - t1;
    out = mod.scan_rgba(image.data, image.width, image.height, dpi, quality);
    timings.wasm = performance.now() - t2;
  }
  const jpeg = out.page_jpeg();
  const result = {
    ok: true,
    jpeg,
    pdfBytes: out.pdf_len(),
    width: out.width(),
    height: out.height(),
    memory: memory.buffer.byteLength,
    timings,
  };
  out.free();
  result.timings.total = performance.now() - t0;
  return result;
}

// The Rust path's steps timed one by one (a profile for BENCHMARKS.md).
async function profile(file, dpi, quality) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const t0 = performance.now();
  const stages = mod.ScanStages.decode(bytes);
  const t1 = performance.now();
  stages.resize(dpi, false);
  const t2 = performance.now();
  stages.encode(quality, dpi);
  const t3 = performance.now();
  stages.free();
  return { ok: true, stages: { decode: t1 - t0, resize: t2 - t1, encode: t3 - t2 } };
}

self.onmessage = async (e) => {
  const msg = e.data;
  try {
    if (msg.cmd === 'init') {
      await init(msg.build);
      self.postMessage({ ok: true, memory: memory.buffer.byteLength });
    } else if (msg.cmd === 'scan') {
      const r = await scan(msg.file, msg.method, msg.dpi, msg.quality);
      self.postMessage(r, [r.jpeg.buffer]);
    } else if (msg.cmd === 'profile') {
      self.postMessage(await profile(msg.file, msg.dpi, msg.quality));
    } else {
      self.postMessage({ ok: false, error: `unknown command ${msg.cmd}` });
    }
  } catch (err) {
    self.postMessage({ ok: false, error: `${err && err.stack ? err.stack : err}` });
  }
};
