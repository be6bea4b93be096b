use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

// mimalloc instead of the system allocator: the analysis allocates and frees
// small objects per message and per call; glibc malloc/free took about a
// quarter of the run on large captures (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: Mimalloc = Mimalloc;

/// mimalloc, called the plain way when the alignment asked for is at most a
/// word: every mimalloc block is word-aligned, and `mi_malloc` skips the
/// alignment checks of `mi_malloc_aligned` (the `mimalloc` crate's
/// allocator calls the aligned entry points for every allocation, a fifth of
/// the cost of an allocation here).
struct Mimalloc;

/// The alignment every mimalloc block has.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each method forwards to mimalloc, which returns blocks of at
// least the requested size, word-aligned by construction and aligned to
// `layout.align()` through the `_aligned` entry points otherwise; `dealloc`
// and `realloc` only receive pointers this allocator returned.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= WORD {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= WORD {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: see the impl.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= WORD {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_t`; the
/// bindings name no constant for it).
const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;

fn main() {
    // Memory freed by released calls is kept for the next ones instead of
    // being handed back to the system a second later: the open calls' memory
    // is bounded, and handing it back made the system clear those pages
    // again when they were reused (3 % of the run on the 1 GB benchmark
    // capture, in the kernel's page clearing).
    // SAFETY: sets an option of the allocator linked in; options may be set
    // at any time.
    unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    std::process::exit(sipdiag::cli::main());
}

#[cfg(test)]
mod tests {
    /// The option set in `main` is the purge delay: its default is 1000 ms
    /// (the neighbouring options default to 1 and 0), and it reads back as set.
    #[test]
    fn purge_delay_option_is_the_one_set() {
        // SAFETY: reads and sets an option of the allocator linked in.
        unsafe {
            if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                assert_eq!(super::mi::mi_option_get(super::MI_OPTION_PURGE_DELAY), 1000);
            }
            super::mi::mi_option_set(super::MI_OPTION_PURGE_DELAY, -1);
            assert_eq!(super::mi::mi_option_get(super::MI_OPTION_PURGE_DELAY), -1);
        }
    }

    /// Blocks come back aligned as asked, through both entry points, and
    /// keep their contents when they grow.
    #[test]
    fn allocations_are_aligned_and_grow_intact() {
        #[repr(align(64))]
        #[derive(Clone, Copy)]
        struct Line([u8; 64]);

        for len in [1usize, 3, 8, 24, 100, 5000] {
            let mut bytes: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut wide: Vec<u128> = (0..len as u128).collect();
            let lines = vec![Line([7; 64]); len];
            assert_eq!(bytes.as_ptr() as usize % std::mem::align_of::<u8>(), 0);
            assert_eq!(wide.as_ptr() as usize % 16, 0, "u128 × {len}");
            assert_eq!(lines.as_ptr() as usize % 64, 0, "64-byte lines × {len}");
            assert!(lines.iter().all(|line| line.0 == [7; 64]));
            bytes.extend(std::iter::repeat_n(0xaa, 3 * len));
            wide.extend(std::iter::repeat_n(u128::MAX, 3 * len));
            assert!(
                bytes
                    .iter()
                    .take(len)
                    .enumerate()
                    .all(|(i, &b)| b == i as u8)
            );
            assert!(
                wide.iter()
                    .take(len)
                    .enumerate()
                    .all(|(i, &w)| w == i as u128)
            );
            assert_eq!(wide.as_ptr() as usize % 16, 0, "grown u128 × {len}");
            let zeroed = vec![0u64; len];
            assert!(zeroed.iter().all(|&w| w == 0));
            assert_eq!(zeroed.as_ptr() as usize % 8, 0);
        }
    }
}
