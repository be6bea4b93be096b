//! Per-rule severity, in the style of linters: `deny` makes every finding of a
//! rule an error, `warn` a warning, `allow` drops them. Later settings win, so
//! the command line overrides `sipdiag.toml`.

use std::fmt;

use super::{Diagnostic, RULES, Rule, Severity, find};

/// What a user asked for one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Deny,
    Warn,
    Allow,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Deny => "deny",
            Level::Warn => "warn",
            Level::Allow => "allow",
        }
    }
}

/// A rule id or name that is not in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule(pub String);

impl fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown rule '{}' (see 'sipdiag rules' for ids and names)",
            self.0.escape_debug()
        )
    }
}

impl std::error::Error for UnknownRule {}

/// The severity overrides in force.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    levels: Vec<(&'static str, Level)>,
}

impl Policy {
    /// Sets the level of a rule given by id or name; a later call for the same rule wins.
    pub fn set(&mut self, rule: &str, level: Level) -> Result<(), UnknownRule> {
        let rule: &'static Rule = find(rule).ok_or_else(|| UnknownRule(rule.to_string()))?;
        self.levels.retain(|(id, _)| *id != rule.id);
        self.levels.push((rule.id, level));
        Ok(())
    }

    /// The level set for a rule, if any.
    pub fn level(&self, rule_id: &str) -> Option<Level> {
        self.levels
            .iter()
            .find(|(id, _)| *id == rule_id)
            .map(|(_, l)| *l)
    }

    /// Applies the overrides: allowed rules are removed, denied and warned
    /// ones get their severity.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.levels.is_empty() {
            return;
        }
        diagnostics.retain(|d| self.level(d.rule.id) != Some(Level::Allow));
        for d in diagnostics.iter_mut() {
            match self.level(d.rule.id) {
                Some(Level::Deny) => d.severity = Severity::Error,
                Some(Level::Warn) => d.severity = Severity::Warning,
                Some(Level::Allow) | None => {}
            }
        }
    }

    /// Every rule with its effective default, for documentation and tests.
    pub fn effective(&self) -> impl Iterator<Item = (&'static Rule, Option<Level>)> + '_ {
        RULES.iter().map(|r| (r, self.level(r.id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_settings_win_and_names_resolve_to_ids() {
        let mut p = Policy::default();
        p.set("bad-extension", Level::Deny).unwrap();
        p.set("SD0420", Level::Allow).unwrap();
        p.set("sd0183", Level::Warn).unwrap();
        assert_eq!(p.level("SD0420"), Some(Level::Allow));
        assert_eq!(p.level("SD0183"), Some(Level::Warn));
        assert_eq!(p.level("SD0422"), None);
        assert_eq!(
            p.set("no-such-rule", Level::Deny).unwrap_err().to_string(),
            "unknown rule 'no-such-rule' (see 'sipdiag rules' for ids and names)"
        );
        assert_eq!(p.effective().count(), RULES.len());
    }
}
