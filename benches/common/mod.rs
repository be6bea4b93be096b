//! Loads real frames from the test captures in `fixtures/` for the micro-benchmarks.

use std::path::Path;

use sipdiag::capture::{FileSource, FrameNo, FrameRef, FrameSource, Linktype, Timestamp};

/// One captured frame, owned.
pub struct OwnedFrame {
    pub number: FrameNo,
    pub ts: Timestamp,
    pub linktype: Linktype,
    pub data: Vec<u8>,
    pub orig_len: u32,
}

impl OwnedFrame {
    pub fn as_ref(&self) -> FrameRef<'_> {
        FrameRef {
            number: self.number,
            ts: self.ts,
            linktype: self.linktype,
            data: &self.data,
            orig_len: self.orig_len,
        }
    }
}

/// Every frame of `fixtures/NAME`.
pub fn frames(name: &str) -> Vec<OwnedFrame> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    let mut source = FileSource::open(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = Vec::new();
    while let Some(f) = source
        .next_frame()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
    {
        out.push(OwnedFrame {
            number: f.number,
            ts: f.ts,
            linktype: f.linktype,
            data: f.data.to_vec(),
            orig_len: f.orig_len,
        });
    }
    out
}
