//! A downstream WebAssembly program as another project would write it: its own global allocator,
//! its own export, the sso-bridge core as a plain dependency. Linking it for
//! `wasm32-unknown-unknown` fails if the core brings an allocator ("conflicts with global allocator")
//! or wasm-bindgen exports of its own.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The downstream's allocator: the system one, counting live bytes (a typical instrumented allocator).
struct CountingAllocator;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to `System` with the caller's layout; only adds bookkeeping.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Parses a fixed config with the core and returns how many profiles it has, so the core's parser
/// is linked in rather than dropped as dead code.
#[no_mangle]
pub extern "C" fn downstream_profile_count() -> usize {
    let text = "[profile admin]\nsso_session = corp\n[sso-session corp]\nsso_region = us-east-1\n";
    let config = sso_bridge::config::SourceFile::config("config", text);
    match sso_bridge::config::parse_files(Some(&config), None) {
        Ok(set) => set.profiles.len(),
        Err(_) => usize::MAX,
    }
}

/// Bytes currently allocated through the downstream's allocator.
#[no_mangle]
pub extern "C" fn downstream_live_bytes() -> usize {
    LIVE_BYTES.load(Ordering::Relaxed)
}
