//! sipdiag: a SIP packet-capture diagnostic analyzer.
//!
//! The pipeline runs one way, one module per stage; each stage imports only
//! the stages before it:
//!
//! ```text
//! capture ─► decode ─► reassembly ─► sip ─► correlate ─► rules ─► report
//!                                    kb (response-code knowledge, data only)
//! ```
//!
//! - [`capture`] yields numbered, timestamped frames from pcap/pcapng files.
//! - [`decode`] slices link, IP, UDP and TCP headers without copying.
//! - [`reassembly`] turns transport payloads into candidate SIP message bytes.
//! - [`sip`] scans SIP messages leniently, keeping spans, with typed accessors and SDP.
//! - [`correlate`] ties responses to requests (RFC 3261 §17) and groups calls by Call-ID.
//! - [`kb`] holds one entry per registered SIP response code.
//! - [`rules`] turns correlated calls into diagnostics with evidence.
//! - [`report`] renders calls and diagnostics as text, JSON Lines or JUnit.
//!
//! [`analysis`] wires the stages together; [`cli`] turns the command line into a
//! [`cli::Config`] that nothing below it needs clap to read.

pub mod analysis;
pub mod capture;
pub mod cli;
pub mod correlate;
mod decimal;
pub mod decode;
pub mod expect;
pub mod fasthash;
pub mod kb;
pub mod reassembly;
pub mod report;
pub mod rules;
pub mod sip;
#[cfg(test)]
mod test_fixtures;
