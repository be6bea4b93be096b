//! Capture stage: numbered, timestamped frames from capture files.
//!
//! A [`FrameSource`] hands out one [`FrameRef`] at a time, borrowing its own
//! buffer until the next call, so reading a capture costs no allocation per
//! frame. [`FileSource`] reads pcap (µs and ns, either byte order) and pcapng
//! (any number of sections and interfaces, each with its own link type and
//! timestamp resolution) from a file or from any reader, such as stdin.
//!
//! Frame numbers start at 1 and count every packet record, as Wireshark's
//! `frame.number` does, so a user can find sipdiag's frame 17 in Wireshark.
//!
//! Errors come in two kinds (see [`CaptureError::is_fatal_at_start`]): the
//! input is not a readable capture at all (the run fails), or a capture ends
//! early or breaks in the middle (sipdiag reports what it read before that).

mod error;
mod file;
#[cfg(feature = "live")]
pub mod live;

use std::fmt;
use std::time::Duration;

pub use error::CaptureError;
pub use file::{CaptureFormat, FileSource};

/// A frame's position in its capture, counted from 1 like Wireshark's
/// `frame.number`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FrameNo(pub u32);

impl fmt::Display for FrameNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// When a frame was captured: seconds and nanoseconds since the Unix epoch.
///
/// `nanos` is always below 1 000 000 000 for values made by the capture
/// readers, so the derived ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

impl Timestamp {
    /// Time elapsed from `earlier` to `self`; zero if `earlier` is later
    /// (captures are not always in time order).
    pub fn duration_since(self, earlier: Timestamp) -> Duration {
        let diff = self.total_nanos() - earlier.total_nanos();
        if diff <= 0 {
            return Duration::ZERO;
        }
        let per_sec = i128::from(NANOS_PER_SEC);
        let secs = u64::try_from(diff / per_sec).unwrap_or(u64::MAX);
        let nanos = u32::try_from(diff % per_sec).unwrap_or(0);
        Duration::new(secs, nanos)
    }

    /// The time `d` later, when it can be represented.
    pub fn checked_add(self, d: Duration) -> Option<Timestamp> {
        let total = self.total_nanos() + i128::try_from(d.as_nanos()).ok()?;
        let per_sec = i128::from(NANOS_PER_SEC);
        Some(Timestamp {
            secs: i64::try_from(total.div_euclid(per_sec)).ok()?,
            nanos: u32::try_from(total.rem_euclid(per_sec)).ok()?,
        })
    }

    /// The time `d` earlier, when it can be represented.
    pub fn checked_sub(self, d: Duration) -> Option<Timestamp> {
        let total = self.total_nanos() - i128::try_from(d.as_nanos()).ok()?;
        let per_sec = i128::from(NANOS_PER_SEC);
        Some(Timestamp {
            secs: i64::try_from(total.div_euclid(per_sec)).ok()?,
            nanos: u32::try_from(total.rem_euclid(per_sec)).ok()?,
        })
    }

    /// Seconds since the epoch as a float, for rates and JSON output.
    pub fn secs_f64(self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / f64::from(NANOS_PER_SEC)
    }

    fn total_nanos(self) -> i128 {
        i128::from(self.secs) * i128::from(NANOS_PER_SEC) + i128::from(self.nanos)
    }
}

/// `HH:MM:SS.uuuuuu`, the UTC time of day with microseconds (no date): what a
/// call ladder needs to line messages up.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let of_day = self.secs.rem_euclid(SECS_PER_DAY);
        let (h, m, s) = (of_day / 3600, of_day / 60 % 60, of_day % 60);
        write!(
            f,
            "{h:02}:{m:02}:{s:02}.{:06}",
            (self.nanos / 1000).min(999_999)
        )
    }
}

/// The link-layer header type of a frame, as numbered by tcpdump.org's
/// LINKTYPE_* registry. An open set: unknown values are kept as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Linktype(pub i32);

impl Linktype {
    /// BSD loopback: 4-byte address family in the capturing host's byte order.
    pub const NULL: Linktype = Linktype(0);
    pub const ETHERNET: Linktype = Linktype(1);
    /// Raw IP as some BSDs number it.
    pub const RAW_12: Linktype = Linktype(12);
    /// Raw IP as OpenBSD numbers it.
    pub const RAW_14: Linktype = Linktype(14);
    /// Raw IP (the portable number).
    pub const RAW: Linktype = Linktype(101);
    /// OpenBSD loopback: 4-byte address family in network byte order.
    pub const LOOP: Linktype = Linktype(108);
    /// Linux "cooked" capture v1 (`tcpdump -i any` on older libpcap).
    pub const LINUX_SLL: Linktype = Linktype(113);
    pub const IPV4: Linktype = Linktype(228);
    pub const IPV6: Linktype = Linktype(229);
    /// Linux "cooked" capture v2 (`tcpdump -i any` on libpcap 1.10+).
    pub const LINUX_SLL2: Linktype = Linktype(276);

    /// A short name for the link types sipdiag decodes.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Linktype::NULL => "BSD loopback",
            Linktype::ETHERNET => "Ethernet",
            Linktype::RAW_12 | Linktype::RAW_14 | Linktype::RAW => "raw IP",
            Linktype::LOOP => "OpenBSD loopback",
            Linktype::LINUX_SLL => "Linux cooked v1",
            Linktype::IPV4 => "raw IPv4",
            Linktype::IPV6 => "raw IPv6",
            Linktype::LINUX_SLL2 => "Linux cooked v2",
            _ => return None,
        })
    }
}

impl fmt::Display for Linktype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "link type {}", self.0),
        }
    }
}

/// One captured frame, borrowed from its source until the source is asked
/// for the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameRef<'a> {
    pub number: FrameNo,
    pub ts: Timestamp,
    pub linktype: Linktype,
    /// The captured bytes, starting with the link-layer header.
    pub data: &'a [u8],
    /// The frame's length on the wire, never below `data.len()`. When it is
    /// larger, the capture's snap length cut the frame.
    pub orig_len: u32,
}

impl FrameRef<'_> {
    /// Whether the capture kept fewer bytes than were on the wire.
    pub fn is_cut(&self) -> bool {
        u32::try_from(self.data.len()).map_or(true, |len| len < self.orig_len)
    }
}

/// Where frames come from: a capture file, stdin, or (with the `live` feature)
/// an interface. Tests feed recorded frames through the same trait.
pub trait FrameSource {
    /// The next frame, borrowing the source's buffer until the following call.
    /// `Ok(None)` at a clean end; after an error, further calls return
    /// `Ok(None)`.
    fn next_frame(&mut self) -> Result<Option<FrameRef<'_>>, CaptureError>;

    /// The next frame, or word that none came for a while (live sources): the
    /// analysis then moves its clock on, so calls that finished are reported
    /// even on a quiet interface. File sources never go idle.
    fn next_event(&mut self) -> Result<SourceEvent<'_>, CaptureError> {
        Ok(match self.next_frame()? {
            Some(frame) => SourceEvent::Frame(frame),
            None => SourceEvent::End,
        })
    }
}

/// What a [`FrameSource`] has next.
pub enum SourceEvent<'a> {
    Frame(FrameRef<'a>),
    /// No frame arrived for a while; it is now this time (the wall clock,
    /// which is what a live capture's timestamps follow).
    Idle(Timestamp),
    End,
}

impl Timestamp {
    /// The wall clock now.
    pub fn now() -> Timestamp {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp {
            secs: i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            nanos: since.subsec_nanos(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_display_is_utc_time_of_day() {
        // 2023-03-14 14:25:03.123456789 UTC
        let ts = Timestamp {
            secs: 1_678_803_903,
            nanos: 123_456_789,
        };
        assert_eq!(ts.to_string(), "14:25:03.123456");
        assert_eq!(Timestamp::default().to_string(), "00:00:00.000000");
        // Before the epoch: 1969-12-31 23:59:59.5
        let ts = Timestamp {
            secs: -1,
            nanos: 500_000_000,
        };
        assert_eq!(ts.to_string(), "23:59:59.500000");
    }

    #[test]
    fn duration_since_borrows_nanos_and_saturates() {
        let a = Timestamp {
            secs: 10,
            nanos: 900_000_000,
        };
        let b = Timestamp {
            secs: 12,
            nanos: 100_000_000,
        };
        assert_eq!(b.duration_since(a), Duration::new(1, 200_000_000));
        assert_eq!(a.duration_since(b), Duration::ZERO);
        assert_eq!(a.duration_since(a), Duration::ZERO);
        let far = Timestamp {
            secs: i64::MAX,
            nanos: 999_999_999,
        };
        let early = Timestamp {
            secs: i64::MIN,
            nanos: 0,
        };
        assert_eq!(
            far.duration_since(early),
            Duration::new(u64::MAX, 999_999_999)
        );
    }

    #[test]
    fn secs_f64_adds_the_fraction() {
        let ts = Timestamp {
            secs: 3,
            nanos: 250_000_000,
        };
        assert_eq!(ts.secs_f64(), 3.25);
    }

    #[test]
    fn frame_numbers_and_link_types_display() {
        assert_eq!(FrameNo(42).to_string(), "42");
        assert_eq!(Linktype::ETHERNET.to_string(), "Ethernet (1)");
        assert_eq!(Linktype(147).to_string(), "link type 147");
    }

    #[test]
    fn a_frame_is_cut_when_fewer_bytes_were_kept() {
        let data = [0u8; 4];
        let mut frame = FrameRef {
            number: FrameNo(1),
            ts: Timestamp::default(),
            linktype: Linktype::ETHERNET,
            data: &data,
            orig_len: 4,
        };
        assert!(!frame.is_cut());
        frame.orig_len = 5;
        assert!(frame.is_cut());
    }
}
