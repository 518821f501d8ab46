//! The servers' global allocator: mimalloc, as the `mimalloc` crate provides it, except
//! that a request whose alignment a plain mimalloc block already has goes to the plain
//! entry points (`mi_malloc`, `mi_zalloc`, `mi_realloc`).
//!
//! The `mimalloc` crate sends every request through `mi_malloc_aligned`. With mimalloc v3
//! that is free for small blocks, but a block over 1 KiB whose rounded size is not a power
//! of two takes the aligned path's generic and over-allocating branch (about 180
//! instructions instead of about 30, and a page marked as holding interior pointers): a
//! compiled session's state, hyper's buffers, a JSON answer. Rust asks for at most 16-byte
//! alignment almost always, and mimalloc's size classes above 16 bytes are multiples of 16
//! on pages whose first block is 16-aligned, so a size that is a multiple of an alignment
//! up to 16 is served aligned by `mi_malloc` (the test below checks every such layout up
//! to 64 KiB). This is the rule the standard library's `System` allocator follows with
//! `malloc` on Unix (`align <= MIN_ALIGN`).

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;
use libmimalloc_sys as mi;

/// The largest alignment every plain mimalloc block of a size that is a multiple of it
/// has (`MI_MAX_ALIGN_SIZE`).
const PLAIN_ALIGN: usize = 16;

/// mimalloc as a `#[global_allocator]`.
pub struct MiMalloc;

/// Whether a plain mimalloc block of `size` bytes is aligned to `align`.
#[inline]
fn plain_block_fits(size: usize, align: usize) -> bool {
    align <= PLAIN_ALIGN && size.is_multiple_of(align)
}

// SAFETY: every path returns a mimalloc block of at least `layout.size()` bytes aligned to
// `layout.align()` (the plain ones by `plain_block_fits`, the others through mimalloc's
// aligned entry points), or null; every block, however it was made, is freed and resized
// by mimalloc, which accepts any pointer it returned.
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain_block_fits(layout.size(), layout.align()) {
            // SAFETY: mi_malloc has no preconditions.
            unsafe { mi::mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: a Layout's alignment is a power of two, as mi_malloc_aligned requires.
            unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if plain_block_fits(layout.size(), layout.align()) {
            // SAFETY: mi_zalloc has no preconditions.
            unsafe { mi::mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: a Layout's alignment is a power of two.
            unsafe { mi::mi_zalloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: the caller passes a block this allocator returned, so mimalloc's.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = ptr.cast::<c_void>();
        if plain_block_fits(new_size, layout.align()) {
            // SAFETY: `ptr` is a live mimalloc block (the caller's contract); mi_realloc
            // keeps it or moves its contents into a plain block, aligned as above.
            unsafe { mi::mi_realloc(p, new_size).cast() }
        } else {
            // SAFETY: as above, and the alignment is a power of two.
            unsafe { mi::mi_realloc_aligned(p, new_size, layout.align()).cast() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every layout the plain path serves comes back aligned, from `alloc`, `alloc_zeroed`
    /// and `realloc` alike, and keeps its contents through a resize.
    #[test]
    fn plain_blocks_are_aligned_as_asked() {
        let a = MiMalloc;
        for align in [1, 2, 4, 8, 16] {
            for size in (align..=65536).step_by(align) {
                assert!(plain_block_fits(size, align));
                let layout = Layout::from_size_align(size, align).expect("a layout");
                // SAFETY: the size is non-zero; each block is freed once, with its layout.
                unsafe {
                    for p in [a.alloc(layout), a.alloc_zeroed(layout)] {
                        assert!(
                            !p.is_null() && (p as usize).is_multiple_of(align),
                            "{size}/{align}"
                        );
                        p.write(7);
                        let bigger = size + align;
                        let q = a.realloc(p, layout, bigger);
                        assert!(
                            !q.is_null() && (q as usize).is_multiple_of(align),
                            "{bigger}/{align}"
                        );
                        assert_eq!(q.read(), 7);
                        a.dealloc(q, Layout::from_size_align(bigger, align).expect("a layout"));
                    }
                }
            }
        }
    }

    /// Larger alignments and sizes that are not a multiple of theirs take mimalloc's
    /// aligned entry points and come back aligned too.
    #[test]
    fn other_layouts_are_aligned_as_asked() {
        let a = MiMalloc;
        for (size, align) in [(24, 16), (3, 8), (100, 64), (5000, 128), (64, 4096)] {
            assert!(!plain_block_fits(size, align));
            let layout = Layout::from_size_align(size, align).expect("a layout");
            // SAFETY: the size is non-zero; the block is freed once, with its layout.
            unsafe {
                let p = a.alloc(layout);
                assert!(
                    !p.is_null() && (p as usize).is_multiple_of(align),
                    "{size}/{align}"
                );
                a.dealloc(p, layout);
            }
        }
    }
}
