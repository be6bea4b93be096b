//! The command line: clap types, resolved into a [`Config`] that nothing below
//! this module needs clap to read, and the run that returns the exit code.
//!
//! Exit codes: 0 no finding at or above `--fail-on`; 1 findings at or above it;
//! 2 the run itself failed (bad flag, unreadable or non-capture file), with one
//! line `sipdiag: error: …` on stderr. A closed output pipe exits 0.

mod args;
mod config;
mod live;
mod progress;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{ArgMatches, CommandFactory, FromArgMatches};

pub use args::{Cli, ColorChoice, Command, FailOn, FormatArg};
pub use config::ConfigFile;

use crate::analysis::{self, CallFilter, Options};
use crate::capture::{FileSource, FrameSource};
use crate::expect::Expectations;
use crate::report::{self, DocFormat, Format, Report};
use crate::rules::Severity;
use crate::rules::policy::{Level, Policy};

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

/// What an analysis run needs, resolved from the command line and `sipdiag.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    pub inputs: Vec<Input>,
    pub format: Format,
    /// Report file (`-o`); standard output when `None`.
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the run exit 1; `None` never fails.
    pub fail_on: Option<Severity>,
    /// Text report without call ladders (`-q`).
    pub quiet: bool,
    /// Two threads per capture file (`--threads`): see [`analysis::run_parallel`].
    pub parallel: bool,
    pub options: Options,
}

/// Runs sipdiag with the process's arguments; returns the exit code.
pub fn main() -> i32 {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return clap_exit(e),
    };
    match run(cli, &matches) {
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

/// Decides colour once for the whole process: never in JSON, JUnit or a
/// file; else `--color`, then `NO_COLOR`, then whether stdout is a terminal.
fn decide_color(choice: ColorChoice, format: FormatArg, to_file: bool) {
    let on = match choice {
        _ if format != FormatArg::Text || to_file => false,
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    };
    colored::control::set_override(on);
}

fn doc_format(format: FormatArg) -> Result<DocFormat> {
    match format {
        FormatArg::Text => Ok(DocFormat::Text),
        FormatArg::Json => Ok(DocFormat::Json),
        FormatArg::Junit => {
            bail!("--format junit applies to capture analysis only; use text or json")
        }
    }
}

fn run(cli: Cli, matches: &ArgMatches) -> Result<i32> {
    decide_color(cli.color, cli.format, cli.output.is_some());
    match &cli.command {
        Some(Command::Explain { topics }) => explain(topics, doc_format(cli.format)?),
        Some(Command::Rules) => list_rules(doc_format(cli.format)?),
        Some(Command::Live(live)) => live::run(live, &resolve(&cli, matches)?),
        None => {
            let config = resolve(&cli, matches)?;
            let sources = open_inputs(&config.inputs)?;
            analyze(&config, sources, false)
        }
    }
}

/// Builds the run's configuration: `sipdiag.toml` (or `--config`) first, then
/// the command line, where a later `--deny/--warn/--allow` wins.
fn resolve(cli: &Cli, matches: &ArgMatches) -> Result<Config> {
    let default = std::path::Path::new(config::FILE_NAME);
    let file_path = cli
        .config
        .as_deref()
        .or_else(|| default.is_file().then_some(default));
    let file = file_path.map(ConfigFile::load).transpose()?;

    let mut policy = Policy::default();
    if let (Some(file), Some(path)) = (&file, file_path) {
        for (rules, level) in [
            (&file.allow, Level::Allow),
            (&file.warn, Level::Warn),
            (&file.deny, Level::Deny),
        ] {
            for rule in rules {
                policy
                    .set(rule, level)
                    .with_context(|| format!("in {}", path.display()))?;
            }
        }
    }
    let mut flags: Vec<(usize, &String, Level)> = Vec::new();
    for (id, values, level) in [
        ("deny", &cli.deny, Level::Deny),
        ("warn", &cli.warn, Level::Warn),
        ("allow", &cli.allow, Level::Allow),
    ] {
        let indices = matches.indices_of(id).into_iter().flatten();
        flags.extend(indices.zip(values).map(|(i, v)| (i, v, level)));
    }
    flags.sort_by_key(|(i, _, _)| *i);
    for (_, rule, level) in flags {
        policy
            .set(rule, level)
            .with_context(|| format!("--{} {}", level.as_str(), report::escape(rule)))?;
    }

    let fail_on = cli
        .fail_on
        .or(file.as_ref().and_then(|f| f.fail_on.map(FailOn::from)))
        .unwrap_or(FailOn::Error);
    let expectations = cli.expect.as_deref().map(Expectations::load).transpose()?;
    Ok(Config {
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
        output: cli.output.clone(),
        fail_on: fail_on.severity(),
        quiet: cli.quiet,
        parallel: match cli.threads {
            Some(n) => n > 1,
            None => std::thread::available_parallelism().is_ok_and(|n| n.get() > 1),
        },
        options: Options {
            policy,
            expectations,
            timers: crate::correlate::Timers {
                t1: std::time::Duration::from_millis(cli.t1),
            },
            filter: match (&cli.call, cli.problems) {
                (Some(id), _) => CallFilter::CallId(id.clone()),
                (None, true) => CallFilter::Problems,
                (None, false) => CallFilter::All,
            },
            max_open_calls: crate::correlate::OpenCallLimit(
                usize::try_from(cli.max_open_calls).unwrap_or(usize::MAX),
            ),
        },
    })
}

/// Opens every input first, so that a bad one fails the run before any output.
fn open_inputs(inputs: &[Input]) -> Result<Vec<(String, Box<dyn FrameSource + Send>)>> {
    let mut stdin_used = false;
    inputs
        .iter()
        .map(|input| {
            let name = input.name();
            let source = match input {
                Input::Path(p) => FileSource::open(p).map(|source| {
                    let size = std::fs::metadata(p).ok().map(|m| m.len());
                    progress::Progress::wrap(source, size)
                }),
                Input::Stdin => {
                    if stdin_used {
                        bail!("'-' (standard input) can be given only once");
                    }
                    stdin_used = true;
                    FileSource::from_reader(name.clone(), Box::new(io::stdin()))
                        .map(|source| Box::new(source) as Box<dyn FrameSource + Send>)
                }
            }
            .with_context(|| format!("cannot read capture {name}"))?;
            Ok((name, source))
        })
        .collect()
}

/// Analyses every source, streaming the report (to standard output or `-o`),
/// and returns the exit code.
fn analyze(
    config: &Config,
    sources: Vec<(String, Box<dyn FrameSource + Send>)>,
    live: bool,
) -> Result<i32> {
    match &config.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = io::BufWriter::new(file);
            let code = analyze_into(&mut out, config, sources, live)
                .with_context(|| format!("cannot write {}", path.display()))?;
            out.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(code)
        }
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            let code =
                analyze_into(&mut out, config, sources, live).context("cannot write the report")?;
            out.flush().context("cannot write the report")?;
            Ok(code)
        }
    }
}

fn analyze_into(
    w: &mut dyn Write,
    config: &Config,
    sources: Vec<(String, Box<dyn FrameSource + Send>)>,
    live: bool,
) -> io::Result<i32> {
    let mut text;
    let mut json;
    let mut junit;
    let report: &mut dyn Report = match config.format {
        Format::Text => {
            text = report::text::TextReport::new(w)
                .flush_each_call(live)
                .quiet(config.quiet);
            &mut text
        }
        Format::Json => {
            json = report::json::JsonReport::new(w).flush_each_call(live);
            &mut json
        }
        Format::Junit => {
            junit = report::junit::JunitReport::new(w, config.fail_on);
            &mut junit
        }
    };
    let names: Vec<String> = sources.iter().map(|(n, _)| n.clone()).collect();
    report.begin(&names)?;
    let mut failing = false;
    for (name, mut source) in sources {
        report.begin_input(&name)?;
        // A live capture stays on one thread: its calls are shown as they end.
        let summary = if config.parallel && !live {
            analysis::run_parallel(name, source.as_mut(), &config.options, report)?
        } else {
            analysis::run(name, source.as_mut(), &config.options, report)?
        };
        if let Some(e) = &summary.read_error {
            eprintln!(
                "sipdiag: warning: {}: {}",
                report::escape(&summary.name),
                report::escape(e)
            );
        }
        failing |= config.fail_on.is_some_and(|t| summary.fails(t));
        report.end_input(&summary)?;
    }
    report.end()?;
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
}

fn explain(topics: &[String], format: DocFormat) -> Result<i32> {
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
                DocFormat::Text => report::explain::write_entry(&mut out, *code)?,
                DocFormat::Json => {
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
                DocFormat::Text => report::explain::write_comparison(&mut out, *a, *b)?,
                DocFormat::Json => {
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

fn list_rules(format: DocFormat) -> Result<i32> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    report::rules::write_rules(&mut out, format)?;
    out.flush()?;
    Ok(EXIT_OK)
}
