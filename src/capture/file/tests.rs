//! Captures written byte by byte in the test, read back through `from_reader`.

use super::*;

/// A legacy pcap file: µs or ns magic, either byte order.
fn pcap(
    nanos: bool,
    big_endian: bool,
    linktype: u32,
    records: &[(u32, u32, &[u8], u32)],
) -> Vec<u8> {
    let u32b = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u16b = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut out = Vec::new();
    out.extend(u32b(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }));
    out.extend(u16b(2));
    out.extend(u16b(4));
    out.extend(u32b(0)); // thiszone
    out.extend(u32b(0)); // sigfigs
    out.extend(u32b(262_144)); // snaplen
    out.extend(u32b(linktype));
    for &(secs, frac, data, orig_len) in records {
        out.extend(u32b(secs));
        out.extend(u32b(frac));
        out.extend(u32b(data.len() as u32));
        out.extend(u32b(orig_len));
        out.extend_from_slice(data);
    }
    out
}

/// pcapng blocks, little-endian unless `be` is set.
struct Ng {
    be: bool,
    out: Vec<u8>,
}

impl Ng {
    fn new(be: bool) -> Ng {
        let mut ng = Ng {
            be,
            out: Vec::new(),
        };
        ng.shb();
        ng
    }
    fn u32b(&self, v: u32) -> [u8; 4] {
        if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn u16b(&self, v: u16) -> [u8; 2] {
        if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn block(&mut self, block_type: u32, body: &[u8]) {
        let mut body = body.to_vec();
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        let len = 12 + body.len() as u32;
        let (t, l) = (self.u32b(block_type), self.u32b(len));
        self.out.extend(t);
        self.out.extend(l);
        self.out.extend(body);
        self.out.extend(l);
    }
    fn shb(&mut self) {
        let mut body = Vec::new();
        body.extend(self.u32b(0x1A2B_3C4D));
        body.extend(self.u16b(1));
        body.extend(self.u16b(0));
        body.extend([0xff; 8]); // section length unknown
        self.block(0x0A0D_0D0A, &body);
    }
    fn idb(&mut self, linktype: u16, tsresol: Option<u8>, tsoffset: Option<i64>) {
        let mut body = Vec::new();
        body.extend(self.u16b(linktype));
        body.extend(self.u16b(0));
        body.extend(self.u32b(262_144));
        if let Some(r) = tsresol {
            body.extend(self.u16b(9));
            body.extend(self.u16b(1));
            body.extend([r, 0, 0, 0]);
        }
        if let Some(o) = tsoffset {
            body.extend(self.u16b(14));
            body.extend(self.u16b(8));
            body.extend(if self.be {
                o.to_be_bytes()
            } else {
                o.to_le_bytes()
            });
        }
        if tsresol.is_some() || tsoffset.is_some() {
            body.extend([0; 4]); // opt_endofopt
        }
        self.block(1, &body);
    }
    fn epb(&mut self, if_id: u32, ticks: u64, data: &[u8], orig_len: u32) {
        let mut body = Vec::new();
        body.extend(self.u32b(if_id));
        body.extend(self.u32b((ticks >> 32) as u32));
        body.extend(self.u32b(ticks as u32));
        body.extend(self.u32b(data.len() as u32));
        body.extend(self.u32b(orig_len));
        body.extend_from_slice(data);
        self.block(6, &body);
    }
    fn spb(&mut self, data: &[u8]) {
        let mut body = Vec::new();
        body.extend(self.u32b(data.len() as u32));
        body.extend_from_slice(data);
        self.block(3, &body);
    }
}

fn source(bytes: Vec<u8>) -> Result<FileSource, CaptureError> {
    FileSource::from_reader("test".to_string(), Box::new(Cursor::new(bytes)))
}

#[derive(Debug, PartialEq)]
struct Owned {
    number: u32,
    ts: Timestamp,
    linktype: Linktype,
    data: Vec<u8>,
    orig_len: u32,
}

/// Every frame up to the end or the first error.
fn read_all(src: &mut FileSource) -> (Vec<Owned>, Option<CaptureError>) {
    let mut frames = Vec::new();
    loop {
        match src.next_frame() {
            Ok(Some(f)) => frames.push(Owned {
                number: f.number.0,
                ts: f.ts,
                linktype: f.linktype,
                data: f.data.to_vec(),
                orig_len: f.orig_len,
            }),
            Ok(None) => return (frames, None),
            Err(e) => return (frames, Some(e)),
        }
    }
}

fn ts(secs: i64, nanos: u32) -> Timestamp {
    Timestamp { secs, nanos }
}

#[test]
fn legacy_pcap_in_every_precision_and_byte_order() {
    for nanos in [false, true] {
        for big_endian in [false, true] {
            let frac = if nanos { 123_456_789 } else { 123_456 };
            let bytes = pcap(
                nanos,
                big_endian,
                1,
                &[
                    (1_700_000_000, frac, b"abcd", 4),
                    (1_700_000_001, 0, b"xy", 60),
                ],
            );
            let mut src = source(bytes).unwrap();
            assert_eq!(src.format(), CaptureFormat::Pcap);
            let (frames, err) = read_all(&mut src);
            assert!(err.is_none(), "{err:?}");
            let nanos_expected = if nanos { 123_456_789 } else { 123_456_000 };
            assert_eq!(
                frames,
                vec![
                    Owned {
                        number: 1,
                        ts: ts(1_700_000_000, nanos_expected),
                        linktype: Linktype::ETHERNET,
                        data: b"abcd".to_vec(),
                        orig_len: 4
                    },
                    Owned {
                        number: 2,
                        ts: ts(1_700_000_001, 0),
                        linktype: Linktype::ETHERNET,
                        data: b"xy".to_vec(),
                        orig_len: 60
                    },
                ],
                "nanos={nanos} big_endian={big_endian}"
            );
            assert_eq!(src.frames_read(), 2);
            // The end is sticky.
            assert!(src.next_frame().unwrap().is_none());
        }
    }
}

#[test]
fn legacy_pcap_link_type_drops_fcs_bits_and_keeps_unknown_values() {
    let bytes = pcap(false, false, 0x1000_0000 | 113, &[(1, 0, b"a", 1)]);
    let (frames, _) = read_all(&mut source(bytes).unwrap());
    assert_eq!(frames[0].linktype, Linktype::LINUX_SLL);
    let bytes = pcap(false, false, 147, &[(1, 0, b"a", 1)]);
    let (frames, _) = read_all(&mut source(bytes).unwrap());
    assert_eq!(frames[0].linktype, Linktype(147));
}

#[test]
fn pcapng_interfaces_keep_their_own_link_type_and_resolution() {
    let mut ng = Ng::new(false);
    ng.idb(1, None, None); // Ethernet, µs by default
    ng.idb(228, Some(9), None); // raw IPv4, ns
    ng.epb(0, 1_700_000_000_123_456, b"frame-one", 9);
    ng.block(0x0000_0BAD, b"unknown block"); // skipped
    ng.epb(1, 1_700_000_000_987_654_321, b"frame-two!", 1500);
    ng.block(5, &[0; 12]); // interface statistics: skipped
    ng.spb(b"simple");
    let mut src = source(ng.out).unwrap();
    assert_eq!(src.format(), CaptureFormat::PcapNg);
    let (frames, err) = read_all(&mut src);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        frames,
        vec![
            Owned {
                number: 1,
                ts: ts(1_700_000_000, 123_456_000),
                linktype: Linktype::ETHERNET,
                data: b"frame-one".to_vec(),
                orig_len: 9
            },
            Owned {
                number: 2,
                ts: ts(1_700_000_000, 987_654_321),
                linktype: Linktype::IPV4,
                data: b"frame-two!".to_vec(),
                orig_len: 1500
            },
            // A Simple Packet Block: interface 0, previous timestamp.
            Owned {
                number: 3,
                ts: ts(1_700_000_000, 987_654_321),
                linktype: Linktype::ETHERNET,
                data: b"simple".to_vec(),
                orig_len: 6
            },
        ]
    );
}

#[test]
fn pcapng_binary_resolution_offset_and_big_endian_sections() {
    let mut ng = Ng::new(true);
    ng.idb(101, Some(0x80 | 10), Some(100)); // 1/1024 s units, +100 s
    ng.epb(0, 1024 * 5 + 512, b"be", 2);
    // A second section, little-endian, resets the interfaces.
    let mut le = Ng::new(false);
    le.idb(276, Some(3), Some(-5)); // ms, -5 s
    le.epb(0, 2_500, b"le", 2);
    ng.out.extend(le.out);
    let (frames, err) = read_all(&mut source(ng.out).unwrap());
    assert!(err.is_none(), "{err:?}");
    assert_eq!(frames.len(), 2);
    assert_eq!(
        (frames[0].ts, frames[0].linktype),
        (ts(105, 500_000_000), Linktype::RAW)
    );
    assert_eq!(
        (frames[1].ts, frames[1].linktype),
        (ts(-3, 500_000_000), Linktype::LINUX_SLL2)
    );
    assert_eq!(frames[1].number, 2);
}

#[test]
fn timestamp_resolutions() {
    assert_eq!(ts_units_per_sec(6), Some(1_000_000));
    assert_eq!(ts_units_per_sec(9), Some(1_000_000_000));
    assert_eq!(ts_units_per_sec(0), Some(1));
    assert_eq!(ts_units_per_sec(19), Some(10_000_000_000_000_000_000));
    assert_eq!(ts_units_per_sec(20), None);
    assert_eq!(ts_units_per_sec(0x80 | 10), Some(1024));
    assert_eq!(ts_units_per_sec(0x80 | 63), Some(1 << 63));
    assert_eq!(ts_units_per_sec(0x80 | 64), None);
}

#[test]
fn empty_input_is_empty() {
    assert!(matches!(source(Vec::new()), Err(CaptureError::Empty)));
}

#[test]
fn text_is_not_a_capture() {
    let err = source(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".to_vec())
        .err()
        .unwrap();
    assert!(err.is_fatal_at_start());
    assert_eq!(
        err.to_string(),
        "not a pcap or pcapng capture: it starts with \"GET \""
    );
    let err = source(vec![0x1f, 0x8b, 8, 0, 0, 0]).err().unwrap();
    assert_eq!(
        err.to_string(),
        "not a pcap or pcapng capture: it is gzip-compressed (decompress it first)"
    );
}

#[test]
fn header_cut_short_is_a_bad_header() {
    let mut bytes = pcap(false, false, 1, &[]);
    bytes.truncate(10);
    let err = source(bytes).err().unwrap();
    assert!(err.is_fatal_at_start());
    assert_eq!(
        err.to_string(),
        "unusable capture file header: the file ends inside the pcap file header (10 of 24 bytes)"
    );
    let mut ng = Ng::new(false);
    ng.out.truncate(20);
    assert!(matches!(
        source(ng.out),
        Err(CaptureError::BadHeader { .. })
    ));
}

#[test]
fn file_cut_mid_record_reports_the_frames_before_it() {
    let bytes = pcap(
        false,
        false,
        1,
        &[(1, 0, b"first", 5), (2, 0, b"second", 6)],
    );
    // Cut inside the second record's data...
    let cut = bytes.len() - 2;
    let (frames, err) = read_all(&mut source(bytes[..cut].to_vec()).unwrap());
    assert_eq!(frames.len(), 1);
    let err = err.unwrap();
    assert!(!err.is_fatal_at_start());
    assert!(
        matches!(
            err,
            CaptureError::Truncated {
                after_frame: 1,
                offset: 45
            }
        ),
        "{err:?}"
    );
    // ...and inside its record header.
    let (frames, err) = read_all(&mut source(bytes[..24 + 21 + 7].to_vec()).unwrap());
    assert_eq!(frames.len(), 1);
    assert!(
        matches!(
            err,
            Some(CaptureError::Truncated {
                after_frame: 1,
                offset: 45
            })
        ),
        "{err:?}"
    );

    let mut ng = Ng::new(false);
    ng.idb(1, None, None);
    ng.epb(0, 0, b"one", 3);
    let whole = ng.out.len() as u64;
    ng.epb(0, 0, b"two", 3);
    ng.out.pop();
    let (frames, err) = read_all(&mut source(ng.out).unwrap());
    assert_eq!(frames.len(), 1);
    match err {
        Some(CaptureError::Truncated {
            after_frame: 1,
            offset,
        }) => assert_eq!(offset, whole),
        other => panic!("{other:?}"),
    }
}

#[test]
fn record_claiming_two_gigabytes_is_refused_without_buffering_it() {
    let mut bytes = pcap(false, false, 1, &[(1, 0, b"ok", 2)]);
    bytes.extend(1u32.to_le_bytes());
    bytes.extend(0u32.to_le_bytes());
    bytes.extend(0x8000_0000u32.to_le_bytes()); // caplen 2 GiB
    bytes.extend(0x8000_0000u32.to_le_bytes());
    bytes.extend([0u8; 100]);
    let mut src = source(bytes).unwrap();
    let (frames, err) = read_all(&mut src);
    assert_eq!(frames.len(), 1);
    match err {
        Some(CaptureError::BlockTooLarge {
            after_frame: 1,
            offset: 42,
            claimed,
            limit,
        }) => {
            assert_eq!(claimed, 16 + 0x8000_0000);
            assert_eq!(limit, MAX_RECORD);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        src.capacity, INITIAL_BUFFER,
        "the buffer must not grow for a bogus length"
    );
    assert!(src.next_frame().unwrap().is_none());

    let mut ng = Ng::new(false);
    ng.idb(1, None, None);
    ng.out.extend(6u32.to_le_bytes());
    ng.out.extend(0x8000_0000u32.to_le_bytes());
    ng.out.extend([0u8; 40]);
    let (frames, err) = read_all(&mut source(ng.out).unwrap());
    assert!(frames.is_empty());
    assert!(
        matches!(
            err,
            Some(CaptureError::BlockTooLarge { after_frame: 0, .. })
        ),
        "{err:?}"
    );
}

#[test]
fn record_larger_than_the_initial_buffer_grows_it() {
    let big = vec![0x5a; INITIAL_BUFFER + 300_000];
    let bytes = pcap(
        false,
        false,
        1,
        &[
            (1, 0, b"small", 5),
            (2, 0, &big, big.len() as u32),
            (3, 0, b"after", 5),
        ],
    );
    let (frames, err) = read_all(&mut source(bytes).unwrap());
    assert!(err.is_none(), "{err:?}");
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[1].data.len(), big.len());
    assert_eq!(frames[2].data, b"after");
}

#[test]
fn packet_block_whose_caplen_overruns_the_block_is_corrupt() {
    let mut ng = Ng::new(false);
    ng.idb(1, None, None);
    let mut body = Vec::new();
    body.extend(0u32.to_le_bytes());
    body.extend(0u32.to_le_bytes());
    body.extend(0u32.to_le_bytes());
    body.extend(5000u32.to_le_bytes()); // caplen far beyond the block
    body.extend(5000u32.to_le_bytes());
    body.extend([1u8; 8]);
    ng.block(6, &body);
    ng.epb(0, 0, b"never reached", 13);
    let (frames, err) = read_all(&mut source(ng.out).unwrap());
    assert!(frames.is_empty());
    assert!(
        matches!(err, Some(CaptureError::Corrupt { after_frame: 0, .. })),
        "{err:?}"
    );
}

#[test]
fn block_whose_trailing_length_disagrees_is_corrupt() {
    let mut ng = Ng::new(false);
    ng.idb(1, None, None);
    ng.epb(0, 0, b"good", 4);
    let at = ng.out.len();
    ng.epb(0, 0, b"bad!", 4);
    let last = ng.out.len() - 4;
    ng.out[last] = 99; // trailing block length
    let (frames, err) = read_all(&mut source(ng.out).unwrap());
    assert_eq!(frames.len(), 1);
    let err = err.unwrap();
    assert!(!err.is_fatal_at_start());
    assert_eq!(
        err.to_string(),
        format!(
            "corrupt capture at byte {at}, after frame 1: the record does not parse (Verify check failed) \
             (a pcapng block of type 0x00000006 and 36 bytes)"
        )
    );
}

#[test]
fn packet_block_on_an_undescribed_interface_is_corrupt() {
    let mut ng = Ng::new(false);
    ng.idb(1, None, None);
    ng.epb(0, 0, b"fine", 4);
    ng.epb(3, 0, b"bad", 3);
    let (frames, err) = read_all(&mut source(ng.out).unwrap());
    assert_eq!(frames.len(), 1);
    let err = err.unwrap();
    assert_eq!(
        err.to_string(),
        "corrupt capture at byte 84, after frame 1: packet block names interface 3, but the section describes 1"
    );
}

#[test]
fn section_with_too_many_interfaces_stops_reading() {
    // Hostile input: a section describing 65 537 interfaces would grow the
    // interface table without bound; reading stops at the cap, after the
    // frames before it.
    let mut ng = Ng::new(false);
    ng.idb(1, None, None);
    ng.epb(0, 0, b"fine", 4);
    for _ in 1..65_536 {
        ng.idb(1, None, None);
    }
    let offset = ng.out.len();
    ng.idb(1, None, None);
    ng.epb(65_535, 0, b"last", 4);
    let (frames, err) = read_all(&mut source(ng.out).unwrap());
    assert_eq!(frames.len(), 1);
    assert_eq!(
        err.unwrap().to_string(),
        format!(
            "corrupt capture at byte {offset}, after frame 1: the section describes more than 65536 interfaces"
        )
    );
}

#[test]
fn pcapng_block_shorter_than_an_empty_block_is_corrupt() {
    // Regression (fuzz target capture_reader): a Process Information Block
    // (type 0x80000001) claiming 8 bytes made pcap-parser 0.17 subtract 12
    // from its length and panic.
    let mut ng = Ng::new(false);
    ng.idb(1, None, None);
    ng.epb(0, 0, b"fine", 4);
    let offset = ng.out.len();
    ng.out.extend_from_slice(&[
        0x01, 0x00, 0x00, 0x80, 0x08, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
    ]);
    ng.epb(0, 0, b"unread", 6);
    let (frames, err) = read_all(&mut source(ng.out).unwrap());
    assert_eq!(frames.len(), 1);
    assert_eq!(
        err.unwrap().to_string(),
        format!(
            "corrupt capture at byte {offset}, after frame 1: a pcapng block of type 0x80000001 and 8 bytes is shorter than the 12 bytes of an empty block"
        )
    );
}

/// Delivers its bytes a few at a time, like a pipe, then fails if asked.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    fail_at_end: bool,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.data.len() {
            return if self.fail_at_end {
                Err(io::Error::new(
                    io::ErrorKind::ConnectionReset,
                    "peer went away",
                ))
            } else {
                Ok(0)
            };
        }
        let n = buf.len().min(3).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn short_reads_from_a_pipe_are_fine() {
    let mut ng = Ng::new(false);
    ng.idb(1, None, None);
    for i in 0..50u32 {
        ng.epb(0, u64::from(i), &[i as u8; 33], 33);
    }
    let trickle = Trickle {
        data: ng.out,
        at: 0,
        fail_at_end: false,
    };
    let mut src = FileSource::from_reader("-".to_string(), Box::new(trickle)).unwrap();
    assert_eq!(src.name(), "-");
    let (frames, err) = read_all(&mut src);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(frames.len(), 50);
    assert_eq!(frames[49].data, vec![49u8; 33]);
    assert_eq!(frames[49].ts, ts(0, 49_000));
}

#[test]
fn read_error_keeps_its_cause() {
    let bytes = pcap(false, false, 1, &[(1, 0, b"one", 3)]);
    let trickle = Trickle {
        data: bytes,
        at: 0,
        fail_at_end: true,
    };
    let mut src = FileSource::from_reader("-".to_string(), Box::new(trickle)).unwrap();
    let (frames, err) = read_all(&mut src);
    assert_eq!(frames.len(), 1);
    match err {
        Some(CaptureError::Read {
            after_frame: 1,
            source,
        }) => {
            assert_eq!(source.kind(), io::ErrorKind::ConnectionReset);
            assert_eq!(source.to_string(), "peer went away");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn many_frames_across_read_chunks_come_out_in_order() {
    let payloads: Vec<Vec<u8>> = (0..5000u32)
        .map(|i| i.to_be_bytes().repeat(1 + (i as usize % 50)))
        .collect();
    let records: Vec<(u32, u32, &[u8], u32)> = payloads
        .iter()
        .enumerate()
        .map(|(i, p)| (i as u32, 0, p.as_slice(), p.len() as u32))
        .collect();
    let bytes = pcap(false, false, 1, &records);
    assert!(bytes.len() > 3 * READ_CHUNK);
    let (frames, err) = read_all(&mut source(bytes).unwrap());
    assert!(err.is_none(), "{err:?}");
    assert_eq!(frames.len(), 5000);
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.number, i as u32 + 1);
        assert_eq!(f.data, payloads[i]);
    }
}

#[test]
fn opening_a_directory_or_a_missing_file_fails_at_start() {
    let dir = std::env::temp_dir();
    assert!(matches!(
        FileSource::open(&dir),
        Err(CaptureError::IsDirectory { .. })
    ));
    let missing = dir.join("sipdiag-no-such-capture.pcap");
    let err = FileSource::open(&missing).err().unwrap();
    assert!(err.is_fatal_at_start());
    assert!(matches!(err, CaptureError::Open { .. }));
}

/// The fast path reads whole plain records only; a partial record or the
/// 24-byte "modified" header is left to pcap-parser.
#[test]
fn legacy_fast_path_reads_whole_plain_records_only() {
    let header = |big_endian, record_header| LegacyHeader {
        linktype: Linktype::ETHERNET,
        nanosecond: false,
        big_endian,
        record_header,
    };
    let bytes = pcap(false, true, 1, &[(7, 250_000, b"hello", 90)]);
    let record = bytes.get(24..).unwrap();
    let located = legacy_record(record, header(true, 16)).unwrap();
    assert_eq!(
        (
            located.start,
            located.len,
            located.record_len,
            located.orig_len
        ),
        (16, 5, 21, 90)
    );
    assert_eq!(located.ts, ts(7, 250_000_000));
    // Read in the wrong byte order, caplen is 5 << 24: not all buffered.
    assert!(legacy_record(record, header(false, 16)).is_none());
    // One byte short of the data, fewer bytes than a record header, modified format.
    assert!(legacy_record(record.get(..20).unwrap(), header(true, 16)).is_none());
    assert!(legacy_record(record.get(..15).unwrap(), header(true, 16)).is_none());
    assert!(legacy_record(record, header(true, 24)).is_none());
    // orig_len is never below the captured length.
    let short = pcap(false, false, 1, &[(1, 0, b"abc", 1)]);
    let located = legacy_record(short.get(24..).unwrap(), header(false, 16)).unwrap();
    assert_eq!(located.orig_len, 3);
}
