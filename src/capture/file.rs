//! Streaming reader for pcap and pcapng files (pure Rust, via pcap-parser).
//!
//! The file is read in 64 KiB chunks into one buffer (1 MiB to start) that
//! holds at least one whole record; frames are handed out as slices of that
//! buffer. Memory stays constant whatever the size of the capture: a record
//! that claims more than [`MAX_RECORD`] bytes is reported as an error instead
//! of being buffered.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use pcap_parser::pcapng::{Block, InterfaceDescriptionBlock, OptionCode};
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{PcapBlockOwned, PcapError};

use super::error::describe_start;
use super::{CaptureError, FrameNo, FrameRef, FrameSource, Linktype, Timestamp};

/// Initial size of the record buffer.
const INITIAL_BUFFER: usize = 1 << 20;
/// Largest record sipdiag buffers. Linux captures at most 262 144 bytes per
/// frame; anything far beyond that is a corrupt length field.
const MAX_RECORD: u64 = 16 << 20;
/// Largest single read from the underlying file.
const READ_CHUNK: usize = 64 << 10;

const PCAPNG_SHB_MAGIC: u32 = 0x0A0D_0D0A;
const PCAPNG_BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
/// Most interfaces one pcapng section may describe. Real captures have a
/// handful; a section describing more is corrupt or hostile, and reading stops
/// there instead of growing the interface table without bound.
const MAX_INTERFACES: usize = 65_536;
/// Size of the legacy pcap file header.
const PCAP_HEADER_LEN: usize = 24;
/// Smallest pcapng Section Header Block.
const SHB_MIN_LEN: u32 = 28;
/// Smallest pcapng block: type, length and trailing length, no body.
const BLOCK_MIN_LEN: u64 = 12;
/// libpcap keeps the link type in the low 26 bits of the header's link-type
/// field; the upper bits may describe an FCS.
const LINKTYPE_MASK: i32 = 0x03FF_FFFF;

/// The container format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    /// Legacy libpcap format (`.pcap`), µs or ns timestamps.
    Pcap,
    /// pcapng (`.pcapng`), what Wireshark and dumpcap write by default.
    PcapNg,
}

/// Frames from a pcap or pcapng file or stream.
pub struct FileSource {
    name: String,
    format: CaptureFormat,
    reader: Box<dyn PcapReaderIterator + Send>,
    /// The last I/O error of the underlying reader (pcap-parser only keeps
    /// the fact that a read failed).
    read_error: Arc<Mutex<Option<io::Error>>>,
    capacity: usize,
    /// Legacy pcap: what its file header says.
    legacy: Option<LegacyHeader>,
    /// pcapng: the interfaces of the current section, by interface id.
    interfaces: Vec<Interface>,
    /// pcapng: byte order of the current section.
    big_endian: bool,
    /// Bytes of the frame handed out last, released on the next call.
    pending_consume: usize,
    frames: u32,
    last_ts: Timestamp,
    done: bool,
}

#[derive(Debug, Clone, Copy)]
struct LegacyHeader {
    linktype: Linktype,
    nanosecond: bool,
    big_endian: bool,
    /// Bytes before each record's data (16, or 24 in the "modified" format).
    record_header: u64,
}

#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: Linktype,
    /// Timestamp units per second.
    units_per_sec: u64,
    /// Seconds added to every timestamp (`if_tsoffset`).
    offset_secs: i64,
}

/// A frame located in the buffer, described without borrowing it.
struct Located {
    start: usize,
    len: usize,
    record_len: usize,
    ts: Timestamp,
    linktype: Linktype,
    orig_len: u32,
}

/// What one call to the parser produced.
enum Step {
    Frame(Located),
    /// A block that is not a frame (headers, statistics, ...): skip this many bytes.
    Skip(usize),
    /// The buffer does not hold a whole record yet; `full` when it cannot
    /// take more without growing.
    NeedData {
        full: bool,
    },
    /// The record at the head of the buffer does not parse.
    Unparseable(String),
    End,
    Fail(CaptureError),
}

impl FileSource {
    /// Open a capture file. (`-` for stdin is the caller's business: use
    /// [`FileSource::from_reader`].)
    pub fn open(path: &Path) -> Result<FileSource, CaptureError> {
        if path.is_dir() {
            return Err(CaptureError::IsDirectory {
                path: path.to_path_buf(),
            });
        }
        let file = File::open(path).map_err(|source| CaptureError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        FileSource::from_reader(path.display().to_string(), Box::new(file))
    }

    /// Read a capture from any byte stream, e.g. stdin. `name` is kept for
    /// messages.
    pub fn from_reader(
        name: String,
        mut reader: Box<dyn Read + Send>,
    ) -> Result<FileSource, CaptureError> {
        let open_error = |source| CaptureError::Open {
            path: name.clone().into(),
            source,
        };
        let mut prefix = Vec::with_capacity(PCAP_HEADER_LEN);
        read_at_least(&mut reader, &mut prefix, 4).map_err(open_error)?;
        if prefix.is_empty() {
            return Err(CaptureError::Empty);
        }
        let format = match prefix.get(..4) {
            Some([0x0a, 0x0d, 0x0d, 0x0a]) => CaptureFormat::PcapNg,
            Some(
                [0xd4, 0xc3, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0xc3, 0xd4]
                | [0x4d, 0x3c, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0x3c, 0x4d]
                | [0x34, 0xcd, 0xb2, 0xa1],
            ) => CaptureFormat::Pcap,
            _ => {
                return Err(CaptureError::NotACapture {
                    found: describe_start(&prefix),
                });
            }
        };
        // pcap-parser decides the format from its first read, so that read
        // must hold the whole file header.
        match format {
            CaptureFormat::Pcap => {
                read_at_least(&mut reader, &mut prefix, PCAP_HEADER_LEN).map_err(open_error)?;
                if prefix.len() < PCAP_HEADER_LEN {
                    return Err(CaptureError::BadHeader {
                        what: format!(
                            "the file ends inside the pcap file header ({} of {PCAP_HEADER_LEN} bytes)",
                            prefix.len()
                        ),
                    });
                }
            }
            CaptureFormat::PcapNg => {
                read_at_least(&mut reader, &mut prefix, 12).map_err(open_error)?;
                let shb_len = match (read_u32(&prefix, 8, false), read_u32(&prefix, 4, false)) {
                    (Some(PCAPNG_BYTE_ORDER_MAGIC), Some(len)) => len,
                    (Some(_), Some(len)) => len.swap_bytes(),
                    _ => 0,
                };
                if prefix.len() < 12 {
                    return Err(CaptureError::BadHeader {
                        what: "the file ends inside the pcapng section header".to_string(),
                    });
                }
                if shb_len < SHB_MIN_LEN || shb_len as usize > READ_CHUNK {
                    return Err(CaptureError::BadHeader {
                        what: format!("the pcapng section header claims {shb_len} bytes"),
                    });
                }
                read_at_least(&mut reader, &mut prefix, shb_len as usize).map_err(open_error)?;
                if prefix.len() < shb_len as usize {
                    return Err(CaptureError::BadHeader {
                        what: "the file ends inside the pcapng section header".to_string(),
                    });
                }
            }
        }

        let read_error = Arc::new(Mutex::new(None));
        let chunked = ChunkedReader {
            inner: reader,
            error: Arc::clone(&read_error),
        };
        let stream = Cursor::new(prefix).chain(chunked);
        let reader = pcap_parser::create_reader(INITIAL_BUFFER, stream).map_err(|e| match e {
            PcapError::ReadError => open_error(take_error(&read_error)),
            PcapError::Eof => CaptureError::Empty,
            other => CaptureError::BadHeader {
                what: describe_parse_error(&other),
            },
        })?;
        Ok(FileSource {
            name,
            format,
            reader,
            read_error,
            capacity: INITIAL_BUFFER,
            legacy: None,
            interfaces: Vec::new(),
            big_endian: false,
            pending_consume: 0,
            frames: 0,
            last_ts: Timestamp::default(),
            done: false,
        })
    }

    /// pcap or pcapng.
    pub fn format(&self) -> CaptureFormat {
        self.format
    }

    /// The name given when the source was opened (the path, or e.g. `-`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many frames have been handed out so far.
    pub fn frames_read(&self) -> u32 {
        self.frames
    }

    /// Bytes of the capture consumed so far (for progress display).
    pub fn bytes_read(&self) -> u64 {
        self.reader.consumed() as u64
    }

    /// Parse the next block, without keeping a borrow of the buffer.
    fn step(&mut self) -> Step {
        if let Some(header) = self.legacy
            && let Some(located) = legacy_record(self.reader.data(), header)
        {
            return Step::Frame(located);
        }
        let after_frame = self.frames;
        let offset = self.reader.consumed() as u64;
        let base = self.reader.data().as_ptr() as usize;
        let buffered = self.reader.data().len();
        // pcap-parser 0.17 subtracts 12 from the length of a Process
        // Information Block (type 0x80000001) that claims 4 to 11 bytes, which
        // panics in debug builds: refuse every block shorter than an empty one.
        if self.format == CaptureFormat::PcapNg
            && let Some(claimed) = self.claimed_len()
            && claimed < BLOCK_MIN_LEN
        {
            return Step::Fail(CaptureError::Corrupt {
                after_frame,
                offset,
                what: format!(
                    "{} is shorter than the {BLOCK_MIN_LEN} bytes of an empty block",
                    self.describe_head()
                ),
            });
        }
        match self.reader.next() {
            Ok((record_len, block)) => {
                if record_len == 0 {
                    return Step::Fail(CaptureError::Corrupt {
                        after_frame,
                        offset,
                        what: "empty record".to_string(),
                    });
                }
                let corrupt = |what: String| {
                    Step::Fail(CaptureError::Corrupt {
                        after_frame,
                        offset,
                        what,
                    })
                };
                let start_of = |data: &[u8]| (data.as_ptr() as usize).checked_sub(base);
                match block {
                    PcapBlockOwned::LegacyHeader(header) => {
                        self.legacy = Some(LegacyHeader {
                            linktype: Linktype(header.network.0 & LINKTYPE_MASK),
                            nanosecond: header.is_nanosecond_precision(),
                            big_endian: header.is_bigendian(),
                            record_header: if header.is_modified_format() { 24 } else { 16 },
                        });
                        Step::Skip(record_len)
                    }
                    PcapBlockOwned::Legacy(record) => {
                        let Some(header) = self.legacy else {
                            return corrupt("packet record before the file header".to_string());
                        };
                        let Some(start) = start_of(record.data) else {
                            return corrupt("packet data outside its record".to_string());
                        };
                        let frac_nanos = if header.nanosecond {
                            u64::from(record.ts_usec)
                        } else {
                            u64::from(record.ts_usec) * 1000
                        };
                        Step::Frame(Located {
                            start,
                            len: record.data.len(),
                            record_len,
                            ts: timestamp(u64::from(record.ts_sec), frac_nanos, 0),
                            linktype: header.linktype,
                            orig_len: record.origlen.max(record.caplen),
                        })
                    }
                    PcapBlockOwned::NG(Block::SectionHeader(shb)) => {
                        self.big_endian = shb.big_endian();
                        self.interfaces.clear();
                        Step::Skip(record_len)
                    }
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        if self.interfaces.len() >= MAX_INTERFACES {
                            return corrupt(format!(
                                "the section describes more than {MAX_INTERFACES} interfaces"
                            ));
                        }
                        let Some(units_per_sec) = ts_units_per_sec(idb.if_tsresol) else {
                            return corrupt(format!(
                                "interface {} has an invalid timestamp resolution (if_tsresol {})",
                                self.interfaces.len(),
                                idb.if_tsresol
                            ));
                        };
                        self.interfaces.push(Interface {
                            linktype: Linktype(idb.linktype.0),
                            units_per_sec,
                            offset_secs: ts_offset(&idb, self.big_endian),
                        });
                        Step::Skip(record_len)
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        let Some(iface) = usize::try_from(epb.if_id)
                            .ok()
                            .and_then(|id| self.interfaces.get(id))
                        else {
                            return corrupt(format!(
                                "packet block names interface {}, but the section describes {}",
                                epb.if_id,
                                self.interfaces.len()
                            ));
                        };
                        let Some(start) = start_of(epb.data) else {
                            return corrupt("packet data outside its block".to_string());
                        };
                        // The block's data is padded to 32 bits: keep caplen bytes.
                        let len = usize::try_from(epb.caplen)
                            .unwrap_or(usize::MAX)
                            .min(epb.data.len());
                        let ticks = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                        let (secs, frac) =
                            (ticks / iface.units_per_sec, ticks % iface.units_per_sec);
                        let frac_nanos =
                            u128::from(frac) * 1_000_000_000 / u128::from(iface.units_per_sec);
                        Step::Frame(Located {
                            start,
                            len,
                            record_len,
                            ts: timestamp(
                                secs,
                                u64::try_from(frac_nanos).unwrap_or(0),
                                iface.offset_secs,
                            ),
                            linktype: iface.linktype,
                            orig_len: epb.origlen.max(u32::try_from(len).unwrap_or(u32::MAX)),
                        })
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                        // A Simple Packet Block belongs to interface 0 and has
                        // no timestamp: it inherits the previous frame's.
                        let Some(iface) = self.interfaces.first() else {
                            return corrupt(
                                "simple packet block in a section without interfaces".to_string(),
                            );
                        };
                        let Some(start) = start_of(spb.data) else {
                            return corrupt("packet data outside its block".to_string());
                        };
                        let len = usize::try_from(spb.origlen)
                            .unwrap_or(usize::MAX)
                            .min(spb.data.len());
                        Step::Frame(Located {
                            start,
                            len,
                            record_len,
                            ts: self.last_ts,
                            linktype: iface.linktype,
                            orig_len: spb.origlen.max(u32::try_from(len).unwrap_or(u32::MAX)),
                        })
                    }
                    // Statistics, name resolution, secrets, custom and unknown
                    // blocks carry no frames.
                    PcapBlockOwned::NG(_) => Step::Skip(record_len),
                }
            }
            Err(PcapError::Eof) => Step::End,
            Err(PcapError::UnexpectedEof) if buffered == 0 => Step::End,
            Err(PcapError::UnexpectedEof) => Step::Fail(CaptureError::Truncated {
                after_frame,
                offset,
            }),
            Err(PcapError::Incomplete(_)) => Step::NeedData { full: false },
            Err(PcapError::BufferTooSmall) => Step::NeedData { full: true },
            Err(PcapError::ReadError) => Step::Fail(CaptureError::Read {
                after_frame,
                source: take_error(&self.read_error),
            }),
            Err(other) => Step::Unparseable(describe_parse_error(&other)),
        }
    }

    /// The length the record at the head of the buffer claims for itself, once
    /// enough of its header is buffered.
    fn claimed_len(&self) -> Option<u64> {
        let data = self.reader.data();
        match self.format {
            CaptureFormat::Pcap => {
                let header = self.legacy?;
                let caplen = read_u32(data, 8, header.big_endian)?;
                Some(header.record_header + u64::from(caplen))
            }
            CaptureFormat::PcapNg => {
                let big_endian = if read_u32(data, 0, false)? == PCAPNG_SHB_MAGIC {
                    read_u32(data, 8, false)? != PCAPNG_BYTE_ORDER_MAGIC
                } else {
                    self.big_endian
                };
                read_u32(data, 4, big_endian).map(u64::from)
            }
        }
    }

    /// What the record at the head of the buffer claims to be, for messages.
    fn describe_head(&self) -> String {
        let data = self.reader.data();
        let claimed = self.claimed_len().unwrap_or(0);
        match self.format {
            CaptureFormat::Pcap => format!("a packet record of {claimed} bytes"),
            CaptureFormat::PcapNg => match read_u32(data, 0, self.big_endian) {
                Some(block_type) => {
                    format!("a pcapng block of type 0x{block_type:08x} and {claimed} bytes")
                }
                None => "a pcapng block".to_string(),
            },
        }
    }

    /// Make room for, or read, more of the record at the head of the buffer.
    fn fetch_more(&mut self, full: bool) -> Result<(), CaptureError> {
        let after_frame = self.frames;
        let offset = self.reader.consumed() as u64;
        let buffered = self.reader.data().len();
        let claimed = self.claimed_len();
        if let Some(claimed) = claimed {
            if claimed > MAX_RECORD {
                return Err(CaptureError::BlockTooLarge {
                    after_frame,
                    offset,
                    claimed,
                    limit: MAX_RECORD,
                });
            }
            if buffered as u64 >= claimed {
                // The whole record is here, yet its parts claim more bytes.
                return Err(CaptureError::Corrupt {
                    after_frame,
                    offset,
                    what: format!(
                        "the contents of this {claimed}-byte record claim more bytes than it holds"
                    ),
                });
            }
        }
        if !full {
            if self.reader.refill().is_err() {
                return Err(CaptureError::Read {
                    after_frame,
                    source: take_error(&self.read_error),
                });
            }
            if self.reader.data().len() > buffered || self.reader.reader_exhausted() {
                return Ok(());
            }
        }
        // The buffer is full and still holds no whole record: grow it.
        let limit = usize::try_from(MAX_RECORD)
            .unwrap_or(usize::MAX)
            .saturating_add(READ_CHUNK);
        let wanted = claimed
            .and_then(|c| usize::try_from(c).ok())
            .unwrap_or(0)
            .saturating_add(READ_CHUNK)
            .max(self.capacity.saturating_mul(2))
            .min(limit);
        if wanted <= self.capacity || !self.reader.grow(wanted) {
            return Err(CaptureError::BlockTooLarge {
                after_frame,
                offset,
                claimed: claimed.unwrap_or(self.capacity as u64),
                limit: MAX_RECORD,
            });
        }
        self.capacity = wanted;
        Ok(())
    }
}

impl FrameSource for FileSource {
    fn next_frame(&mut self) -> Result<Option<FrameRef<'_>>, CaptureError> {
        if self.done {
            return Ok(None);
        }
        if self.pending_consume > 0 {
            self.reader.consume(self.pending_consume);
            self.pending_consume = 0;
        }
        // Each turn consumes a block, reads more input, grows the buffer (a
        // bounded number of times) or ends: the loop terminates with the input.
        let located = loop {
            match self.step() {
                Step::Frame(located) => break located,
                Step::Skip(len) => self.reader.consume(len),
                Step::NeedData { full } => {
                    if let Err(e) = self.fetch_more(full) {
                        self.done = true;
                        return Err(e);
                    }
                }
                Step::Unparseable(what) => {
                    self.done = true;
                    return Err(CaptureError::Corrupt {
                        after_frame: self.frames,
                        offset: self.reader.consumed() as u64,
                        what: format!("{what} ({})", self.describe_head()),
                    });
                }
                Step::End => {
                    self.done = true;
                    return Ok(None);
                }
                Step::Fail(e) => {
                    self.done = true;
                    return Err(e);
                }
            }
        };
        let Some(number) = self.frames.checked_add(1) else {
            self.done = true;
            return Err(CaptureError::Corrupt {
                after_frame: self.frames,
                offset: self.reader.consumed() as u64,
                what: "more frames than sipdiag can number".to_string(),
            });
        };
        let end = located.start.saturating_add(located.len);
        let Some(data) = self.reader.data().get(located.start..end) else {
            self.done = true;
            return Err(CaptureError::Corrupt {
                after_frame: self.frames,
                offset: self.reader.consumed() as u64,
                what: "packet data outside its record".to_string(),
            });
        };
        self.frames = number;
        self.last_ts = located.ts;
        self.pending_consume = located.record_len;
        Ok(Some(FrameRef {
            number: FrameNo(number),
            ts: located.ts,
            linktype: located.linktype,
            data,
            orig_len: located.orig_len,
        }))
    }
}

/// The legacy pcap record at the head of `data`, when its header and all its
/// bytes are buffered and it has the plain 16-byte header: the common case,
/// read here without the parser's generic block machinery (a third of the
/// cost of reading a frame). Anything else (a partial record, the modified
/// format) is left to pcap-parser, whose errors the caller reports.
fn legacy_record(data: &[u8], header: LegacyHeader) -> Option<Located> {
    const RECORD_HEADER: usize = 16;
    if header.record_header != RECORD_HEADER as u64 {
        return None;
    }
    let read = |at| read_u32(data, at, header.big_endian);
    let (ts_sec, ts_frac, caplen, origlen) = (read(0)?, read(4)?, read(8)?, read(12)?);
    let len = usize::try_from(caplen).ok()?;
    let record_len = RECORD_HEADER.checked_add(len)?;
    if data.len() < record_len {
        return None;
    }
    let frac_nanos = if header.nanosecond {
        u64::from(ts_frac)
    } else {
        u64::from(ts_frac) * 1000
    };
    Some(Located {
        start: RECORD_HEADER,
        len,
        record_len,
        ts: timestamp(u64::from(ts_sec), frac_nanos, 0),
        linktype: header.linktype,
        orig_len: origlen.max(caplen),
    })
}

/// Seconds plus nanoseconds (possibly 1 s or more) plus an offset, saturating.
fn timestamp(secs: u64, frac_nanos: u64, offset_secs: i64) -> Timestamp {
    let carry = frac_nanos / 1_000_000_000;
    let nanos = u32::try_from(frac_nanos % 1_000_000_000).unwrap_or(0);
    let secs = i64::try_from(secs.saturating_add(carry))
        .unwrap_or(i64::MAX)
        .saturating_add(offset_secs);
    Timestamp { secs, nanos }
}

/// Timestamp units per second for an `if_tsresol` value: a power of 10, or
/// of 2 when the top bit is set. (pcap-parser 0.17's `ts_resolution()`
/// rejects every power of 2.)
fn ts_units_per_sec(if_tsresol: u8) -> Option<u64> {
    let exponent = u32::from(if_tsresol & 0x7f);
    if if_tsresol & 0x80 == 0 {
        10u64.checked_pow(exponent)
    } else {
        1u64.checked_shl(exponent)
    }
}

/// `if_tsoffset` in the section's byte order (pcap-parser reads it as
/// little-endian whatever the section's order).
fn ts_offset(idb: &InterfaceDescriptionBlock<'_>, big_endian: bool) -> i64 {
    if !big_endian {
        return idb.if_tsoffset;
    }
    idb.options
        .iter()
        .find(|opt| opt.code == OptionCode::IfTsoffset)
        .and_then(|opt| opt.value().get(..8))
        .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        .map_or(0, i64::from_be_bytes)
}

fn read_u32(data: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let bytes: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(bytes)
    } else {
        u32::from_le_bytes(bytes)
    })
}

/// Read until `buf` holds at least `want` bytes or the input ends.
fn read_at_least(reader: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
    let mut chunk = [0u8; 512];
    while buf.len() < want {
        let n = (want - buf.len()).min(chunk.len());
        let Some(space) = chunk.get_mut(..n) else {
            break;
        };
        match reader.read(space) {
            Ok(0) => break,
            Ok(got) => buf.extend_from_slice(space.get(..got).unwrap_or_default()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn take_error(slot: &Mutex<Option<io::Error>>) -> io::Error {
    slot.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
        .unwrap_or_else(|| io::Error::other("read failed"))
}

fn describe_parse_error<I>(error: &PcapError<I>) -> String {
    match error {
        PcapError::HeaderNotRecognized => "header not recognised".to_string(),
        PcapError::NomError(_, kind) | PcapError::OwnedNomError(_, kind) => {
            format!("the record does not parse ({kind:?} check failed)")
        }
        PcapError::Incomplete(_) | PcapError::UnexpectedEof | PcapError::Eof => {
            "the file ends inside a record".to_string()
        }
        PcapError::BufferTooSmall => "record larger than the read buffer".to_string(),
        PcapError::ReadError => "read error".to_string(),
    }
}

/// Hands the underlying reader to pcap-parser in reads of at most 64 KiB,
/// retries interrupted reads and keeps the I/O error that pcap-parser would
/// otherwise reduce to "read error".
struct ChunkedReader {
    inner: Box<dyn Read + Send>,
    error: Arc<Mutex<Option<io::Error>>>,
}

impl Read for ChunkedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len().min(READ_CHUNK);
        let Some(buf) = buf.get_mut(..len) else {
            return Ok(0);
        };
        loop {
            match self.inner.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let kind = e.kind();
                    *self.error.lock().unwrap_or_else(PoisonError::into_inner) = Some(e);
                    return Err(io::Error::from(kind));
                }
                ok => return ok,
            }
        }
    }
}

#[cfg(test)]
mod tests;
