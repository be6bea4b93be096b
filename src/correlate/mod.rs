//! Correlation: ties every response to its request and groups messages into calls.
//!
//! Transactions are matched as RFC 3261 §17.1.3 and §17.2.3 say: the top Via
//! branch (with the `z9hG4bK` magic cookie), the Via sent-by and the CSeq method,
//! where an ACK to a failure response belongs to its INVITE transaction. Messages
//! without the magic cookie fall back to the RFC 2543 key (CSeq number and method,
//! From tag, top Via sent-by). Calls are grouped by Call-ID; the search is scoped
//! to the call, so keys never collide across calls.
//!
//! A request seen again in the same transaction, or a response with the same
//! status and To tag, is marked as a retransmission and never counted twice.

mod outcome;

use std::collections::HashMap;
use std::net::SocketAddr;

pub use outcome::Outcome;

use crate::capture::{FrameNo, Timestamp};
use crate::reassembly::{SipBytes, Transport};
use crate::sip::{Message, Method, NameAddr, StatusCode};

/// RFC 3261 §8.1.1.7: branches starting with this were made by an RFC 3261 client.
const MAGIC_COOKIE: &str = "z9hG4bK";

/// Most calls a capture may hold before new Call-IDs are no longer tracked.
pub const MAX_CALLS: usize = 1_000_000;
/// Most messages one call may hold; beyond it messages are counted, not kept.
pub const MAX_MESSAGES_PER_CALL: usize = 10_000;

/// One SIP message as captured, with where it sits in its call.
#[derive(Debug)]
pub struct Record {
    pub frame: FrameNo,
    pub ts: Timestamp,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub transport: Transport,
    /// The capture cut the message short (snaplen).
    pub truncated: bool,
    pub msg: Message,
    /// Index of the transaction in [`Call::transactions`].
    pub tx: usize,
    /// A copy of an earlier request or response of the same transaction.
    pub retransmission: bool,
}

impl Record {
    pub fn status(&self) -> Option<StatusCode> {
        self.msg.status()
    }
}

/// A client/server transaction pair as seen on the wire (RFC 3261 §17).
#[derive(Debug, Clone)]
pub struct Transaction {
    /// The method of the transaction: INVITE for an INVITE and the ACK of its
    /// failure response; ACK alone for the ACK of a 2xx (its own transaction).
    pub method: Method,
    pub cseq: u32,
    /// Index in [`Call::records`] of the first copy of the request, if captured.
    pub request: Option<usize>,
    /// Index of the ACK of a non-2xx final response, if any.
    pub ack: Option<usize>,
    /// Indices of the responses, in capture order, retransmissions included.
    pub responses: Vec<usize>,
}

/// All messages that share one Call-ID.
#[derive(Debug)]
pub struct Call {
    pub call_id: String,
    pub records: Vec<Record>,
    pub transactions: Vec<Transaction>,
    /// Messages not kept because the call reached [`MAX_MESSAGES_PER_CALL`].
    pub dropped_messages: u64,
    keys: HashMap<TxKey, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TxKey {
    branch: String,
    sent_by: String,
    method: Method,
}

impl Call {
    fn new(call_id: String) -> Call {
        Call {
            call_id,
            records: Vec::new(),
            transactions: Vec::new(),
            dropped_messages: 0,
            keys: HashMap::new(),
        }
    }

    /// The first request of the call, or its first message if no request was captured.
    fn first_message(&self) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| r.msg.is_request())
            .or(self.records.first())
    }

    /// The From of the call's first request.
    pub fn from(&self) -> Option<NameAddr> {
        self.first_message().and_then(|r| r.msg.from())
    }

    /// The To of the call's first request.
    pub fn to(&self) -> Option<NameAddr> {
        self.first_message().and_then(|r| r.msg.to())
    }

    /// The request of a transaction, if it was captured.
    pub fn request_of(&self, tx: usize) -> Option<&Record> {
        self.transactions
            .get(tx)
            .and_then(|t| t.request)
            .and_then(|i| self.records.get(i))
    }

    /// The request that a record answers (for a response) or the record itself.
    pub fn request_for(&self, record: &Record) -> Option<&Record> {
        self.request_of(record.tx)
    }

    /// The first final response of a transaction (retransmissions skipped).
    pub fn final_response(&self, tx: usize) -> Option<&Record> {
        let t = self.transactions.get(tx)?;
        t.responses
            .iter()
            .filter_map(|&i| self.records.get(i))
            .find(|r| r.status().is_some_and(|s| s.is_final()))
    }

    /// Transactions of initial INVITEs (no To tag), in capture order.
    pub fn initial_invites(&self) -> impl Iterator<Item = (usize, &Transaction)> {
        self.transactions.iter().enumerate().filter(|(i, t)| {
            t.method == Method::Invite
                && self
                    .request_of(*i)
                    .is_some_and(|r| r.msg.to().is_none_or(|to| to.tag.is_none()))
        })
    }

    /// Transactions after `tx` with the same method and a higher CSeq: the
    /// retries a client sends after a failure it can fix (420, 422, 401 ...).
    pub fn later_attempts(&self, tx: usize) -> impl Iterator<Item = (usize, &Transaction)> {
        let base = self.transactions.get(tx);
        self.transactions.iter().enumerate().filter(move |(i, t)| {
            base.is_some_and(|b| *i != tx && t.method == b.method && t.cseq > b.cseq)
        })
    }

    /// Post-dial delay, RFC 6076 §4.1 Session Request Delay: from the first
    /// initial INVITE to the first response other than 100 Trying to any
    /// initial INVITE of the call (the first 18x when there is one).
    pub fn post_dial_delay(&self) -> Option<std::time::Duration> {
        let (first_tx, _) = self.initial_invites().next()?;
        let invite = self.request_of(first_tx)?;
        let attempts: Vec<usize> = self.initial_invites().map(|(i, _)| i).collect();
        let first_answer = self
            .records
            .iter()
            .filter(|r| attempts.contains(&r.tx))
            .find(|r| r.status().is_some_and(|s| s.0 > 100))?;
        Some(first_answer.ts.duration_since(invite.ts))
    }

    /// The call's outcome, judged from its INVITE transactions or its first request.
    pub fn outcome(&self) -> Outcome {
        outcome::judge(self)
    }

    fn push(&mut self, record_in: PendingRecord) {
        if self.records.len() >= MAX_MESSAGES_PER_CALL {
            self.dropped_messages += 1;
            return;
        }
        let PendingRecord {
            frame,
            ts,
            src,
            dst,
            transport,
            truncated,
            msg,
        } = record_in;
        let index = self.records.len();
        let cseq = msg.cseq();
        let (cseq_no, cseq_method) = match &cseq {
            Some(c) => (c.seq, c.method.clone()),
            None => (0, msg.method().cloned().unwrap_or(Method::Other("".into()))),
        };
        let is_request = msg.is_request();
        let request_method = msg.method().cloned();
        let branch_key = branch_key(&msg, cseq_no);
        let sent_by = msg.top_via().map(|v| v.sent_by()).unwrap_or_default();

        // The method a transaction is keyed by: an ACK shares its INVITE's key.
        let key_method = match (&request_method, &cseq_method) {
            (Some(Method::Ack), _) => Method::Invite,
            (Some(m), _) => m.clone(),
            (None, m) => m.clone(),
        };
        let key = TxKey {
            branch: branch_key,
            sent_by,
            method: key_method,
        };

        let mut retransmission = false;
        let tx = match self.keys.get(&key).copied() {
            Some(tx) => {
                if let Some(t) = self.transactions.get(tx) {
                    if is_request {
                        if request_method == Some(Method::Ack) {
                            retransmission = t.ack.is_some();
                        } else {
                            retransmission = t.request.is_some();
                        }
                    } else {
                        retransmission = self.is_response_copy(t, &msg);
                    }
                }
                tx
            }
            None if request_method == Some(Method::Ack) => {
                // The ACK of a failure shares its INVITE's branch (RFC 3261 §17.1.1.3);
                // clients that do not reuse the branch are matched by CSeq number.
                match self.failed_invite_awaiting_ack(cseq_no) {
                    Some(tx) => tx,
                    None => self.new_transaction(
                        TxKey {
                            method: Method::Ack,
                            ..key
                        },
                        Method::Ack,
                        cseq_no,
                    ),
                }
            }
            None => self.new_transaction(key, cseq_method.clone(), cseq_no),
        };

        if let Some(t) = self.transactions.get_mut(tx) {
            if is_request {
                if request_method == Some(Method::Ack) && t.method == Method::Invite {
                    t.ack.get_or_insert(index);
                } else {
                    t.request.get_or_insert(index);
                }
            } else {
                t.responses.push(index);
            }
        }
        self.records.push(Record {
            frame,
            ts,
            src,
            dst,
            transport,
            truncated,
            msg,
            tx,
            retransmission,
        });
    }

    fn new_transaction(&mut self, key: TxKey, method: Method, cseq: u32) -> usize {
        let tx = self.transactions.len();
        self.transactions.push(Transaction {
            method,
            cseq,
            request: None,
            ack: None,
            responses: Vec::new(),
        });
        self.keys.insert(key, tx);
        tx
    }

    fn failed_invite_awaiting_ack(&self, cseq: u32) -> Option<usize> {
        self.transactions
            .iter()
            .enumerate()
            .rev()
            .find(|(i, t)| {
                t.method == Method::Invite
                    && t.cseq == cseq
                    && t.ack.is_none()
                    && self
                        .final_response(*i)
                        .and_then(|r| r.status())
                        .is_some_and(|s| !s.is_success())
            })
            .map(|(i, _)| i)
    }

    fn is_response_copy(&self, t: &Transaction, msg: &Message) -> bool {
        let status = msg.status();
        let tag = msg.to().and_then(|to| to.tag);
        t.responses
            .iter()
            .filter_map(|&i| self.records.get(i))
            .any(|r| {
                r.msg.status() == status && r.msg.to().and_then(|to| to.tag) == tag && {
                    // A reliable provisional response is new when its RSeq is new.
                    r.msg.rseq() == msg.rseq()
                }
            })
    }
}

/// The branch part of a transaction key: the branch itself for RFC 3261
/// clients, else the RFC 2543 fallback (CSeq number and From tag).
fn branch_key(msg: &Message, cseq: u32) -> String {
    match msg.top_via().and_then(|v| v.branch) {
        Some(b) if b.starts_with(MAGIC_COOKIE) => b,
        _ => {
            let from_tag = msg.from().and_then(|f| f.tag).unwrap_or_default();
            format!("rfc2543:{cseq}:{from_tag}")
        }
    }
}

struct PendingRecord {
    frame: FrameNo,
    ts: Timestamp,
    src: SocketAddr,
    dst: SocketAddr,
    transport: Transport,
    truncated: bool,
    msg: Message,
}

/// What one peer said it allows (the `Allow` header of any message it sent).
#[derive(Debug, Clone)]
pub struct AllowSeen {
    pub frame: FrameNo,
    pub start_line: String,
    pub methods: Vec<String>,
}

/// Most `Allow` sightings kept per peer, and most peers tracked.
const ALLOW_HISTORY: usize = 8;
const MAX_PEERS: usize = 65_536;

/// Groups SIP messages into calls and keeps the capture-wide facts rules need.
#[derive(Debug, Default)]
pub struct Correlator {
    calls: Vec<Call>,
    index: HashMap<String, usize>,
    allow_by_peer: HashMap<SocketAddr, Vec<AllowSeen>>,
    /// Messages without a Call-ID, or that came after the call table was full.
    pub unattributed: u64,
    /// Messages that parsed as SIP.
    pub messages: u64,
}

impl Correlator {
    pub fn new() -> Correlator {
        Correlator::default()
    }

    /// Adds one parsed message seen in `bytes`' frame.
    pub fn push(&mut self, bytes: &SipBytes<'_>, msg: Message) {
        self.messages += 1;
        let Some(call_id) = msg.call_id().map(|c| c.into_owned()) else {
            self.unattributed += 1;
            return;
        };
        let methods = msg.tokens(crate::sip::HeaderName::Allow);
        if !methods.is_empty()
            && (self.allow_by_peer.len() < MAX_PEERS || self.allow_by_peer.contains_key(&bytes.src))
        {
            let history = self.allow_by_peer.entry(bytes.src).or_default();
            if history.len() >= ALLOW_HISTORY {
                history.remove(0);
            }
            history.push(AllowSeen {
                frame: bytes.frame,
                start_line: msg.start_line_text().into_owned(),
                methods,
            });
        }
        let call = match self.index.get(&call_id) {
            Some(&i) => self.calls.get_mut(i),
            None if self.calls.len() < MAX_CALLS => {
                let i = self.calls.len();
                self.calls.push(Call::new(call_id.clone()));
                self.index.insert(call_id, i);
                self.calls.get_mut(i)
            }
            None => None,
        };
        match call {
            Some(call) => call.push(PendingRecord {
                frame: bytes.frame,
                ts: bytes.ts,
                src: bytes.src,
                dst: bytes.dst,
                transport: bytes.transport,
                truncated: bytes.truncated,
                msg,
            }),
            None => self.unattributed += 1,
        }
    }

    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    /// Hands the calls over, for rules and reports.
    pub fn finish(self) -> Correlated {
        Correlated {
            calls: self.calls,
            allow_by_peer: self.allow_by_peer,
            unattributed: self.unattributed,
            messages: self.messages,
        }
    }
}

/// The result of correlation: calls in order of their first message, and the
/// capture-wide facts rules consult.
#[derive(Debug, Default)]
pub struct Correlated {
    pub calls: Vec<Call>,
    allow_by_peer: HashMap<SocketAddr, Vec<AllowSeen>>,
    pub unattributed: u64,
    pub messages: u64,
}

impl Correlated {
    /// The last `Allow` list `peer` sent before `frame`.
    pub fn allow_before(&self, peer: SocketAddr, frame: FrameNo) -> Option<&AllowSeen> {
        self.allow_by_peer
            .get(&peer)?
            .iter()
            .rev()
            .find(|a| a.frame < frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    /// Feeds literal messages as if each came in its own UDP frame, numbered from 1.
    fn correlate(messages: &[(&str, &str, &str)]) -> Correlated {
        let mut c = Correlator::new();
        for (i, (src, dst, text)) in messages.iter().enumerate() {
            let raw = text.replace('\n', "\r\n");
            let bytes = SipBytes {
                frame: FrameNo(i as u32 + 1),
                ts: Timestamp {
                    secs: 1_700_000_000 + i as i64,
                    nanos: 0,
                },
                src: addr(src),
                dst: addr(dst),
                transport: Transport::Udp,
                bytes: raw.as_bytes(),
                truncated: false,
                frames: &[],
            };
            let msg = Message::parse(raw.as_bytes()).expect("test message parses");
            c.push(&bytes, msg);
        }
        c.finish()
    }

    const A: &str = "127.0.0.1:5061";
    const B: &str = "127.0.0.1:5060";

    fn invite(branch: &str, cseq: u32, extra: &str) -> String {
        format!(
            "INVITE sip:bob@b SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch={branch}\nFrom: <sip:alice@a>;tag=a1\nTo: <sip:bob@b>\nCall-ID: c1\nCSeq: {cseq} INVITE\nMax-Forwards: 70\n{extra}Content-Length: 0\n\n"
        )
    }

    fn response(code: &str, branch: &str, cseq: u32, method: &str, to_tag: &str) -> String {
        format!(
            "SIP/2.0 {code}\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch={branch}\nFrom: <sip:alice@a>;tag=a1\nTo: <sip:bob@b>;tag={to_tag}\nCall-ID: c1\nCSeq: {cseq} {method}\nContent-Length: 0\n\n"
        )
    }

    fn ack(branch: &str, cseq: u32) -> String {
        format!(
            "ACK sip:bob@b SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch={branch}\nFrom: <sip:alice@a>;tag=a1\nTo: <sip:bob@b>;tag=b1\nCall-ID: c1\nCSeq: {cseq} ACK\nMax-Forwards: 70\nContent-Length: 0\n\n"
        )
    }

    #[test]
    fn ties_responses_retransmissions_and_acks_to_their_transactions() {
        let i1 = invite("z9hG4bK-1", 1, "Require: 100rel\n");
        let r420 = response("420 Bad Extension", "z9hG4bK-1", 1, "INVITE", "b1");
        // The ACK of a failure reuses the INVITE's branch (RFC 3261 §17.1.1.3).
        let a1 = ack("z9hG4bK-1", 1);
        let i2 = invite("z9hG4bK-2", 2, "");
        let r200 = response("200 OK", "z9hG4bK-2", 2, "INVITE", "b1");
        let a2 = ack("z9hG4bK-3", 2);
        let c = correlate(&[
            (A, B, &i1),
            (B, A, &r420),
            (B, A, &r420),
            (A, B, &a1),
            (A, B, &i2),
            (A, B, &i2),
            (B, A, &r200),
            (A, B, &a2),
        ]);
        assert_eq!(c.calls.len(), 1);
        let call = &c.calls[0];
        assert_eq!(call.call_id, "c1");
        let retrans: Vec<u32> = call
            .records
            .iter()
            .filter(|r| r.retransmission)
            .map(|r| r.frame.0)
            .collect();
        assert_eq!(retrans, vec![3, 6]);
        assert_eq!(call.transactions.len(), 3);
        let t0 = &call.transactions[0];
        assert_eq!((t0.method.clone(), t0.cseq), (Method::Invite, 1));
        assert_eq!(t0.request, Some(0));
        assert_eq!(t0.ack, Some(3));
        assert_eq!(t0.responses, vec![1, 2]);
        assert_eq!(call.transactions[2].method, Method::Ack);
        assert_eq!(call.final_response(0).map(|r| r.frame.0), Some(2));
        assert_eq!(call.outcome(), Outcome::Answered(StatusCode(200)));
        let attempts: Vec<usize> = call.later_attempts(0).map(|(i, _)| i).collect();
        assert_eq!(attempts, vec![1]);
    }

    #[test]
    fn ack_with_a_new_branch_after_a_failure_joins_the_invite() {
        // Some clients (SIPp among them) give the ACK of a failure a new branch.
        let i1 = invite("z9hG4bK-1", 1, "");
        let r486 = response("486 Busy Here", "z9hG4bK-1", 1, "INVITE", "b1");
        let a1 = ack("z9hG4bK-9", 1);
        let c = correlate(&[(A, B, &i1), (B, A, &r486), (A, B, &a1)]);
        let call = &c.calls[0];
        assert_eq!(call.transactions.len(), 1);
        assert_eq!(call.transactions[0].ack, Some(2));
        assert_eq!(call.outcome(), Outcome::Rejected(StatusCode(486)));
    }

    #[test]
    fn same_branch_different_method_is_another_transaction() {
        let i1 = invite("z9hG4bK-1", 1, "");
        let cancel = "CANCEL sip:bob@b SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1\nFrom: <sip:alice@a>;tag=a1\nTo: <sip:bob@b>\nCall-ID: c1\nCSeq: 1 CANCEL\nMax-Forwards: 70\nContent-Length: 0\n\n";
        let r200c = response("200 OK", "z9hG4bK-1", 1, "CANCEL", "b1");
        let r487 = response("487 Request Terminated", "z9hG4bK-1", 1, "INVITE", "b1");
        let c = correlate(&[(A, B, &i1), (A, B, cancel), (B, A, &r200c), (B, A, &r487)]);
        let call = &c.calls[0];
        assert_eq!(call.transactions.len(), 2);
        assert_eq!(call.transactions[1].method, Method::Cancel);
        assert_eq!(call.transactions[1].responses, vec![2]);
        assert_eq!(call.transactions[0].responses, vec![3]);
        assert_eq!(call.outcome(), Outcome::Cancelled);
    }

    #[test]
    fn rfc2543_messages_without_magic_cookie_still_match() {
        let i1 = invite("old-1", 1, "");
        let r = response("404 Not Found", "old-1", 1, "INVITE", "b1");
        let c = correlate(&[(A, B, &i1), (B, A, &r)]);
        assert_eq!(c.calls[0].transactions.len(), 1);
        assert_eq!(c.calls[0].outcome(), Outcome::Rejected(StatusCode(404)));
    }

    #[test]
    fn responses_without_request_and_allow_history() {
        let r = response("405 Method Not Allowed", "z9hG4bK-7", 5, "MESSAGE", "b1").replace(
            "Content-Length: 0",
            "Allow: INVITE, ACK, BYE\nContent-Length: 0",
        );
        let c = correlate(&[(B, A, &r)]);
        assert_eq!(c.calls[0].outcome(), Outcome::RequestNotCaptured);
        assert!(c.calls[0].request_of(0).is_none());
        let seen = c.allow_before(addr(B), FrameNo(2)).expect("allow seen");
        assert_eq!(seen.methods, vec!["INVITE", "ACK", "BYE"]);
        assert!(c.allow_before(addr(B), FrameNo(1)).is_none());
        assert!(c.allow_before(addr(A), FrameNo(9)).is_none());
    }
}
