//! The `claimls` binary: everything is in the library (`lib.rs`).

/// mimalloc instead of the system allocator: a check allocates small strings and vectors per
/// statement and per diagnostic on several threads at once, which glibc's malloc served in
/// about a fifth of a check's instructions. In the binary only: the library (and the Python
/// package built from it) leave the choice to whoever links them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    claimls::main()
}
