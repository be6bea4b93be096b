//! Live capture on an interface through libpcap (cargo feature `live`).
//!
//! [`LiveSource`] is a [`FrameSource`] like the file reader, so the analysis
//! runs unchanged on it. It opens the interface promiscuous, in immediate
//! mode, with nanosecond timestamps and a snaplen that holds whole SIP
//! messages. It stops cleanly when the stop flag is raised (Ctrl-C, SIGTERM),
//! when `--duration` has passed or `--count` frames were read. Reads are
//! non-blocking with a `poll()` of at most [`POLL_MS`] milliseconds between
//! them (libpcap ignores its read timeout in immediate mode on Linux), so a
//! quiet interface still stops on time.
//!
//! No BPF filter is set unless the user gives one: a port-only filter such as
//! `udp port 5060` drops the non-first fragments of a large INVITE, which have
//! no UDP header, and the INVITE then vanishes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pcap::{Active, Capture, Device, Precision, Savefile};

use super::{CaptureError, FrameNo, FrameRef, FrameSource, Linktype, SourceEvent, Timestamp};

/// Bytes kept of each packet: the Linux maximum, enough for any SIP message.
pub const SNAPLEN: i32 = 262_144;
/// How often a quiet capture wakes up to check the stop conditions.
pub const POLL_MS: i32 = 200;

/// What to capture and when to stop.
#[derive(Debug, Clone, Default)]
pub struct LiveOptions {
    pub interface: String,
    /// A BPF filter, as tcpdump takes it.
    pub filter: Option<String>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Stop after this many frames.
    pub count: Option<u64>,
    /// Save every captured frame to this pcap file.
    pub write: Option<std::path::PathBuf>,
}

/// Why live capture could not start; each is one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("no interface named '{name}'; available: {available}")]
    UnknownInterface { name: String, available: String },
    #[error(
        "no permission to capture on {interface} ({detail}): run as root, or grant the binary the capability with `setcap cap_net_raw,cap_net_admin=eip $(command -v sipdiag)`"
    )]
    Permission { interface: String, detail: String },
    #[error("invalid capture filter '{filter}': {detail}")]
    Filter { filter: String, detail: String },
    #[error("cannot write {}: {detail}", path.display())]
    Write {
        path: std::path::PathBuf,
        detail: String,
    },
    #[error("cannot capture on {interface}: {detail}")]
    Open { interface: String, detail: String },
}

/// Frames from a live interface.
pub struct LiveSource {
    capture: Capture<Active>,
    linktype: Linktype,
    savefile: Option<Savefile>,
    stop: Arc<AtomicBool>,
    deadline: Option<Instant>,
    count: Option<u64>,
    read: u64,
    buffer: Vec<u8>,
    header: (Timestamp, u32),
}

impl LiveSource {
    /// Opens the interface; `stop` ends the capture when set.
    pub fn open(options: &LiveOptions, stop: Arc<AtomicBool>) -> Result<LiveSource, LiveError> {
        let interface = options.interface.clone();
        let devices = Device::list().unwrap_or_default();
        if interface != "any" && !devices.iter().any(|d| d.name == interface) {
            let mut names: Vec<String> = devices.into_iter().map(|d| d.name).collect();
            names.sort();
            return Err(LiveError::UnknownInterface {
                name: interface,
                available: if names.is_empty() {
                    "none visible (are you root?)".to_string()
                } else {
                    names.join(", ")
                },
            });
        }
        let open_error = |e: pcap::Error| {
            let detail = e.to_string();
            let lower = detail.to_ascii_lowercase();
            if lower.contains("permitted") || lower.contains("permission") {
                LiveError::Permission {
                    interface: interface.clone(),
                    detail,
                }
            } else {
                LiveError::Open {
                    interface: interface.clone(),
                    detail,
                }
            }
        };
        let mut capture = Capture::from_device(interface.as_str())
            .map_err(open_error)?
            .promisc(true)
            .immediate_mode(true)
            .snaplen(SNAPLEN)
            .timeout(POLL_MS)
            .precision(Precision::Nano)
            .open()
            .and_then(|c| c.setnonblock())
            .map_err(open_error)?;
        if let Some(filter) = &options.filter {
            capture
                .filter(filter, true)
                .map_err(|e| LiveError::Filter {
                    filter: filter.clone(),
                    detail: e.to_string(),
                })?;
        }
        let savefile = match &options.write {
            Some(path) => Some(capture.savefile(path).map_err(|e| LiveError::Write {
                path: path.clone(),
                detail: e.to_string(),
            })?),
            None => None,
        };
        let linktype = Linktype(capture.get_datalink().0);
        Ok(LiveSource {
            capture,
            linktype,
            savefile,
            stop,
            deadline: options.duration.map(|d| Instant::now() + d),
            count: options.count,
            read: 0,
            buffer: Vec::with_capacity(SNAPLEN as usize),
            header: (Timestamp::default(), 0),
        })
    }

    /// Frames captured so far.
    pub fn frames_read(&self) -> u64 {
        self.read
    }

    fn should_stop(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
            || self.deadline.is_some_and(|d| Instant::now() >= d)
            || self.count.is_some_and(|c| self.read >= c)
    }

    /// Waits until the capture has packets, the poll interval passed, or a
    /// signal arrived.
    fn wait_readable(&self) {
        use std::os::fd::AsRawFd;
        let mut fd = libc::pollfd {
            fd: self.capture.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, for the duration of the call.
        unsafe {
            libc::poll(&mut fd, 1, POLL_MS);
        }
    }

    /// Flushes the savefile, if any.
    pub fn flush(&mut self) {
        if let Some(s) = &mut self.savefile {
            let _ = s.flush();
        }
    }
}

impl FrameSource for LiveSource {
    fn next_frame(&mut self) -> Result<Option<FrameRef<'_>>, CaptureError> {
        loop {
            match self.next_event()? {
                SourceEvent::Idle(_) => continue,
                SourceEvent::End => return Ok(None),
                SourceEvent::Frame(_) => break,
            }
        }
        Ok(Some(self.current()))
    }

    fn next_event(&mut self) -> Result<SourceEvent<'_>, CaptureError> {
        if !self.receive()? {
            return Ok(if self.should_stop() {
                SourceEvent::End
            } else {
                SourceEvent::Idle(Timestamp::now())
            });
        }
        Ok(SourceEvent::Frame(self.current()))
    }
}

impl LiveSource {
    /// Waits up to one poll interval for a packet; true when one was received
    /// into the buffer, false when it is time to stop or nothing came.
    fn receive(&mut self) -> Result<bool, CaptureError> {
        let mut waited = false;
        loop {
            if self.should_stop() {
                self.flush();
                return Ok(false);
            }
            match self.capture.next_packet() {
                Ok(packet) => {
                    if let Some(s) = &mut self.savefile {
                        s.write(&packet);
                    }
                    let ts = packet.header.ts;
                    // With nanosecond precision libpcap puts nanoseconds in tv_usec.
                    let nanos = u32::try_from(ts.tv_usec).unwrap_or(0).min(999_999_999);
                    // time_t is 32 bits wide on some platforms.
                    #[allow(clippy::useless_conversion)]
                    let secs = i64::from(ts.tv_sec);
                    self.header = (Timestamp { secs, nanos }, packet.header.len);
                    self.buffer.clear();
                    self.buffer.extend_from_slice(packet.data);
                    self.read += 1;
                    return Ok(true);
                }
                Err(pcap::Error::TimeoutExpired) if waited => return Ok(false),
                Err(pcap::Error::TimeoutExpired) => {
                    self.wait_readable();
                    waited = true;
                }
                Err(e) => {
                    self.flush();
                    return Err(CaptureError::Read {
                        after_frame: u32::try_from(self.read).unwrap_or(u32::MAX),
                        source: std::io::Error::other(e.to_string()),
                    });
                }
            }
        }
    }

    fn current(&self) -> FrameRef<'_> {
        FrameRef {
            number: FrameNo(u32::try_from(self.read).unwrap_or(u32::MAX)),
            ts: self.header.0,
            linktype: self.linktype,
            data: &self.buffer,
            orig_len: self.header.1,
        }
    }
}
