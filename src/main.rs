//! The `obs` binary: parse arguments, run, map errors to exit codes.

use clap::Parser;

use obs::cmd::is_broken_pipe;
use obs::error::ExitStatus;

/// mimalloc instead of the system allocator: building a tree per trace allocates a few small
/// vectors for each of millions of traces, and glibc's malloc/free (with its consolidation of
/// freed chunks) was a tenth of `obs trace list` (`scripts/compare-trace.sh` times it).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Whether file descriptor 1 was closed when the process started, looked at before Rust's
/// runtime reopens a closed one on `/dev/null` (after which no one can tell). Set by
/// [`probe_stdout`], which the loader runs before `main`.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
#[used]
#[link_section = ".init_array"]
static PROBE_STDOUT: extern "C" fn() = probe_stdout;

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
extern "C" fn probe_stdout() {
    // SAFETY: `fcntl(1, F_GETFD)` only reads the descriptor table; it touches no memory of
    // ours, and an atomic store is all that runs besides, before anything else is set up.
    let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
    STDOUT_CLOSED.store(closed, std::sync::atomic::Ordering::Relaxed);
}

fn main() {
    obs::stdio::set_stdout_closed_at_start(
        STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed),
    );
    // SIGINT/SIGTERM (and SIGHUP): remove the temporaries of outputs not yet committed, so an
    // interrupted run leaves the previous files as they were and nothing half-written beside
    // them; then exit as a shell reports an interrupt (130). An error only means a handler was
    // set already, which cannot happen this early.
    let _ = ctrlc::set_handler(|| {
        obs::cleanup::remove_all();
        std::process::exit(130);
    });
    let cli = obs::cli::Cli::parse();
    let code = match obs::cmd::run(cli) {
        Ok(code) => code,
        // `obs grep … | head`: the reader left, which is not our failure.
        Err(e) if is_broken_pipe(&e) => ExitStatus::Ok,
        Err(e) => {
            eprintln!("obs: {e:#}");
            ExitStatus::Error
        }
    };
    obs::cleanup::remove_all();
    std::process::exit(code.code());
}
