//! `sipdiag live`: the analysis on frames from an interface.

use anyhow::Result;

use super::Config;
use super::args::LiveArgs;

/// Without the `live` feature there is no libpcap to capture with.
#[cfg(not(feature = "live"))]
pub fn run(_: &LiveArgs, _: &Config) -> Result<i32> {
    anyhow::bail!(
        "this sipdiag was built without live capture; rebuild it with `cargo install --features live` (needs libpcap: Debian libpcap-dev, Fedora libpcap-devel)"
    )
}

/// Captures until Ctrl-C, SIGTERM, `--duration` or `--count`, then reports
/// with the same exit-code rules as file mode.
#[cfg(feature = "live")]
pub fn run(args: &LiveArgs, config: &Config) -> Result<i32> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use anyhow::{Context, bail};

    use crate::capture::FrameSource;
    use crate::capture::live::{LiveOptions, LiveSource};

    let duration = match args.duration {
        Some(secs) if !(secs.is_finite() && secs > 0.0) => {
            bail!("--duration takes a positive number of seconds")
        }
        Some(secs) => Some(Duration::from_secs_f64(secs)),
        None => None,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed))
        .context("cannot install the Ctrl-C handler")?;
    let options = LiveOptions {
        interface: args.interface.clone(),
        filter: args.filter.clone(),
        duration,
        count: args.count,
        write: args.write.clone(),
    };
    let source = LiveSource::open(&options, stop)?;
    let name = format!("live:{}", args.interface);
    super::analyze(
        config,
        vec![(name, Box::new(source) as Box<dyn FrameSource + Send>)],
        true,
    )
}
