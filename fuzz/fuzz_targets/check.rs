//! Arbitrary bytes through read + parse + validate: must never panic or abort.
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run check fuzz/seeds -- -max_total_time=1800`
//! (the stable toolchain with RUSTC_BOOTSTRAP stands in for nightly).
#![no_main]

use gongyak::core::definition::{Catalog, Pledge};
use gongyak::core::read::Limits;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let mut c = Catalog::default();
    let p = Pledge::from_toml(include_str!("../../templates/ansan-innopolis.toml"))
        .expect("shipped definition");
    c.add(p, "ansan-innopolis.toml".into()).expect("one pledge");
    c
});

fuzz_target!(
    // libfuzzer-sys aborts from its panic hook, which would also fire for the panics
    // gongyak deliberately catches around third-party readers. A quiet hook leaves
    // escaping panics to libfuzzer-sys's own catch, which still reports them.
    init: std::panic::set_hook(Box::new(|_| {})),
    |data: &[u8]| {
    let limits = Limits {
        max_file_bytes: 1 << 20,
        max_unzipped_bytes: 8 << 20,
        max_cells: 50_000,
    };
    let _ = gongyak::core::check::check(data, &CATALOG, &limits);
});
