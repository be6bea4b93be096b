//! Why a capture could not be read, or stopped being readable.

use std::io;
use std::path::PathBuf;

/// A capture that cannot be read (the run fails) or that stops being readable
/// part-way (the analysis reports what came before). Messages are one
/// lowercase line; the file name is added by the caller.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The file cannot be opened.
    #[error("cannot open {}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The path names a directory.
    #[error("{} is a directory, not a capture file", path.display())]
    IsDirectory { path: PathBuf },
    /// The input holds no bytes at all.
    #[error("the capture file is empty")]
    Empty,
    /// The input does not start like a pcap or pcapng file. `found` says what
    /// it starts with instead, e.g. `starts with "GET "`.
    #[error("not a pcap or pcapng capture: it {found}")]
    NotACapture { found: String },
    /// The input starts like a capture but its file header is unusable.
    #[error("unusable capture file header: {what}")]
    BadHeader { what: String },
    /// The input ends in the middle of a record. Frames before it were read.
    #[error(
        "the capture ends in the middle of a record at byte {offset}, after frame {after_frame}"
    )]
    Truncated { after_frame: u32, offset: u64 },
    /// Reading failed part-way.
    #[error("read error after frame {after_frame}")]
    Read {
        after_frame: u32,
        #[source]
        source: io::Error,
    },
    /// A record claims more bytes than sipdiag is willing to buffer; it is
    /// almost certainly corrupt.
    #[error(
        "the record at byte {offset} claims {claimed} bytes, more than the limit of {limit} bytes (corrupt capture?)"
    )]
    BlockTooLarge {
        after_frame: u32,
        offset: u64,
        claimed: u64,
        limit: u64,
    },
    /// A record cannot be parsed.
    #[error("corrupt capture at byte {offset}, after frame {after_frame}: {what}")]
    Corrupt {
        after_frame: u32,
        offset: u64,
        what: String,
    },
}

impl CaptureError {
    /// True when the input could not be read as a capture at all: the run
    /// fails (exit code 2). False when a capture was recognised and broke
    /// part-way: the frames read before the error are analysed and the error
    /// is reported alongside the results.
    pub fn is_fatal_at_start(&self) -> bool {
        match self {
            CaptureError::Open { .. }
            | CaptureError::IsDirectory { .. }
            | CaptureError::Empty
            | CaptureError::NotACapture { .. }
            | CaptureError::BadHeader { .. } => true,
            CaptureError::Truncated { .. }
            | CaptureError::Read { .. }
            | CaptureError::BlockTooLarge { .. }
            | CaptureError::Corrupt { .. } => false,
        }
    }

    /// For errors met part-way: the number of the last frame read before it.
    pub fn after_frame(&self) -> Option<u32> {
        match self {
            CaptureError::Truncated { after_frame, .. }
            | CaptureError::Read { after_frame, .. }
            | CaptureError::BlockTooLarge { after_frame, .. }
            | CaptureError::Corrupt { after_frame, .. } => Some(*after_frame),
            _ => None,
        }
    }
}

/// Describe the first bytes of a file that is not a capture, for
/// [`CaptureError::NotACapture`]: `starts with "GET "` for text, the bytes in
/// hex otherwise, and a hint for compressed files.
pub(crate) fn describe_start(prefix: &[u8]) -> String {
    match prefix {
        [0x1f, 0x8b, ..] => return "is gzip-compressed (decompress it first)".to_string(),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => {
            return "is zstd-compressed (decompress it first)".to_string();
        }
        [0xfd, b'7', b'z', b'X', b'Z', ..] => {
            return "is xz-compressed (decompress it first)".to_string();
        }
        [b'B', b'Z', b'h', ..] => return "is bzip2-compressed (decompress it first)".to_string(),
        [b'P', b'K', 3, 4, ..] => return "is a zip archive (extract it first)".to_string(),
        _ => {}
    }
    let head = prefix.get(..4).unwrap_or(prefix);
    let printable = head
        .iter()
        .all(|&b| b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
    if printable {
        let text: String = head
            .iter()
            .flat_map(|&b| std::ascii::escape_default(b))
            .map(char::from)
            .collect();
        format!("starts with \"{text}\"")
    } else {
        let hex: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
        format!("starts with bytes {}", hex.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_text_binary_and_compressed_starts() {
        assert_eq!(
            describe_start(b"GET / HTTP/1.1\r\n"),
            "starts with \"GET \""
        );
        assert_eq!(describe_start(b"a\r\nb"), "starts with \"a\\r\\nb\"");
        assert_eq!(
            describe_start(&[0, 1, 0xfe, 0xff, 9]),
            "starts with bytes 00 01 fe ff"
        );
        assert_eq!(
            describe_start(&[0x1f, 0x8b, 8, 0]),
            "is gzip-compressed (decompress it first)"
        );
        assert_eq!(describe_start(b"x"), "starts with \"x\"");
    }

    #[test]
    fn run_level_and_mid_file_errors_are_told_apart() {
        assert!(CaptureError::Empty.is_fatal_at_start());
        assert!(
            CaptureError::NotACapture {
                found: String::new()
            }
            .is_fatal_at_start()
        );
        let cut = CaptureError::Truncated {
            after_frame: 3,
            offset: 100,
        };
        assert!(!cut.is_fatal_at_start());
        assert_eq!(cut.after_frame(), Some(3));
        assert_eq!(
            cut.to_string(),
            "the capture ends in the middle of a record at byte 100, after frame 3"
        );
    }
}
