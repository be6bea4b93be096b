//! The command line: clap types, resolved into a [`Config`] that nothing below
//! this module needs clap to read, and the run that returns the exit code.
//!
//! Exit codes: 0 no finding at or above `--fail-on`; 1 findings at or above it;
//! 2 the run itself failed (bad flag, unreadable or non-capture file), with one
//! line `sipdiag: error: …` on stderr. A closed output pipe exits 0.

mod args;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Parser;

pub use args::{Cli, ColorChoice, Command, FailOn, FormatArg};

use crate::analysis::{self, InputAnalysis};
use crate::capture::FileSource;
use crate::report::{self, Format};
use crate::rules::Severity;

/// Exit code: nothing at or above `--fail-on`.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: the run failed.
pub const EXIT_ERROR: i32 = 2;

/// Where a capture comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Path(PathBuf),
    Stdin,
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }
}

/// What an analysis run needs, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Config {
    pub inputs: Vec<Input>,
    pub format: Format,
    pub color: bool,
    /// Lowest severity that makes the run exit 1; `None` never fails.
    pub fail_on: Option<Severity>,
}

/// Runs sipdiag with the process's arguments; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => EXIT_OK,
        Err(e) => {
            eprintln!("sipdiag: error: {}", one_line(&format!("{e:#}")));
            EXIT_ERROR
        }
    }
}

/// Help and version go to stdout with exit 0; usage errors become one line.
fn clap_exit(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            EXIT_OK
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("sipdiag: error: {} (see 'sipdiag --help')", one_line(first));
            EXIT_ERROR
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Decides colour once for the whole process: `--color`, then `NO_COLOR`, then
/// whether stdout is a terminal.
fn decide_color(choice: ColorChoice) -> bool {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    };
    colored::control::set_override(on);
    on
}

fn run(cli: Cli) -> Result<i32> {
    let color = decide_color(cli.color);
    match cli.command {
        Some(Command::Explain { topics }) => explain(&topics, cli.format.into()),
        Some(Command::Rules) => list_rules(cli.format.into()),
        None => {
            let config = Config {
                inputs: cli
                    .captures
                    .iter()
                    .map(|p| {
                        if p.as_os_str() == "-" {
                            Input::Stdin
                        } else {
                            Input::Path(p.clone())
                        }
                    })
                    .collect(),
                format: cli.format.into(),
                color,
                fail_on: cli.fail_on.severity(),
            };
            analyze(&config)
        }
    }
}

/// Opens every input first, so that a bad one fails the run before any output.
fn open_inputs(inputs: &[Input]) -> Result<Vec<(String, FileSource)>> {
    let mut stdin_used = false;
    inputs
        .iter()
        .map(|input| {
            let name = input.name();
            let source = match input {
                Input::Path(p) => FileSource::open(p),
                Input::Stdin => {
                    if stdin_used {
                        bail!("'-' (standard input) can be given only once");
                    }
                    stdin_used = true;
                    FileSource::from_reader(name.clone(), Box::new(io::stdin()))
                }
            }
            .with_context(|| format!("cannot read capture {name}"))?;
            Ok((name, source))
        })
        .collect()
}

fn analyze(config: &Config) -> Result<i32> {
    let sources = open_inputs(&config.inputs)?;
    let mut results: Vec<InputAnalysis> = Vec::with_capacity(sources.len());
    for (name, mut source) in sources {
        let result = analysis::analyze(name, &mut source);
        if let Some(e) = &result.read_error {
            eprintln!(
                "sipdiag: warning: {}: {}",
                report::escape(&result.name),
                report::escape(e)
            );
        }
        results.push(result);
    }

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match config.format {
        Format::Text => report::text::write(&mut out, &results),
        Format::Json => report::json::write(&mut out, &results),
    }
    .context("cannot write the report")?;
    out.flush().context("cannot write the report")?;

    let failing = config.fail_on.is_some_and(|threshold| {
        results
            .iter()
            .flat_map(|r| r.all_diagnostics())
            .any(|d| d.severity >= threshold)
    });
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
}

fn explain(topics: &[String], format: Format) -> Result<i32> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let codes: Vec<Option<u16>> = topics.iter().map(|t| crate::kb::parse_code(t)).collect();
    match (topics, codes.as_slice()) {
        ([topic], [None]) => {
            let Some(rule) = crate::rules::find(topic) else {
                bail!(
                    "'{}' is neither a SIP response code (100-699) nor a rule id or name (see 'sipdiag rules')",
                    report::escape(topic)
                );
            };
            report::rules::write_rule(&mut out, rule, format)?;
        }
        (_, [Some(code)]) => {
            if crate::kb::resolve(*code).is_none() {
                bail!("{code} is outside the SIP response-code range 100-699");
            }
            match format {
                Format::Text => report::explain::write_entry(&mut out, *code)?,
                Format::Json => {
                    let v = report::explain::entry_json(*code)
                        .with_context(|| format!("no entry for {code}"))?;
                    writeln!(out, "{v}")?;
                }
            }
        }
        (_, [Some(a), Some(b)]) => {
            for code in [a, b] {
                if crate::kb::resolve(*code).is_none() {
                    bail!("{code} is outside the SIP response-code range 100-699");
                }
            }
            match format {
                Format::Text => report::explain::write_comparison(&mut out, *a, *b)?,
                Format::Json => {
                    let v = report::explain::comparison_json(*a, *b)
                        .with_context(|| format!("cannot compare {a} and {b}"))?;
                    writeln!(out, "{v}")?;
                }
            }
        }
        _ => {
            let bad = topics
                .iter()
                .zip(&codes)
                .find(|(_, c)| c.is_none())
                .map_or("", |(t, _)| t.as_str());
            bail!(
                "'{}' is not a SIP response code (100-699); two topics compare two codes",
                report::escape(bad)
            );
        }
    }
    out.flush()?;
    Ok(EXIT_OK)
}

fn list_rules(format: Format) -> Result<i32> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    report::rules::write_rules(&mut out, format)?;
    out.flush()?;
    Ok(EXIT_OK)
}
