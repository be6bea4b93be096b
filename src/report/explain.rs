//! Renderers for `sipdiag explain <CODE> [<CODE>]`: one response code as labelled text, two codes
//! side by side, or either as JSON.
//!
//! Everything shown comes from [`crate::kb`]; nothing here analyses anything. Styling goes through
//! `colored`, whose on/off switch is set once by the CLI (`colored::control::set_override`); these
//! functions never decide it. Text is wrapped to [`WIDTH`] columns; in the side-by-side view each
//! column is [`COLUMN`] characters wide.

use std::io::{self, Write};

use colored::Colorize;
use serde_json::{Value, json};

use crate::kb::{self, Class, Comparison, Resolved};

/// Width of the single-code text view, in characters.
pub const WIDTH: usize = 90;
/// Width of one column of the side-by-side view, in characters.
pub const COLUMN: usize = 44;
/// Space between the two columns.
const GAP: &str = "  ";
/// Indent of section bodies in the single-code view.
const INDENT: &str = "  ";

/// Writes the knowledge-base entry of `code` as text for a terminal. An unregistered code is
/// announced first, then explained by the entry it is treated as (RFC 3261 §8.1.3.2); a number
/// outside 100..=699 gets a one-line explanation that it is not a response code.
pub fn write_entry(w: &mut dyn Write, code: u16) -> io::Result<()> {
    let Some(r) = kb::resolve(code) else {
        return writeln!(w, "{}", not_a_code(code));
    };
    let e = r.entry;
    let class = e.class();
    if !r.exact {
        for line in wrap(&fallback_notice(&r), WIDTH) {
            writeln!(w, "{}", line.yellow().bold())?;
        }
        writeln!(w)?;
    }
    let title = format!("{} {} — {}", e.code, e.reason, class.name());
    writeln!(w, "{}", title.bold())?;
    writeln!(w)?;

    section(w, "Meaning")?;
    paragraph(w, e.meaning)?;
    section(w, "Class")?;
    paragraph(w, class.summary())?;
    section(w, "When you see it")?;
    bullets(w, e.when)?;
    section(w, "How to fix")?;
    bullets(w, e.fix)?;
    section(w, "Headers to inspect")?;
    paragraph(w, &e.headers.join(", "))?;
    section(w, "Who acts")?;
    paragraph(w, &who_acts(&r))?;
    section(w, "References")?;
    let mut refs: Vec<&str> = e.refs.to_vec();
    if !r.exact {
        refs.push("RFC 3261 §8.1.3.2");
    }
    paragraph(w, &refs.join(", "))
}

/// Writes two codes side by side (class, meaning, when, fix in two columns), then the key
/// differences and when each applies.
pub fn write_comparison(w: &mut dyn Write, a: u16, b: u16) -> io::Result<()> {
    let Some(c) = kb::compare(a, b) else {
        for code in [a, b] {
            if kb::resolve(code).is_none() {
                writeln!(w, "{}", not_a_code(code))?;
            }
        }
        return Ok(());
    };
    let (ea, eb) = (c.a.entry, c.b.entry);
    let title = format!("{} vs {}", c.a.label(), c.b.label());
    writeln!(w, "{}", title.bold())?;
    for r in [&c.a, &c.b] {
        if !r.exact {
            for line in wrap(&fallback_notice(r), WIDTH) {
                writeln!(w, "{}", line.yellow())?;
            }
        }
    }
    writeln!(w)?;

    let heads = [
        format!("{} {}", ea.code, ea.reason),
        format!("{} {}", eb.code, eb.reason),
    ];
    let [left_head, right_head] = heads.map(|h| wrap(&h, COLUMN));
    columns_styled(w, &left_head, &right_head)?;

    section(w, "Class")?;
    columns(
        w,
        &wrap(ea.class().name(), COLUMN),
        &wrap(eb.class().name(), COLUMN),
    )?;
    section(w, "Meaning")?;
    columns(w, &wrap(ea.meaning, COLUMN), &wrap(eb.meaning, COLUMN))?;
    section(w, "When you see it")?;
    columns(
        w,
        &bullet_lines(ea.when, COLUMN),
        &bullet_lines(eb.when, COLUMN),
    )?;
    section(w, "How to fix")?;
    columns(
        w,
        &bullet_lines(ea.fix, COLUMN),
        &bullet_lines(eb.fix, COLUMN),
    )?;
    section(w, "Who acts")?;
    columns(
        w,
        &wrap(ea.acts.describe(), COLUMN),
        &wrap(eb.acts.describe(), COLUMN),
    )?;

    section(w, "Key differences")?;
    bullets(w, &c.differences)?;
    section(w, "When each applies")?;
    bullets(w, &[c.when_a.as_str(), c.when_b.as_str()])
}

/// The entry of `code` as a JSON object; `None` outside 100..=699.
///
/// Keys: `code` (as asked), `treated_as` (the entry's code), `exact`, `reason`, `class`,
/// `meaning`, `when`, `fix`, `headers`, `refs`, `acts`, `ends_call`, `retry`.
pub fn entry_json(code: u16) -> Option<Value> {
    kb::resolve(code).map(|r| resolved_json(&r))
}

/// Two codes compared, as a JSON object with keys `a`, `b` (each as [`entry_json`]),
/// `differences`, `when_a` and `when_b`; `None` when either code is outside 100..=699.
pub fn comparison_json(a: u16, b: u16) -> Option<Value> {
    kb::compare(a, b).map(|c| comparison_value(&c))
}

fn comparison_value(c: &Comparison) -> Value {
    json!({
        "a": resolved_json(&c.a),
        "b": resolved_json(&c.b),
        "differences": c.differences,
        "when_a": c.when_a,
        "when_b": c.when_b,
    })
}

fn resolved_json(r: &Resolved) -> Value {
    let e = r.entry;
    json!({
        "code": r.code,
        "treated_as": e.code,
        "exact": r.exact,
        "reason": e.reason,
        "class": e.class().name(),
        "meaning": e.meaning,
        "when": e.when,
        "fix": e.fix,
        "headers": e.headers,
        "refs": e.refs,
        "acts": e.acts.name(),
        "ends_call": e.ends_call,
        "retry": e.retry.describe(),
    })
}

fn not_a_code(code: u16) -> String {
    format!("{code} is not a SIP response code: response codes run from 100 to 699")
}

fn fallback_notice(r: &Resolved) -> String {
    let e = r.entry;
    let class = e.class();
    let rule = if class == Class::Provisional {
        "an unknown provisional response"
    } else {
        "an unknown final response"
    };
    format!(
        "{} is not registered; per RFC 3261 §8.1.3.2 ({rule}) it is treated as {} {}",
        r.code, e.code, e.reason
    )
}

fn who_acts(r: &Resolved) -> String {
    let e = r.entry;
    let call = match e.class() {
        Class::Provisional => "The call attempt goes on.",
        Class::Success => "It establishes the call (or completes the request).",
        Class::Redirection => {
            "It ends this attempt and redirects: a new attempt may follow to the Contact targets."
        }
        _ => "It ends the call attempt.",
    };
    format!(
        "{}: {}. {call} Next step: {}.",
        e.acts.name(),
        e.acts.describe(),
        e.retry.describe()
    )
}

fn section(w: &mut dyn Write, label: &str) -> io::Result<()> {
    writeln!(w, "{}", label.bold().underline())
}

fn paragraph(w: &mut dyn Write, text: &str) -> io::Result<()> {
    for line in wrap(text, WIDTH - INDENT.len()) {
        writeln!(w, "{INDENT}{line}")?;
    }
    writeln!(w)
}

fn bullets<S: AsRef<str>>(w: &mut dyn Write, items: &[S]) -> io::Result<()> {
    for line in bullet_lines(items, WIDTH - INDENT.len()) {
        writeln!(w, "{INDENT}{line}")?;
    }
    writeln!(w)
}

/// Items as `- text` with continuation lines indented under the text, within `width`.
fn bullet_lines<S: AsRef<str>>(items: &[S], width: usize) -> Vec<String> {
    let inner = width.saturating_sub(2).max(1);
    let mut out = Vec::new();
    for item in items {
        for (i, line) in wrap(item.as_ref(), inner).into_iter().enumerate() {
            let lead = if i == 0 { "- " } else { "  " };
            out.push(format!("{lead}{line}"));
        }
    }
    out
}

/// Two plain columns, each padded to [`COLUMN`] characters.
fn columns(w: &mut dyn Write, left: &[String], right: &[String]) -> io::Result<()> {
    let rows = left.len().max(right.len());
    for i in 0..rows {
        let l = left.get(i).map(String::as_str).unwrap_or("");
        let r = right.get(i).map(String::as_str).unwrap_or("");
        let line = format!("{}{GAP}{r}", pad(l, COLUMN));
        writeln!(w, "{}", line.trim_end())?;
    }
    writeln!(w)
}

/// Like [`columns`] but bold; padding is computed on the plain text so styling cannot skew it.
fn columns_styled(w: &mut dyn Write, left: &[String], right: &[String]) -> io::Result<()> {
    let rows = left.len().max(right.len());
    for i in 0..rows {
        let l = left.get(i).map(String::as_str).unwrap_or("");
        let r = right.get(i).map(String::as_str).unwrap_or("");
        let fill = " ".repeat(COLUMN.saturating_sub(l.chars().count()));
        writeln!(w, "{}{fill}{GAP}{}", l.bold(), r.bold())?;
    }
    writeln!(w)
}

fn pad(s: &str, width: usize) -> String {
    let len = s.chars().count();
    let mut out = String::with_capacity(s.len() + width.saturating_sub(len));
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(len)));
    out
}

/// Greedy word wrap to `width` characters; a word longer than `width` gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split_whitespace() {
        let wlen = word.chars().count();
        if len > 0 && len + 1 + wlen > width {
            lines.push(std::mem::take(&mut line));
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += wlen;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_text(code: u16) -> String {
        let mut out = Vec::new();
        write_entry(&mut out, code).expect("write to Vec");
        String::from_utf8(out).expect("utf-8")
    }

    fn comparison_text(a: u16, b: u16) -> String {
        let mut out = Vec::new();
        write_comparison(&mut out, a, b).expect("write to Vec");
        String::from_utf8(out).expect("utf-8")
    }

    /// Removes ANSI styling so width checks hold whether colour is on or off.
    fn plain(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn entry_422_names_min_se_and_rfc_4028() {
        let text = entry_text(422);
        assert!(text.contains("422 Session Interval Too Small — client failure (4xx)"));
        assert!(text.contains("Min-SE"));
        assert!(text.contains("RFC 4028"));
        for label in [
            "Meaning",
            "When you see it",
            "How to fix",
            "Headers to inspect",
            "Who acts",
            "References",
        ] {
            assert!(text.contains(label), "missing section {label}");
        }
        assert!(!text.contains("not registered"));
    }

    #[test]
    fn entry_lines_fit_the_width() {
        for e in kb::ENTRIES {
            for line in plain(&entry_text(e.code)).lines() {
                assert!(
                    line.chars().count() <= WIDTH,
                    "{}: line too long: {line}",
                    e.code
                );
            }
        }
    }

    #[test]
    fn unregistered_code_says_so_first() {
        let text = plain(&entry_text(499));
        let notice: Vec<&str> = text.lines().take(2).collect();
        assert_eq!(
            notice.join(" "),
            "499 is not registered; per RFC 3261 §8.1.3.2 (an unknown final response) it is \
             treated as 400 Bad Request"
        );
        for line in text.lines() {
            assert!(line.chars().count() <= WIDTH, "line too long: {line}");
        }
        assert!(text.contains("400 Bad Request — client failure (4xx)"));
        let text = plain(&entry_text(150));
        assert!(text.contains("treated as 183 Session Progress"));
    }

    #[test]
    fn out_of_range_code_is_explained() {
        assert_eq!(
            entry_text(999),
            "999 is not a SIP response code: response codes run from 100 to 699\n"
        );
    }

    #[test]
    fn comparison_183_vs_420_mentions_provisional_and_final() {
        let text = comparison_text(183, 420);
        assert!(text.contains("provisional"));
        assert!(text.contains("final"));
        assert!(text.contains("Key differences"));
        assert!(text.contains("When each applies"));
        for line in plain(&text).lines() {
            assert!(line.chars().count() <= WIDTH, "line too long: {line}");
        }
    }

    #[test]
    fn comparison_columns_line_up() {
        let text = plain(&comparison_text(486, 600));
        let head = text
            .lines()
            .find(|l| l.starts_with("486 Busy Here") && !l.contains(" vs "))
            .expect("column heads");
        assert_eq!(head.find("600 Busy Everywhere"), Some(COLUMN + GAP.len()));
    }

    #[test]
    fn entry_json_round_trips() {
        let v = entry_json(422).expect("json");
        let back: Value = serde_json::from_str(&v.to_string()).expect("parse");
        assert_eq!(back["code"], 422);
        assert_eq!(back["treated_as"], 422);
        assert_eq!(back["exact"], true);
        assert_eq!(back["reason"], "Session Interval Too Small");
        assert_eq!(back["class"], "client failure (4xx)");
        assert_eq!(back["acts"], "caller");
        assert_eq!(back["ends_call"], true);
        assert_eq!(back["refs"][0], "RFC 4028 §6");
        assert!(
            back["headers"]
                .as_array()
                .is_some_and(|h| h.contains(&json!("Min-SE")))
        );

        let v = entry_json(499).expect("json");
        assert_eq!(v["code"], 499);
        assert_eq!(v["treated_as"], 400);
        assert_eq!(v["exact"], false);
        assert!(entry_json(99).is_none());
    }

    #[test]
    fn comparison_json_round_trips() {
        let v = comparison_json(183, 420).expect("json");
        let back: Value = serde_json::from_str(&v.to_string()).expect("parse");
        assert_eq!(back["a"]["code"], 183);
        assert_eq!(back["b"]["code"], 420);
        assert!(back["differences"].as_array().is_some_and(|d| d.len() >= 2));
        assert!(
            back["when_a"]
                .as_str()
                .is_some_and(|s| s.starts_with("183 "))
        );
        assert!(
            back["when_b"]
                .as_str()
                .is_some_and(|s| s.starts_with("420 "))
        );
        assert!(comparison_json(183, 1000).is_none());
    }

    #[test]
    fn wrap_breaks_on_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh ij", 4), vec!["abcdefgh", "ij"]);
        assert!(wrap("", 10).is_empty());
        assert_eq!(
            bullet_lines(&["one two three"], 9),
            vec!["- one two", "  three"]
        );
    }
}
