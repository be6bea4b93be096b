//! `sipdiag.toml`: per-project defaults for the analysis (read from the
//! working directory, or from `--config FILE`). The command line overrides it.
//!
//! ```toml
//! fail_on = "warning"          # error | warning | info | never
//! deny = ["bad-extension"]     # rule ids or names made errors
//! warn = ["SD0501"]            # ... made warnings
//! allow = ["session-progress"] # ... not reported
//! ```

use std::path::Path;

use serde::Deserialize;

use super::args::FailOn;
use crate::expect::FileError;

/// The name looked up in the working directory.
pub const FILE_NAME: &str = "sipdiag.toml";

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub fail_on: Option<FailOnSetting>,
    #[serde(default)]
    pub deny: Vec<String>,
    #[serde(default)]
    pub warn: Vec<String>,
    #[serde(default)]
    pub allow: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FailOnSetting {
    Error,
    Warning,
    Info,
    Never,
}

impl From<FailOnSetting> for FailOn {
    fn from(s: FailOnSetting) -> FailOn {
        match s {
            FailOnSetting::Error => FailOn::Error,
            FailOnSetting::Warning => FailOn::Warning,
            FailOnSetting::Info => FailOn::Info,
            FailOnSetting::Never => FailOn::Never,
        }
    }
}

impl ConfigFile {
    /// Reads a configuration file; errors carry the line and column.
    pub fn load(path: &Path) -> Result<ConfigFile, FileError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| FileError {
            path: name.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read the configuration file: {e}"),
        })?;
        toml::from_str(&text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, column) = crate::expect::line_column(&text, offset);
            FileError {
                path: name,
                line,
                column,
                message: e.message().split_whitespace().collect::<Vec<_>>().join(" "),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_and_rejects_unknown_keys() {
        let c: ConfigFile = toml::from_str(
            "fail_on = \"warning\"\ndeny = [\"SD0420\"]\nallow = [\"session-progress\"]\n",
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(FailOnSetting::Warning));
        assert_eq!(c.deny, vec!["SD0420"]);
        assert_eq!(c.allow, vec!["session-progress"]);
        assert!(toml::from_str::<ConfigFile>("fail-on = \"x\"\n").is_err());
    }
}
