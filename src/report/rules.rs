//! `sipdiag rules` and `sipdiag explain <RULE>`: the rule registry rendered.

use std::io::{self, Write};

use colored::Colorize;
use serde::Serialize;

use super::DocFormat as Format;
use crate::rules::{RULES, Rule, Severity};

/// A rule as JSON: the registry's fields, kept apart from the domain type.
#[derive(Debug, Serialize)]
struct RuleJson<'a> {
    id: &'a str,
    name: &'a str,
    default_severity: Severity,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<&'a str>,
}

fn rule_json(rule: &Rule, with_explanation: bool) -> RuleJson<'_> {
    RuleJson {
        id: rule.id,
        name: rule.name,
        default_severity: rule.default_severity,
        summary: rule.summary,
        explanation: with_explanation.then_some(rule.explanation),
    }
}

/// Lists every rule: id, name, default severity, summary.
pub fn write_rules(w: &mut dyn Write, format: Format) -> io::Result<()> {
    match format {
        Format::Text => {
            let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for rule in RULES {
                writeln!(
                    w,
                    "{}  {:<width$}  {:<7}  {}",
                    rule.id.bold(),
                    rule.name,
                    rule.default_severity.as_str(),
                    rule.summary
                )?;
            }
            Ok(())
        }
        Format::Json => {
            for rule in RULES {
                serde_json::to_writer(&mut *w, &rule_json(rule, false))
                    .map_err(io::Error::other)?;
                writeln!(w)?;
            }
            Ok(())
        }
    }
}

/// A rule's long explanation.
pub fn write_rule(w: &mut dyn Write, rule: &Rule, format: Format) -> io::Result<()> {
    match format {
        Format::Text => {
            writeln!(
                w,
                "{} {} ({} by default)",
                rule.id.bold(),
                rule.name.bold(),
                rule.default_severity
            )?;
            writeln!(w, "{}", rule.summary)?;
            writeln!(w)?;
            for line in rule.explanation.lines() {
                if !line.starts_with(' ') && !line.is_empty() {
                    writeln!(w, "{}", line.bold())?;
                } else {
                    writeln!(w, "{line}")?;
                }
            }
            Ok(())
        }
        Format::Json => {
            serde_json::to_writer(&mut *w, &rule_json(rule, true)).map_err(io::Error::other)?;
            writeln!(w)
        }
    }
}
