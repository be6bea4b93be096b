//! clap types for the command line. Only [`super`] reads them.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report::Format;
use crate::rules::Severity;

/// SIP packet-capture diagnostic analyzer: finds the SIP calls in a capture,
/// explains every failed or notable response from the call's own headers, and
/// says how to fix it.
#[derive(Debug, Parser)]
#[command(
    name = "sipdiag",
    version,
    subcommand_negates_reqs = true,
    after_help = "Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 the run failed."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// pcap or pcapng files to analyse ('-' reads standard input)
    #[arg(value_name = "CAPTURE", required = true)]
    pub captures: Vec<PathBuf>,

    /// Output format (junit: for capture analysis only)
    #[arg(long, value_enum, default_value_t = FormatArg::Text, global = true)]
    pub format: FormatArg,

    /// When to colour the text output (NO_COLOR is honoured with auto)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Write the report to FILE instead of standard output
    #[arg(global = true, short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Lowest severity that makes sipdiag exit with 1 [default: error]
    #[arg(global = true, long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Make every finding of RULE (id or name) an error; repeatable
    #[arg(global = true, long, value_name = "RULE")]
    pub deny: Vec<String>,

    /// Make every finding of RULE a warning; repeatable
    #[arg(global = true, long, value_name = "RULE")]
    pub warn: Vec<String>,

    /// Do not report RULE; repeatable
    #[arg(global = true, long, value_name = "RULE")]
    pub allow: Vec<String>,

    /// Settings file [default: sipdiag.toml in the working directory, if present]
    #[arg(global = true, long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Show only the call with this Call-ID (its findings alone decide the exit code)
    #[arg(
        global = true,
        long = "call",
        value_name = "CALL-ID",
        conflicts_with = "problems"
    )]
    pub call: Option<String>,

    /// Text report: only the findings and the summary, no call ladders
    #[arg(global = true, short = 'q', long)]
    pub quiet: bool,

    /// Show only calls with a finding at warning or above
    #[arg(global = true, long)]
    pub problems: bool,

    /// SIP timer T1 in milliseconds: 64×T1 bounds transactions (RFC 3261 §17)
    #[arg(global = true, long, value_name = "MS", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub t1: u64,

    /// Most calls kept open at once (each holds its messages in memory); past
    /// it, the calls quiet longest are reported early (SD3014)
    #[arg(global = true, long, value_name = "N", default_value_t = crate::correlate::MAX_OPEN_CALLS as u64,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_open_calls: u64,

    /// Expectations the recorded flow must meet (TOML); unmet ones fail the run
    #[arg(global = true, long, value_name = "FILE")]
    pub expect: Option<PathBuf>,

    /// Threads for capture files: 1, or 2 to read and parse on one while the
    /// other correlates, checks and reports [default: 2 on a machine with two
    /// CPUs or more]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub threads: Option<u8>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain a response code (two codes: side by side) or a rule
    Explain {
        /// A response code (422), two codes (183 420), or a rule id or name (SD0420, bad-extension)
        #[arg(required = true, num_args = 1..=2, value_name = "CODE|RULE")]
        topics: Vec<String>,
    },
    /// List every rule: id, name, default severity, summary
    Rules,
    /// Capture on an interface and analyse live (needs the `live` build feature)
    Live(LiveArgs),
}

#[derive(Debug, clap::Args)]
pub struct LiveArgs {
    /// Interface to capture on (`any` for all)
    #[arg(short = 'i', long = "interface", value_name = "IFACE")]
    pub interface: String,

    /// BPF capture filter, as tcpdump takes it (a port-only filter drops later IP fragments)
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub filter: Option<String>,

    /// Stop after SECS seconds
    #[arg(long, value_name = "SECS")]
    pub duration: Option<f64>,

    /// Stop after N frames
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,

    /// Also save the captured frames to FILE (pcap)
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Junit,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Junit => Format::Junit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
