//! The decompression bombs of the shared data are refused from their headers,
//! having cost a few kilobytes: the heap is counted around the call. (One
//! test in this binary, so no other test's allocations are counted.)

use std::sync::atomic::Ordering;

use motcua_scan::{Error, Limits, Settings, scan_image};

mod counting;

use counting::{LIVE, PEAK};

#[test]
fn bombs_are_refused_before_allocating_for_them() {
    let dir = motcua_testkit::data::path("malformed-images");
    for (name, bound) in [
        // 64250 × 64250 × 3 bytes would be 12 GB.
        ("jpeg-bomb-lottapixel-64250x64250.jpg", 64 << 10),
        // Three text chunks of 2 MiB each: the first is inflated up to the
        // 1 MiB cap and refused.
        ("png-ztxt-decompression-bomb.png", 3 << 20),
    ] {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let result = scan_image(&bytes, &Settings::default(), &Limits::default());
        let peak = PEAK.load(Ordering::Relaxed) - before;
        assert!(
            matches!(
                result,
                Err(Error::TooManyPixels { .. } | Error::MetadataBomb { .. })
            ),
            "{name}: {result:?}"
        );
        assert!(peak < bound, "{name}: {peak} bytes allocated");
    }
}
