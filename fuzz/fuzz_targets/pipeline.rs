//! Bytes as a pcap or pcapng file through the whole pipeline: capture, decode,
//! reassembly, SIP, correlation, rules, and the text, JSON Lines and JUnit
//! reports.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use sipdiag::analysis;
use sipdiag::capture::FileSource;
use sipdiag::report;
use sipdiag::rules::Severity;

fuzz_target!(|data: &[u8]| {
    let reader = Box::new(Cursor::new(data.to_vec()));
    let Ok(mut source) = FileSource::from_reader("fuzz".to_string(), reader) else {
        return;
    };
    let result = analysis::analyze("fuzz".to_string(), &mut source);
    let results = [result];
    let mut out = Vec::new();
    report::text::write(&mut out, &results).expect("writing to a Vec");
    out.clear();
    report::json::write(&mut out, &results).expect("writing to a Vec");
    for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        serde_json_check(line);
    }
    out.clear();
    report::junit::write(&mut out, &results, Some(Severity::Error)).expect("writing to a Vec");
});

/// Every JSON line is valid UTF-8 and starts like an object.
fn serde_json_check(line: &[u8]) {
    let text = std::str::from_utf8(line).expect("JSON output is UTF-8");
    assert!(
        text.starts_with('{') && text.ends_with('}'),
        "not a JSON object: {text}"
    );
}
