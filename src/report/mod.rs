//! Reports: consumers of analysed captures. They format; they do not analyse.
//!
//! - [`text`]: for people, rustc-style diagnostics under a per-call ladder.
//! - [`json`]: JSON Lines for machines; the schema is documented there.
//! - [`explain`]: `sipdiag explain` renderings of the knowledge base.
//!
//! Every value that came off the wire goes through [`escape`] before it reaches a
//! terminal, so a capture cannot drive the terminal with control sequences.

pub mod explain;
pub mod json;
pub mod junit;
mod render;
pub mod rules;
pub mod text;

use std::borrow::Cow;
use std::io;

use crate::analysis::{CallSink, InputAnalysis, InputSummary};
use std::fmt::Write as _;

/// A report: the calls of each capture as the analysis releases them
/// ([`CallSink`]), framed by the begin/end of the run and of each capture.
pub trait Report: CallSink {
    fn begin(&mut self, inputs: &[String]) -> io::Result<()>;
    fn begin_input(&mut self, name: &str) -> io::Result<()>;
    fn end_input(&mut self, summary: &InputSummary) -> io::Result<()>;
    fn end(&mut self) -> io::Result<()>;
}

/// Drives a report with captures analysed beforehand (all calls collected).
pub fn replay(report: &mut dyn Report, inputs: &[InputAnalysis]) -> io::Result<()> {
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    report.begin(&names)?;
    for input in inputs {
        report.begin_input(&input.name)?;
        for (i, (call, diagnostics)) in input.calls().iter().zip(&input.diagnostics).enumerate() {
            report.call(&input.name, i as u64 + 1, call, diagnostics)?;
        }
        report.end_input(&input.summary)?;
    }
    report.end()
}

/// Output format of `explain` and `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    Text,
    Json,
}

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Junit,
}

/// Replaces control characters (C0, DEL, C1) with visible escapes: `\x1b`,
/// `\r`, `\n`, `\t`, `\u{85}`. Everything else is kept as it is.
pub fn escape(s: &str) -> Cow<'_, str> {
    if is_printable_ascii(s) || !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && is_unsafe(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Every byte printable ASCII: the common case, checked without decoding
/// chars. A fold without early exit, so that it compiles to a vector loop.
fn is_printable_ascii(s: &str) -> bool {
    is_printable_ascii_bytes(s.as_bytes())
}

/// [`is_printable_ascii`] of bytes: such bytes are valid UTF-8, and their
/// text needs no escape. Eight bytes at a time in a `u64` (the compiler did
/// not vectorize the byte loop well for the short values of a report).
pub(crate) fn is_printable_ascii_bytes(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut words = bytes.chunks_exact(8);
    let mut flagged = 0;
    for word in &mut words {
        // Always 8 bytes; the fallback (NULs) would be flagged anyway.
        let w = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        // A byte below 0x20 borrows when 0x20 is subtracted and had its high
        // bit clear; a byte of 0x7f or above has its high bit set, or gets
        // it when 1 is added. Carries across bytes start only at a byte that
        // is flagged itself, so the answer for the whole word is exact.
        flagged |= (w.wrapping_sub(ONES * 0x20) & !w) | w.wrapping_add(ONES) | w;
    }
    flagged & HIGH == 0 && words.remainder().iter().all(|b| matches!(b, 0x20..=0x7e))
}

/// [`escape`] appended to a byte buffer.
#[inline]
pub(crate) fn push_escaped(out: &mut Vec<u8>, s: &str) {
    // Nearly every value is printable ASCII: one check, one copy.
    if is_printable_ascii(s) {
        out.extend_from_slice(s.as_bytes());
    } else {
        push_escaped_slow(out, s);
    }
}

#[cold]
fn push_escaped_slow(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(escape(s).as_bytes());
}

/// Control characters, and the Unicode bidirectional overrides that can
/// reorder what a terminal shows.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_terminal_control_sequences() {
        assert_eq!(escape("ok value"), "ok value");
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("bell\u{7}"), "bell\\x07");
        assert_eq!(escape("cr\rlf\n"), "cr\\rlf\\n");
        assert_eq!(escape("del\u{7f}"), "del\\x7f");
        assert_eq!(escape("c1\u{9b}"), "c1\\u{9b}");
        assert_eq!(escape("bidi\u{202e}"), "bidi\\u{202e}");
        assert_eq!(escape("tab\tx"), "tab\\tx");
        assert_eq!(escape("ünïcödé"), "ünïcödé");
    }

    #[test]
    fn printable_ascii_check_is_exact() {
        use super::is_printable_ascii_bytes;
        let naive = |b: &[u8]| b.iter().all(|b| matches!(b, 0x20..=0x7e));
        // Every byte value at every position of words and remainders, next
        // to the printable bytes closest to the edges.
        for len in 1..=19 {
            for at in 0..len {
                for b in 0..=255u8 {
                    for fill in [0x20, 0x7e, b'a'] {
                        let mut bytes = vec![fill; len];
                        bytes[at] = b;
                        assert_eq!(is_printable_ascii_bytes(&bytes), naive(&bytes), "{bytes:?}");
                    }
                }
            }
        }
        assert!(is_printable_ascii_bytes(b""));
        assert!(!is_printable_ascii_bytes("ünïcödé text".as_bytes()));
    }

    #[test]
    fn safe_text_is_borrowed() {
        use std::borrow::Cow;
        assert!(matches!(escape(" ~ printable ASCII"), Cow::Borrowed(_)));
        assert!(matches!(escape("ünïcödé"), Cow::Borrowed(_)));
        assert!(matches!(escape(""), Cow::Borrowed(_)));
        // A control character after a long run that the fast path checks.
        let long = format!("{}\u{7f}", "x".repeat(100));
        assert_eq!(escape(&long), format!("{}\\x7f", "x".repeat(100)));
    }
}
