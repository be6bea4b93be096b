//! Bytes as a capture file: every frame the reader hands out, to the end or
//! to the first error. Checks the reader's contract: frame numbers count up
//! from 1, `orig_len` is never below the captured length, and after an error
//! or the end the source stays ended.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use sipdiag::capture::{FileSource, FrameSource};

fuzz_target!(|data: &[u8]| {
    let reader = Box::new(Cursor::new(data.to_vec()));
    let Ok(mut source) = FileSource::from_reader("fuzz".to_string(), reader) else {
        return;
    };
    let _ = source.format();
    let mut expected = 1u32;
    loop {
        match source.next_frame() {
            Ok(Some(frame)) => {
                assert_eq!(frame.number.0, expected, "frame numbers count up from 1");
                assert!(
                    u64::from(frame.orig_len) >= frame.data.len() as u64,
                    "orig_len below the captured length"
                );
                let _ = frame.is_cut();
                let _ = frame.ts.to_string();
                let _ = frame.linktype.to_string();
                expected += 1;
            }
            Ok(None) => break,
            Err(e) => {
                let _ = e.to_string();
                let _ = e.is_fatal_at_start();
                if let Some(after) = e.after_frame() {
                    assert_eq!(after, expected - 1, "error names the last frame read");
                }
                break;
            }
        }
    }
    assert!(
        matches!(source.next_frame(), Ok(None)),
        "an ended source stays ended"
    );
    assert_eq!(source.frames_read(), expected - 1);
});
