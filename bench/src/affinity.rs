//! Pinning threads to cores, so the server and the load generator do not share one.

/// The core the load generator (this process's main thread) runs on.
pub const LOAD_CORE: usize = 1;

/// Pins the calling thread (and so every thread it starts later, child processes
/// included) to `core`. A machine without that core, or a refusal, leaves it unpinned
/// with a warning: the figures are then less steady, not wrong.
pub fn pin_current_thread(core: usize) {
    if !core_affinity::set_for_current(core_affinity::CoreId { id: core }) {
        eprintln!("warning: could not pin to core {core}; running unpinned");
    }
}
