//! `--threads 2` splits the analysis of a capture file across two threads:
//! one reads, decodes, reassembles and scans, the other correlates, checks and
//! reports. The report must not change by a byte, and a report that fails
//! (a closed pipe) must stop the reading thread.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use sipdiag::analysis::{self, CallSink, Options};
use sipdiag::capture::{
    CaptureError, FileSource, FrameNo, FrameRef, FrameSource, Linktype, Timestamp,
};
use sipdiag::correlate::Call;
use sipdiag::rules::Diagnostic;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every committed capture, broken ones included.
fn captures(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            captures(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "pcap" || e == "pcapng")
        {
            out.push(path);
        }
    }
}

fn sipdiag(capture: &Path, threads: &str, format: &str) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let out = Command::cargo_bin("sipdiag")
        .unwrap()
        .arg(capture)
        .args(["--threads", threads, "--format", format])
        .output()
        .unwrap();
    (out.status.code(), out.stdout, out.stderr)
}

#[test]
fn two_threads_give_the_same_report_on_every_fixture() {
    let mut all = Vec::new();
    captures(&root().join("fixtures"), &mut all);
    assert!(all.len() > 80, "only {} captures found", all.len());
    for capture in &all {
        for format in ["text", "json"] {
            let one = sipdiag(capture, "1", format);
            let two = sipdiag(capture, "2", format);
            assert_eq!(
                one,
                two,
                "{} --format {format}: one thread and two differ",
                capture.display()
            );
        }
    }
}

#[test]
fn threads_must_be_one_or_two() {
    let capture = root().join("fixtures/clean-call.pcap");
    for bad in ["0", "3", "x"] {
        let out = Command::cargo_bin("sipdiag")
            .unwrap()
            .arg(&capture)
            .args(["--threads", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--threads {bad}");
        assert!(out.stdout.is_empty());
    }
}

/// Frames held in memory; counts how many it handed out.
struct Replay {
    frames: Vec<(Timestamp, Linktype, Vec<u8>)>,
    next: usize,
    handed_out: Arc<AtomicUsize>,
}

impl FrameSource for Replay {
    fn next_frame(&mut self) -> Result<Option<FrameRef<'_>>, CaptureError> {
        let Some((ts, linktype, data)) = self.frames.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        self.handed_out.store(self.next, Ordering::SeqCst);
        Ok(Some(FrameRef {
            number: FrameNo(self.next as u32),
            ts: *ts,
            linktype: *linktype,
            data,
            orig_len: data.len() as u32,
        }))
    }
}

/// A report whose output is gone after the first call.
struct ClosedPipe {
    calls: usize,
}

impl CallSink for ClosedPipe {
    fn call(&mut self, _: &str, _: u64, _: &Call, _: &[Diagnostic]) -> io::Result<()> {
        self.calls += 1;
        Err(io::ErrorKind::BrokenPipe.into())
    }
}

#[test]
fn a_failing_report_stops_the_reading_thread() {
    // The same real call 2000 times, a minute apart: each copy is released
    // (and reported) while later ones are still being read.
    let mut source = FileSource::open(&root().join("fixtures/clean-call.pcap")).unwrap();
    let mut call = Vec::new();
    while let Some(f) = source.next_frame().unwrap() {
        call.push((f.ts, f.linktype, f.data.to_vec()));
    }
    assert_eq!(call.len(), 7);
    let copies = 2000;
    let mut frames = Vec::new();
    for i in 0..copies {
        frames.extend(call.iter().map(|(ts, lt, data)| {
            let ts = Timestamp {
                secs: ts.secs + 60 * i,
                nanos: ts.nanos,
            };
            (ts, *lt, data.clone())
        }));
    }
    let total = frames.len();
    let handed_out = Arc::new(AtomicUsize::new(0));
    let mut source = Replay {
        frames,
        next: 0,
        handed_out: Arc::clone(&handed_out),
    };
    let mut sink = ClosedPipe { calls: 0 };
    let err = analysis::run_parallel("replay".into(), &mut source, &Options::default(), &mut sink)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    assert_eq!(sink.calls, 1);
    // The first call is released at frame 8; the reading thread can be ahead
    // by what the channel holds (4 batches of 256 steps, two or more per
    // frame) and one batch on each side, far from the 14 000 frames.
    let read = handed_out.load(Ordering::SeqCst);
    assert!(read < 8 + 6 * 256 / 2 + 1, "{read} of {total} frames read");
}
