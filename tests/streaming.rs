//! The analysis streams: a call is handed to the report as soon as it is
//! finished and quiet for 64×T1 (capture time), not at the end of the capture,
//! and it is dropped afterwards. This is what lets live capture print calls as
//! they end and keeps memory bounded on large files.

use std::cell::Cell;
use std::io;
use std::path::Path;
use std::rc::Rc;

use sipdiag::analysis::{self, CallSink, Options};
use sipdiag::capture::{
    CaptureError, FileSource, FrameNo, FrameRef, FrameSource, Linktype, Timestamp,
};
use sipdiag::correlate::Call;
use sipdiag::rules::Diagnostic;

/// Frames held in memory, as a live source would deliver them; counts what it handed out.
struct Replay {
    frames: Vec<(Timestamp, Linktype, Vec<u8>)>,
    next: usize,
    handed_out: Rc<Cell<usize>>,
}

impl FrameSource for Replay {
    fn next_frame(&mut self) -> Result<Option<FrameRef<'_>>, CaptureError> {
        let Some((ts, linktype, data)) = self.frames.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        self.handed_out.set(self.next);
        Ok(Some(FrameRef {
            number: FrameNo(self.next as u32),
            ts: *ts,
            linktype: *linktype,
            data,
            orig_len: data.len() as u32,
        }))
    }
}

/// Records, for each call, how many frames had been read when it arrived.
struct Recorder {
    handed_out: Rc<Cell<usize>>,
    seen: Vec<(String, usize, usize)>,
}

impl CallSink for Recorder {
    fn call(&mut self, _: &str, n: u64, call: &Call, _: &[Diagnostic]) -> io::Result<()> {
        self.seen.push((
            call.outcome().as_str().to_string(),
            n as usize,
            self.handed_out.get(),
        ));
        Ok(())
    }
}

fn read(path: &str) -> Vec<(Timestamp, Linktype, Vec<u8>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let mut source = FileSource::open(&path).unwrap();
    let mut out = Vec::new();
    while let Some(f) = source.next_frame().unwrap() {
        out.push((f.ts, f.linktype, f.data.to_vec()));
    }
    out
}

#[test]
fn calls_are_released_when_finished_not_at_the_end() {
    // The same real call twice, the second copy 60 s later: by then the first
    // call has been over for more than 64×T1 = 32 s.
    let call = read("fixtures/clean-call.pcap");
    assert_eq!(call.len(), 7);
    let mut frames = call.clone();
    frames.extend(call.iter().map(|(ts, lt, data)| {
        (
            Timestamp {
                secs: ts.secs + 60,
                nanos: ts.nanos,
            },
            *lt,
            data.clone(),
        )
    }));
    let handed_out = Rc::new(Cell::new(0));
    let mut source = Replay {
        frames,
        next: 0,
        handed_out: Rc::clone(&handed_out),
    };
    let mut sink = Recorder {
        handed_out: Rc::clone(&handed_out),
        seen: Vec::new(),
    };
    let summary =
        analysis::run("replay".into(), &mut source, &Options::default(), &mut sink).unwrap();
    assert_eq!(
        sink.seen,
        vec![
            // Released when frame 8 showed the capture 60 s later.
            ("answered".to_string(), 1, 8),
            // Released at the end of the capture.
            ("answered".to_string(), 2, 14),
        ]
    );
    assert_eq!(summary.stats.calls, 2);
    assert_eq!(summary.stats.sip_messages, 14);
    assert_eq!(summary.stats.outcomes.get("answered"), Some(&2));
}

#[test]
fn an_answered_call_without_bye_stays_open() {
    // Frames 1-5 of the call (INVITE … ACK, no BYE), then a frame of another
    // call 60 s later: the answered call is still up, so it is not released
    // until the end of the capture.
    let call = read("fixtures/clean-call.pcap");
    let mut frames: Vec<_> = call.iter().take(5).cloned().collect();
    let other = read("fixtures/405-message.pcap");
    let (ts, lt, data) = other[0].clone();
    let first = call[0].0;
    frames.push((
        Timestamp {
            secs: first.secs + 60,
            nanos: ts.nanos,
        },
        lt,
        data,
    ));
    let handed_out = Rc::new(Cell::new(0));
    let mut source = Replay {
        frames,
        next: 0,
        handed_out: Rc::clone(&handed_out),
    };
    let mut sink = Recorder {
        handed_out: Rc::clone(&handed_out),
        seen: Vec::new(),
    };
    analysis::run("replay".into(), &mut source, &Options::default(), &mut sink).unwrap();
    assert_eq!(
        sink.seen,
        vec![
            ("answered".to_string(), 1, 6),
            ("unanswered".to_string(), 2, 6)
        ]
    );
}
