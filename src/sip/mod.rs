//! The SIP stage: a lenient message scanner that keeps byte spans, typed header
//! accessors and a typed view of SDP bodies.
//!
//! [`Message::parse`] makes one pass over the bytes: it splits the start line and
//! the header lines, records where each header name and value sits, frames the
//! body by `Content-Length` and records everything odd it meets as an
//! [`Anomaly`]. Header values are parsed only when an accessor asks for them
//! ([`Message::top_via`], [`Message::cseq`], [`Message::session_expires`], ...).
//!
//! Contract: no function in this module panics, whatever bytes it is given.
//! Offsets are `u32`, so inputs longer than `u32::MAX` bytes are refused.
//!
//! What the scanner accepts beyond the strict grammar of RFC 3261 §25, because
//! real peers send it: LF-only line ends, folded header lines (RFC 3261 §7.3.1),
//! whitespace before the colon (`Via : ...`), any case in header names, the
//! compact header forms (RFC 3261 §7.3.3 and later RFCs), IPv6 literals, `tel:`
//! and other URI schemes, extension methods, and non-UTF-8 bytes (shown lossily).
//!
//! For stream transports, [`frame_message`] finds where the first message of a
//! buffer ends, and [`frame_and_scan`] also scans it in the same walk over its
//! header lines; [`looks_like_sip`] recognises SIP on any port.

mod framing;
mod header;
mod lex;
mod message;
#[cfg(test)]
mod rsip_oracle;
pub mod sdp;
#[cfg(test)]
mod sdp_oracle;
mod start_line;
mod values;

pub use framing::{Framing, frame_and_scan, frame_message, look_and_scan, looks_like_sip};
pub use header::{Header, HeaderName};
pub use message::{Anomaly, MAX_HEADERS, MAX_LINE_ANOMALIES, Message};
pub use sdp::{
    Direction, Format, Media, OriginAddress, Sdp, SdpError, common_formats, static_payload,
};
pub use start_line::{Method, StartLine, StatusCode};
pub use values::{
    Auth, AuthView, CSeq, NameAddr, RAck, ReasonValue, RetryAfter, SessionExpires, Via, Warning,
};

/// A byte range `start..end` in [`Message::raw`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The span of `start..end`; both must fit in `u32` (the scanner checks the
    /// input length once, up front).
    pub(crate) fn new(start: usize, end: usize) -> Span {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// [`Span::new`] for positions in a message whose length [`Message::parse`]
    /// has checked to fit in `u32`: the plain casts cannot truncate there, and
    /// cost less than the saturation (the scanner makes two spans per line).
    #[inline]
    #[allow(clippy::cast_possible_truncation)]
    pub(crate) fn in_checked(start: usize, end: usize) -> Span {
        debug_assert!(u32::try_from(start).is_ok() && u32::try_from(end).is_ok());
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// Number of bytes covered (0 for an inverted span).
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    /// Does the span cover no byte?
    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The covered bytes of `raw`, or an empty slice when the span lies outside it.
    pub fn slice(self, raw: &[u8]) -> &[u8] {
        raw.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}
