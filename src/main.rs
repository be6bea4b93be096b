// mimalloc instead of the system allocator: the analysis allocates and frees
// small objects per message and per call; glibc malloc/free took about a
// quarter of the run on large captures (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(sipdiag::cli::main());
}
