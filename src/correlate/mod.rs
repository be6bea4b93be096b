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
//! status and To tag, is marked as a retransmission and never counted twice,
//! and counted per transaction.
//!
//! Beyond transactions the stage ties each CANCEL to the INVITE it cancels
//! (same branch, RFC 3261 §9.1), tells the ACK of a 2xx (its own transaction,
//! matched to the INVITE by CSeq number, RFC 3261 §13.2.2.4) from the ACK of a
//! failure (part of the INVITE transaction, RFC 3261 §17.1.1.3), lists the
//! dialogs each INVITE created ([`Dialog`]: several To tags on responses to one
//! INVITE are a forked call, RFC 3261 §12.1, §13.2.2.4), and keeps the RTP
//! flows seen in the capture ([`media`]). Timers run on capture time with a
//! configurable [`Timers::t1`], so a live run and an offline run of the same
//! traffic agree.

mod dialog;
pub mod media;
mod outcome;

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use dialog::{Dialog, DialogState};
pub use media::{MediaFlow, MediaPacket, MediaTable, RtpHeader};
pub use outcome::Outcome;

use crate::capture::{FrameNo, Timestamp};
use crate::decimal::push_decimal;
use crate::fasthash::FastMap;
use crate::reassembly::{SipBytes, Transport};
use crate::sip::{HeaderName, Message, Method, NameAddr, StatusCode};

/// RFC 3261 §8.1.1.7: branches starting with this were made by an RFC 3261 client.
const MAGIC_COOKIE: &str = "z9hG4bK";

/// Most calls open at once. Beyond it the calls quiet for longest are
/// released early (analysed and reported as they are), a tenth at a time.
pub const MAX_OPEN_CALLS: usize = 50_000;

/// Most calls open at once (`--max-open-calls`; [`MAX_OPEN_CALLS`] unless
/// set): when the table is full, the tenth quiet longest are reported early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenCallLimit(pub usize);

impl Default for OpenCallLimit {
    fn default() -> OpenCallLimit {
        OpenCallLimit(MAX_OPEN_CALLS)
    }
}
/// How long an answered call without BYE may stay quiet before it is released:
/// a call with no session timer can be silent for that long and still be up.
pub const ESTABLISHED_IDLE: Duration = Duration::from_secs(2 * 3600);
/// How long a media flow may stay silent before it is forgotten.
pub const MEDIA_IDLE: Duration = Duration::from_secs(600);
/// Most messages one call may hold; beyond it messages are counted, not kept.
pub const MAX_MESSAGES_PER_CALL: usize = 10_000;

/// The SIP timers sipdiag evaluates on capture time (RFC 3261 §17.1.1.2,
/// §17.1.2.2, §17.2.1): everything derives from T1, the round-trip estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timers {
    /// T1, 500 ms by default (RFC 3261 §17.1.1.1).
    pub t1: Duration,
}

impl Default for Timers {
    fn default() -> Timers {
        Timers {
            t1: Duration::from_millis(500),
        }
    }
}

impl Timers {
    /// 64×T1: timer B (INVITE client transaction), F (non-INVITE client
    /// transaction) and H (the UAS waiting for the ACK of its 2xx or failure).
    pub fn transaction_timeout(&self) -> Duration {
        self.t1.saturating_mul(64)
    }
}

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
    /// Every frame that carried bytes of the message (TCP segments, IP
    /// fragments, SCTP chunks), in frame order; empty when the message came
    /// whole in `frame` alone (the common case: no allocation).
    pub frames: Vec<FrameNo>,
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
    pub responses: Responses,
    /// The top Via branch and sent-by the transaction is keyed by, one
    /// after the other ([`Transaction::branch`], [`Transaction::sent_by`]).
    key: KeyText,
    /// Where the sent-by starts in `key`.
    sent_by_at: usize,
    /// The method the transaction is keyed by: it differs from
    /// [`Transaction::method`] when a request's CSeq method is not its own,
    /// and an ACK of a failure is keyed as INVITE.
    key_method: Method,
    /// The index in [`Call::records`] of the message that created it.
    origin: usize,
    /// For an INVITE: whether the first copy of its request carries no To
    /// tag, noted when it is added ([`Call::is_initial_invite`] is asked for
    /// every transaction by several rules and the reports). False for other
    /// methods.
    request_without_to_tag: bool,
    /// For an INVITE: the CANCEL transaction that cancelled it.
    pub cancelled_by: Option<usize>,
    /// For a CANCEL: the INVITE transaction it cancels (same branch).
    pub cancels: Option<usize>,
    /// For an INVITE answered with a 2xx: index in [`Call::records`] of the
    /// first ACK of that 2xx (a transaction of its own, method ACK).
    pub ack_2xx: Option<usize>,
    /// For the transaction of the ACK of a 2xx: the INVITE transaction it
    /// acknowledges (same CSeq number).
    pub acks: Option<usize>,
    /// Copies of the request (or of the ACK) seen after the first.
    pub request_retransmissions: u32,
    /// Copies of responses seen after the first of each.
    pub response_retransmissions: u32,
}

impl Transaction {
    fn new(method: Method, cseq: u32, key: KeyRef<'_>, origin: usize) -> Transaction {
        let (branch, sent_by) = (key.branch, key.sent_by);
        Transaction {
            method,
            cseq,
            request: None,
            ack: None,
            responses: Responses::default(),
            key: KeyText::new(branch, sent_by),
            sent_by_at: branch.len(),
            key_method: key.method.clone(),
            origin,
            cancelled_by: None,
            cancels: None,
            ack_2xx: None,
            acks: None,
            request_without_to_tag: false,
            request_retransmissions: 0,
            response_retransmissions: 0,
        }
    }

    /// The top Via branch the transaction is keyed by (or the RFC 2543
    /// fallback key, `rfc2543:CSEQ:FROM-TAG`).
    pub fn branch(&self) -> &str {
        self.key.as_str().get(..self.sent_by_at).unwrap_or_default()
    }

    /// The top Via sent-by of the transaction's messages.
    pub fn sent_by(&self) -> &str {
        self.key.as_str().get(self.sent_by_at..).unwrap_or_default()
    }

    /// [`Transaction::branch`] as bytes: no UTF-8 check, for comparisons.
    fn branch_bytes(&self) -> &[u8] {
        self.key
            .as_bytes()
            .get(..self.sent_by_at)
            .unwrap_or_default()
    }

    /// [`Transaction::sent_by`] as bytes: no UTF-8 check, for comparisons.
    fn sent_by_bytes(&self) -> &[u8] {
        self.key
            .as_bytes()
            .get(self.sent_by_at..)
            .unwrap_or_default()
    }
}

/// Most response indices a transaction keeps inline: a provisional, a
/// final response and a retransmission or two (nearly every transaction).
const RESPONSES_INLINE: usize = 4;

/// The indices of a transaction's responses ([`Transaction::responses`]),
/// read as a slice: inline up to [`RESPONSES_INLINE`], else all in a
/// vector. A vector per transaction cost an allocation, its growth and a
/// free for nearly every transaction of every call.
#[derive(Clone, Default)]
pub struct Responses {
    /// How many of `inline` are used (while `spilled` is empty).
    len: u8,
    inline: [usize; RESPONSES_INLINE],
    /// Every index once there are more than [`RESPONSES_INLINE`].
    spilled: Vec<usize>,
}

impl Responses {
    /// Adds `index` after the others.
    pub fn push(&mut self, index: usize) {
        if !self.spilled.is_empty() {
            self.spilled.push(index);
        } else if let Some(slot) = self.inline.get_mut(usize::from(self.len)) {
            *slot = index;
            self.len += 1;
        } else {
            self.spilled.reserve(2 * RESPONSES_INLINE);
            self.spilled.extend_from_slice(&self.inline);
            self.spilled.push(index);
        }
    }
}

impl std::ops::Deref for Responses {
    type Target = [usize];

    fn deref(&self) -> &[usize] {
        if self.spilled.is_empty() {
            self.inline.get(..usize::from(self.len)).unwrap_or_default()
        } else {
            &self.spilled
        }
    }
}

/// Printed as the list of indices, as the vector it replaces was.
impl std::fmt::Debug for Responses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Most bytes of a transaction key kept inline: a branch of the usual
/// length (`z9hG4bK` and some 20 to 32 characters) and a sent-by of an
/// address and port fit.
const KEY_INLINE: usize = 62;

/// The text of a transaction key: inline when short, else boxed. A
/// transaction is created for nearly every request; inline, its key costs no
/// allocation and no free.
#[derive(Debug, Clone)]
enum KeyText {
    Inline { len: u8, bytes: [u8; KEY_INLINE] },
    Boxed(Box<str>),
}

impl KeyText {
    /// `first` followed by `second`.
    fn new(first: &str, second: &str) -> KeyText {
        let len = first.len() + second.len();
        if let Ok(short) = u8::try_from(len)
            && len <= KEY_INLINE
        {
            let mut bytes = [0; KEY_INLINE];
            if let Some((head, tail)) = bytes.split_at_mut_checked(first.len())
                && let Some(tail) = tail.get_mut(..second.len())
            {
                head.copy_from_slice(first.as_bytes());
                tail.copy_from_slice(second.as_bytes());
                return KeyText::Inline { len: short, bytes };
            }
        }
        let mut text = String::with_capacity(len);
        text.push_str(first);
        text.push_str(second);
        KeyText::Boxed(text.into_boxed_str())
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            KeyText::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            KeyText::Boxed(text) => text.as_bytes(),
        }
    }

    /// The key as text: an inline key holds the bytes of two `&str`, so it
    /// is valid UTF-8 (checked again, as safe code must).
    fn as_str(&self) -> &str {
        match self {
            KeyText::Inline { .. } => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            KeyText::Boxed(text) => text,
        }
    }
}

/// Which kind of ACK a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckKind {
    /// The ACK of a 2xx: an end-to-end request of its own (RFC 3261 §13.2.2.4).
    Success,
    /// The ACK of a 3xx–6xx: part of the INVITE transaction (RFC 3261 §17.1.1.3).
    Failure,
    /// An ACK whose INVITE is not in the capture, or that matches no final response.
    Unmatched,
}

/// All messages that share one Call-ID.
#[derive(Debug)]
pub struct Call {
    pub call_id: String,
    pub records: Vec<Record>,
    pub transactions: Vec<Transaction>,
    /// Messages not kept because the call reached [`MAX_MESSAGES_PER_CALL`].
    pub dropped_messages: u64,
    /// Hash maps over the transaction keys, built once the call has more than
    /// [`SCAN_LIMIT`] transactions; smaller calls are searched by a scan.
    index: Option<Box<TxIndex>>,
    /// The latest capture time of a kept record (what [`Call::last_ts`] computes).
    last_seen: Option<Timestamp>,
    /// Creation order among the correlator's calls (a Call-ID can come back
    /// after its call was released).
    serial: u64,
    /// The deadline of the call's live entry in [`Correlator`]'s release queue.
    scheduled: Option<Timestamp>,
}

/// Most transactions remembered per branch (a request, its CANCEL, its ACK,
/// a stray response with another CSeq method).
const MAX_TX_PER_BRANCH: usize = 8;

/// Up to this many transactions a call is searched by a scan: calls have a
/// handful of transactions, and comparing a method and two short strings in
/// place costs less than hashing them (and no key is allocated per message).
/// Beyond it the keys go into hash maps, so a call flooded with transactions
/// costs O(1) per message, not O(transactions).
const SCAN_LIMIT: usize = 32;

/// A transaction key (RFC 3261 §17.1.3, §17.2.3), owned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TxKey {
    branch: String,
    sent_by: String,
    method: Method,
}

/// A transaction key borrowed from the message being matched and the
/// correlator's scratch buffers.
#[derive(Debug, Clone, Copy)]
struct KeyRef<'a> {
    branch: &'a str,
    sent_by: &'a str,
    method: &'a Method,
}

impl KeyRef<'_> {
    fn with_method<'m>(&self, method: &'m Method) -> KeyRef<'m>
    where
        Self: 'm,
    {
        KeyRef {
            branch: self.branch,
            sent_by: self.sent_by,
            method,
        }
    }

    fn to_owned_key(self) -> TxKey {
        TxKey {
            branch: self.branch.to_string(),
            sent_by: self.sent_by.to_string(),
            method: self.method.clone(),
        }
    }
}

/// The hashed transaction index of a call with many transactions.
#[derive(Debug, Default)]
struct TxIndex {
    keys: HashMap<TxKey, usize>,
    /// Transactions per (branch, sent-by), at most [`MAX_TX_PER_BRANCH`] each:
    /// CANCEL, ACK and a mismatched CSeq method share their request's branch.
    by_branch: HashMap<(String, String), Vec<usize>>,
}

impl TxIndex {
    fn insert(&mut self, key: TxKey, tx: usize) {
        let same_branch = self
            .by_branch
            .entry((key.branch.clone(), key.sent_by.clone()))
            .or_default();
        if same_branch.len() < MAX_TX_PER_BRANCH {
            same_branch.push(tx);
        }
        self.keys.insert(key, tx);
    }
}

/// A reused buffer for the part of a transaction key that is not a plain
/// slice of the message (the RFC 2543 fallback branch).
#[derive(Debug, Default)]
struct KeyScratch {
    branch: String,
    /// The Allow values of the message being added ([`AllowHistory::note`]).
    allow: String,
}

impl Call {
    /// A call whose first message will be `first`: its vectors are
    /// allocated at the size such a call usually reaches ([`expected_size`]).
    fn new(call_id: String, serial: u64, first: &Message) -> Call {
        let (messages, transactions) = expected_size(first);
        Call {
            call_id,
            records: Vec::with_capacity(messages),
            transactions: Vec::with_capacity(transactions),
            dropped_messages: 0,
            index: None,
            last_seen: None,
            serial,
            scheduled: None,
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
        self.from_ref().cloned()
    }

    /// The To of the call's first request.
    pub fn to(&self) -> Option<NameAddr> {
        self.to_ref().cloned()
    }

    /// The From of the call's first request, borrowed (no copy).
    pub fn from_ref(&self) -> Option<&NameAddr> {
        self.first_message().and_then(|r| r.msg.from_ref())
    }

    /// The To of the call's first request, borrowed (no copy).
    pub fn to_ref(&self) -> Option<&NameAddr> {
        self.first_message().and_then(|r| r.msg.to_ref())
    }

    /// The URI of the From of the call's first request ([`Message::from_uri`]).
    pub fn from_uri(&self) -> Option<Cow<'_, str>> {
        self.first_message().and_then(|r| r.msg.from_uri())
    }

    /// The URI of the To of the call's first request ([`Message::to_uri`]).
    pub fn to_uri(&self) -> Option<Cow<'_, str>> {
        self.first_message().and_then(|r| r.msg.to_uri())
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
        self.transactions
            .iter()
            .enumerate()
            .filter(|(i, t)| self.is_initial_invite(*i, t))
    }

    /// Whether transaction `tx` (`t`) is an initial INVITE: its request was
    /// captured and carries no To tag.
    fn is_initial_invite(&self, tx: usize, t: &Transaction) -> bool {
        // `request_without_to_tag` is the To of `request_of(tx)`, read once.
        matches!(t.method, Method::Invite)
            && t.request_without_to_tag
            && self.request_of(tx).is_some()
    }

    /// The last initial INVITE transaction (what [`Call::outcome`] judges).
    pub(crate) fn last_initial_invite(&self) -> Option<usize> {
        (0..self.transactions.len()).rev().find(|&i| {
            self.transactions
                .get(i)
                .is_some_and(|t| self.is_initial_invite(i, t))
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
        // One pass, no list of the attempts: the status is checked first (a
        // few instructions), the transaction only for the responses past 100.
        let first_answer = self.records.iter().find(|r| {
            r.status().is_some_and(|s| s.0 > 100)
                && self
                    .transactions
                    .get(r.tx)
                    .is_some_and(|t| self.is_initial_invite(r.tx, t))
        })?;
        Some(first_answer.ts.duration_since(invite.ts))
    }

    /// Capture time of the call's latest message.
    pub fn last_ts(&self) -> Timestamp {
        self.records.iter().map(|r| r.ts).max().unwrap_or_default()
    }

    /// Frame of the call's first message (calls are reported in this order).
    pub fn first_frame(&self) -> FrameNo {
        self.records.first().map_or(FrameNo(0), |r| r.frame)
    }

    /// Whether the call was answered and not yet hung up: a 2xx to an INVITE
    /// and no BYE since.
    pub fn is_up(&self) -> bool {
        let Some(last_answer) = self
            .transactions
            .iter()
            .enumerate()
            .filter(|(_, t)| t.method == Method::Invite)
            .filter_map(|(i, _)| self.final_response(i))
            .filter(|r| r.status().is_some_and(|s| s.is_success()))
            .map(|r| r.ts)
            .max()
        else {
            return false;
        };
        !self
            .records
            .iter()
            .any(|r| r.msg.method() == Some(&Method::Bye) && r.ts >= last_answer)
    }

    /// The call's outcome, judged from its INVITE transactions or its first request.
    pub fn outcome(&self) -> Outcome {
        outcome::judge(self)
    }

    /// The first request of the call's first initial INVITE, as captured.
    pub fn first_invite(&self) -> Option<&Record> {
        self.initial_invites()
            .filter_map(|(tx, _)| self.request_of(tx))
            .min_by_key(|r| r.frame)
    }

    /// Setup time: from the first initial INVITE to the first 2xx answering
    /// an initial INVITE (across retries after 401, 420, 422 ...).
    pub fn setup_time(&self) -> Option<Duration> {
        // `first_invite` and `first_response_to_initial_invite(is_success)`
        // in one pass over the transactions (the earliest frame wins, the
        // first of equal frames as `min_by_key` picks it).
        let (mut invite, mut answer): (Option<&Record>, Option<&Record>) = (None, None);
        let earlier = |r: &Record, best: Option<&Record>| best.is_none_or(|b| r.frame < b.frame);
        for (tx, t) in self.transactions.iter().enumerate() {
            if !self.is_initial_invite(tx, t) {
                continue;
            }
            if let Some(r) = self.request_of(tx).filter(|r| earlier(r, invite)) {
                invite = Some(r);
            }
            for r in t.responses.iter().filter_map(|&i| self.records.get(i)) {
                if !r.retransmission
                    && r.status().is_some_and(|s| s.is_success())
                    && earlier(r, answer)
                {
                    answer = Some(r);
                }
            }
        }
        Some(answer?.ts.duration_since(invite?.ts))
    }

    /// The first non-retransmitted response to an initial INVITE whose status
    /// satisfies `pred`.
    pub fn first_response_to_initial_invite(
        &self,
        pred: impl Fn(StatusCode) -> bool,
    ) -> Option<&Record> {
        self.initial_invites()
            .flat_map(|(_, t)| t.responses.iter())
            .filter_map(|&i| self.records.get(i))
            .filter(|r| !r.retransmission && r.status().is_some_and(&pred))
            .min_by_key(|r| r.frame)
    }

    /// When the call's first and last captured messages were seen.
    pub fn span(&self) -> Option<(Timestamp, Timestamp)> {
        let mut times = self.records.iter().map(|r| r.ts);
        let first = times.next()?;
        Some(times.fold((first, first), |(lo, hi), ts| (lo.min(ts), hi.max(ts))))
    }

    /// Every copy of a transaction's request (the first and its
    /// retransmissions), in capture order; the ACK of a failure is left out.
    pub fn transmissions(&self, tx: usize) -> impl Iterator<Item = &Record> {
        let is_invite = self
            .transactions
            .get(tx)
            .is_some_and(|t| t.method == Method::Invite);
        self.records.iter().filter(move |r| {
            r.tx == tx && r.msg.is_request() && !(is_invite && r.msg.method() == Some(&Method::Ack))
        })
    }

    /// Which kind of ACK `record` is; `None` when it is not an ACK.
    pub fn ack_kind(&self, record: &Record) -> Option<AckKind> {
        if record.msg.method() != Some(&Method::Ack) {
            return None;
        }
        let t = self.transactions.get(record.tx)?;
        Some(match t.method {
            Method::Invite => AckKind::Failure,
            _ if t.acks.is_some() => AckKind::Success,
            _ => AckKind::Unmatched,
        })
    }

    /// The CANCEL transaction of an INVITE transaction, and its request if captured.
    pub fn cancel_of(&self, invite_tx: usize) -> Option<(usize, Option<&Record>)> {
        let cancel = self.transactions.get(invite_tx)?.cancelled_by?;
        Some((cancel, self.request_of(cancel)))
    }

    /// The dialogs the call's INVITEs created, early or confirmed, in the
    /// order their first response was captured. Several dialogs for one
    /// INVITE transaction mean the request forked (RFC 3261 §12.1, §13.2.2.4).
    pub fn dialogs(&self) -> Vec<Dialog> {
        dialog::dialogs_of(self)
    }

    /// The transaction that has a captured request with the same branch and
    /// sent-by as `tx` but another method, when `tx` has none of its own: a
    /// response whose CSeq method differs from its request's (CANCEL and ACK,
    /// which share their INVITE's branch, do not count).
    pub fn same_branch_request(&self, tx: usize) -> Option<usize> {
        let t = self.transactions.get(tx)?;
        if t.request.is_some() || matches!(t.method, Method::Cancel | Method::Ack) {
            return None;
        }
        let is_request_of_another_method = |i: usize| {
            self.transactions.get(i).is_some_and(|o| {
                i != tx
                    && o.request.is_some()
                    && o.method != t.method
                    && !matches!(o.method, Method::Cancel | Method::Ack)
            })
        };
        match &self.index {
            Some(index) => index
                .by_branch
                .get(&(t.branch().to_string(), t.sent_by().to_string()))?
                .iter()
                .copied()
                .find(|&i| is_request_of_another_method(i)),
            // The first MAX_TX_PER_BRANCH transactions of the branch, as the
            // index keeps them.
            None => self
                .transactions
                .iter()
                .enumerate()
                .filter(|(_, o)| o.branch() == t.branch() && o.sent_by() == t.sent_by())
                .take(MAX_TX_PER_BRANCH)
                .map(|(i, _)| i)
                .find(|&i| is_request_of_another_method(i)),
        }
    }

    /// The transaction keyed by `key_method` whose first message carried a
    /// first Via header byte for byte like `msg`'s, when its key came from
    /// that Via (an RFC 3261 branch). Same bytes parse to the same branch and
    /// sent-by, so this is the transaction [`Call::find_tx`] would find, at
    /// the cost of a comparison instead of parsing the Via: responses and
    /// retransmissions normally copy the request's Via unchanged (RFC 3261
    /// §8.2.6.2). A miss proves nothing (a proxy may have added `received`):
    /// the caller then parses the Via and looks the key up.
    fn find_tx_by_first_via(&self, msg: &Message, key_method: &Method) -> Option<usize> {
        if self.index.is_some() {
            return None; // many transactions: the hashed lookup is O(1)
        }
        let via = first_via_bytes(msg)?;
        self.transactions.iter().position(|t| {
            t.key_method == *key_method
                && t.branch_bytes().starts_with(MAGIC_COOKIE.as_bytes())
                && self
                    .records
                    .get(t.origin)
                    .and_then(|r| first_via_bytes(&r.msg))
                    == Some(via)
        })
    }

    /// The transaction with key `key`, if any (keys are unique in a call).
    fn find_tx(&self, key: KeyRef<'_>) -> Option<usize> {
        match &self.index {
            Some(index) => index.keys.get(&key.to_owned_key()).copied(),
            None => self.transactions.iter().position(|t| {
                t.key_method == *key.method
                    && t.branch_bytes() == key.branch.as_bytes()
                    && t.sent_by_bytes() == key.sent_by.as_bytes()
            }),
        }
    }

    /// Adds the message `msg` seen in `bytes` (taken by value and moved once,
    /// into its record: a `Message` is several hundred bytes).
    fn push(&mut self, bytes: &SipBytes<'_>, msg: Message, scratch: &mut KeyScratch) {
        if self.records.len() >= MAX_MESSAGES_PER_CALL {
            self.dropped_messages += 1;
            return;
        }
        let index = self.records.len();
        // The CSeq borrowed from the message (no copy of its method); a
        // message without one is keyed by its own method.
        let no_cseq_method;
        let (cseq_no, cseq_method) = match msg.cseq_ref() {
            Some(c) => (c.seq, &c.method),
            None => {
                no_cseq_method = msg.method().cloned().unwrap_or(Method::Other("".into()));
                (0, &no_cseq_method)
            }
        };
        let is_request = msg.is_request();
        let request_method = msg.method();
        let is_ack = request_method == Some(&Method::Ack);
        // The method a transaction is keyed by: an ACK shares its INVITE's key.
        let key_method = match request_method {
            Some(Method::Ack) => &Method::Invite,
            Some(m) => m,
            None => cseq_method,
        };

        let mut retransmission = false;
        // Found, or the key of the transaction to create.
        let found: Result<usize, KeyRef<'_>> = match self.find_tx_by_first_via(&msg, key_method) {
            Some(tx) => Ok(tx),
            None => {
                let key = KeyRef {
                    branch: branch_key(&msg, cseq_no, &mut scratch.branch),
                    sent_by: msg.top_via_sent_by().unwrap_or_default(),
                    method: key_method,
                };
                // The ACK of a 2xx is a transaction of its own, keyed with method ACK.
                self.find_tx(key)
                    .or_else(|| {
                        is_ack
                            .then(|| self.find_tx(key.with_method(&Method::Ack)))
                            .flatten()
                    })
                    .ok_or(key)
            }
        };
        let tx = match found {
            Ok(tx) => {
                if let Some(t) = self.transactions.get(tx) {
                    if is_request {
                        if is_ack && t.method == Method::Invite {
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
            Err(key) if is_ack => {
                // The ACK of a failure shares its INVITE's branch (RFC 3261 §17.1.1.3);
                // clients that do not reuse the branch are matched by CSeq number.
                match self.failed_invite_awaiting_ack(cseq_no) {
                    Some(tx) => tx,
                    None => {
                        let acked = self.answered_invite(cseq_no);
                        let tx = self.new_transaction(
                            key.with_method(&Method::Ack),
                            Method::Ack,
                            cseq_no,
                        );
                        if let Some(invite) = acked {
                            if let Some(t) = self.transactions.get_mut(tx) {
                                t.acks = Some(invite);
                            }
                            if let Some(t) = self.transactions.get_mut(invite) {
                                t.ack_2xx.get_or_insert(index);
                            }
                        }
                        tx
                    }
                }
            }
            Err(key) => {
                // A CANCEL carries the branch of the INVITE it cancels (RFC 3261 §9.1).
                let invite = if *cseq_method == Method::Cancel {
                    self.find_tx(key.with_method(&Method::Invite))
                } else {
                    None
                };
                let tx = self.new_transaction(key, cseq_method.clone(), cseq_no);
                if let Some(invite) = invite {
                    if let Some(t) = self.transactions.get_mut(tx) {
                        t.cancels = Some(invite);
                    }
                    if let Some(t) = self.transactions.get_mut(invite) {
                        t.cancelled_by.get_or_insert(tx);
                    }
                }
                tx
            }
        };

        if let Some(t) = self.transactions.get_mut(tx) {
            if is_request {
                if is_ack && t.method == Method::Invite {
                    t.ack.get_or_insert(index);
                } else if t.request.is_none() {
                    t.request = Some(index);
                    // Read for INVITEs only: no other method is asked.
                    t.request_without_to_tag = t.method == Method::Invite && lacks_to_tag(&msg);
                }
                if retransmission {
                    t.request_retransmissions = t.request_retransmissions.saturating_add(1);
                }
            } else {
                t.responses.push(index);
                if retransmission {
                    t.response_retransmissions = t.response_retransmissions.saturating_add(1);
                }
            }
        }
        let ts = bytes.ts;
        self.last_seen = Some(self.last_seen.map_or(ts, |last| last.max(ts)));
        self.records.push(Record {
            frame: bytes.frame,
            ts,
            src: bytes.src,
            dst: bytes.dst,
            transport: bytes.transport,
            truncated: bytes.truncated,
            msg,
            tx,
            retransmission,
            frames: if bytes.frames == [bytes.frame] {
                Vec::new()
            } else {
                bytes.frames.to_vec()
            },
        });
    }

    fn new_transaction(&mut self, key: KeyRef<'_>, method: Method, cseq: u32) -> usize {
        let tx = self.transactions.len();
        // The message being added creates the transaction; it becomes the next record.
        let origin = self.records.len();
        self.transactions
            .push(Transaction::new(method, cseq, key, origin));
        if let Some(index) = &mut self.index {
            index.insert(key.to_owned_key(), tx);
        } else if self.transactions.len() > SCAN_LIMIT {
            let mut index = TxIndex::default();
            for (i, t) in self.transactions.iter().enumerate() {
                let key = TxKey {
                    branch: t.branch().to_string(),
                    sent_by: t.sent_by().to_string(),
                    method: t.key_method.clone(),
                };
                index.insert(key, i);
            }
            self.index = Some(Box::new(index));
        }
        tx
    }

    /// The latest INVITE transaction with CSeq number `cseq` answered with a 2xx.
    fn answered_invite(&self, cseq: u32) -> Option<usize> {
        self.transactions
            .iter()
            .enumerate()
            .rev()
            .find(|(_, t)| {
                t.method == Method::Invite
                    && t.cseq == cseq
                    && t.responses.iter().any(|&r| {
                        self.records
                            .get(r)
                            .and_then(|r| r.status())
                            .is_some_and(|s| s.is_success())
                    })
            })
            .map(|(i, _)| i)
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
        // The To tag and RSeq are read only when a response with the same
        // status was seen: most responses of a transaction differ by status.
        t.responses
            .iter()
            .filter_map(|&i| self.records.get(i))
            .any(|r| {
                r.msg.status() == status && r.msg.to_tag() == msg.to_tag() && {
                    // A reliable provisional response is new when its RSeq is new.
                    r.msg.rseq() == msg.rseq()
                }
            })
    }
}

/// How many messages and transactions a call that starts with `first`
/// usually has, so that its vectors are allocated once, at their size: an
/// INVITE dialog has seven messages (INVITE, 100, 180, 200, ACK, BYE, 200)
/// in three transactions, anything else a request, a challenge and a retry
/// or less. A longer call grows its vectors as usual.
fn expected_size(first: &Message) -> (usize, usize) {
    if first.method() == Some(&Method::Invite) {
        (8, 4)
    } else {
        (4, 2)
    }
}

/// The raw value of a message's first Via header (every entry of that
/// header line, folds included), as captured: what its top Via is parsed from.
fn first_via_bytes(msg: &Message) -> Option<&[u8]> {
    first_header_bytes(msg, HeaderName::Via)
}

/// The raw value of a message's first header called `name`, as captured.
fn first_header_bytes(msg: &Message, name: HeaderName) -> Option<&[u8]> {
    msg.headers()
        .iter()
        .find(|h| h.name == name)
        .map(|h| h.value_span.slice(msg.raw()))
}

/// The From tag of `msg`, taken from `like`'s parsed From when both carry
/// the same first From header byte for byte (a response copies its
/// request's, RFC 3261 §8.2.6.2): one parse per request instead of one per
/// response, with the same result.
fn from_tag_like<'a>(msg: &'a Message, like: Option<&'a Message>) -> Option<&'a str> {
    let source = match like {
        Some(like)
            if first_header_bytes(msg, HeaderName::From)
                == first_header_bytes(like, HeaderName::From) =>
        {
            like
        }
        _ => msg,
    };
    source.from_tag()
}

/// Whether `a` and `b` carry the same To tag (`a.to_tag() == b.to_tag()`),
/// settled first by comparing their first To headers byte for byte: the
/// same bytes read to the same tag, and the responses of a transaction
/// normally carry one To (RFC 3261 §8.2.6.2), so most pairs are compared
/// without reading either To (a few hundred instructions each).
pub fn same_to_tag(a: &Message, b: &Message) -> bool {
    first_header_bytes(a, HeaderName::To) == first_header_bytes(b, HeaderName::To)
        || a.to_tag() == b.to_tag()
}

/// Whether `msg` carries no To tag (`msg.to_tag().is_none()`). A tag is a
/// `;` parameter of the first To header: a header without a `;` (what the
/// initial request of nearly every call carries) has none, and is answered
/// without reading it.
pub(crate) fn lacks_to_tag(msg: &Message) -> bool {
    match first_header_bytes(msg, HeaderName::To) {
        None => true,
        Some(to) if !to.contains(&b';') => true,
        Some(_) => msg.to_tag().is_none(),
    }
}

/// The branch part of a transaction key: the branch itself for RFC 3261
/// clients, else the RFC 2543 fallback (CSeq number and From tag), written
/// into `buf`.
fn branch_key<'a>(msg: &'a Message, cseq: u32, buf: &'a mut String) -> &'a str {
    match msg.top_via_branch() {
        Some(b) if b.starts_with(MAGIC_COOKIE) => b,
        _ => {
            let from_tag = msg.from_tag().unwrap_or_default();
            buf.clear();
            buf.push_str("rfc2543:");
            push_decimal(buf, cseq.into());
            buf.push(':');
            buf.push_str(from_tag);
            buf
        }
    }
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

/// The latest `Allow` sightings of each peer. A peer sends the same start
/// line and Allow values again and again (every INVITE of a UA, every 200 of
/// a server): sightings share one copy of what was seen, so a repeated one
/// costs a comparison, not a list of strings.
#[derive(Debug, Default)]
struct AllowHistory {
    /// Hashed with [`FastMap`]'s multiply hash, as the open calls: looked
    /// up for every message with an Allow header.
    by_peer: FastMap<SocketAddr, Vec<(FrameNo, Arc<AllowText>)>>,
}

/// What an `Allow` sighting saw.
#[derive(Debug)]
struct AllowText {
    start_line: String,
    methods: Vec<String>,
    /// The values of the message's Allow headers, each followed by a line
    /// feed (which no header value holds): equal values give equal methods.
    values: String,
}

impl AllowHistory {
    /// Notes the Allow headers of `msg`, sent by `peer` in `frame`. `values`
    /// is a reused buffer.
    fn note(&mut self, peer: SocketAddr, frame: FrameNo, msg: &Message, values: &mut String) {
        values.clear();
        for h in msg.headers().iter().filter(|h| h.name == HeaderName::Allow) {
            values.push_str(&msg.header_value(h));
            values.push('\n');
        }
        let start_line = msg.start_line_text();
        let new_text = || {
            let methods = msg.tokens(HeaderName::Allow);
            (!methods.is_empty()).then(|| {
                Arc::new(AllowText {
                    start_line: start_line.to_string(),
                    methods,
                    values: values.clone(),
                })
            })
        };
        let Some(history) = self.by_peer.get_mut(&peer) else {
            if self.by_peer.len() < MAX_PEERS
                && let Some(text) = new_text()
            {
                self.by_peer.insert(peer, vec![(frame, text)]);
            }
            return;
        };
        let seen = history
            .iter()
            .rev()
            .map(|(_, text)| text)
            .find(|text| text.values == *values && text.start_line == start_line)
            .cloned();
        let Some(text) = seen.or_else(new_text) else {
            return;
        };
        if history.len() >= ALLOW_HISTORY {
            history.remove(0);
        }
        history.push((frame, text));
    }

    /// The last sighting of `peer` before `frame`.
    fn before(&self, peer: SocketAddr, frame: FrameNo) -> Option<AllowSeen> {
        let (frame, text) = self
            .by_peer
            .get(&peer)?
            .iter()
            .rev()
            .find(|(f, _)| *f < frame)?;
        Some(AllowSeen {
            frame: *frame,
            start_line: text.start_line.clone(),
            methods: text.methods.clone(),
        })
    }
}

/// Groups SIP messages into calls and keeps the capture-wide facts rules need.
///
/// Calls are open while messages may still come; [`Correlator::take_finished`]
/// hands over the calls that are finished and have been quiet for 64×T1 (so
/// that late retransmissions are still counted), which keeps memory bounded by
/// what is open, not by the size of the capture. All decisions run on capture
/// time, so a file and a live capture of the same traffic agree.
#[derive(Debug)]
pub struct Correlator {
    /// Keyed by Call-ID, a value from the wire, looked up for every message.
    /// Hashed with [`FastMap`]'s seeded multiply hash (a tenth of SipHash's
    /// cost for a 30-byte Call-ID): the seed is random per table, so a
    /// capture cannot carry Call-IDs computed to collide, and the table is
    /// bounded by the open-call limit. Nothing iterates it in hash order
    /// (eviction and `finish` sort what they take).
    /// The key is shared with the release queue's entries (a reference
    /// count, not a copy of the Call-ID per entry).
    open: FastMap<Arc<str>, Call>,
    /// When open calls may have finished, earliest first: (deadline, call
    /// serial, Call-ID). Each open call has one live entry, the one whose
    /// deadline is its `scheduled`; other entries are stale and skipped. A
    /// live deadline is never later than the call's real finishing time, so
    /// [`Correlator::take_finished`] looks only at calls that may be due
    /// instead of scanning every open call on every tick.
    release_queue: ReleaseQueue,
    /// Serial of the next call created.
    next_serial: u64,
    /// Reused buffers for building transaction keys.
    scratch: KeyScratch,
    /// Calls released because the table was full, waiting to be taken.
    evicted: Vec<Call>,
    facts: Correlated,
    /// Calls released before they finished because the table was full.
    pub released_early: u64,
    /// How many calls may be open at once.
    limit: OpenCallLimit,
    /// `facts.timers.transaction_timeout()`, computed once (it is read for
    /// every message).
    linger: Duration,
}

impl Default for Correlator {
    fn default() -> Correlator {
        Correlator::with_limits(Timers::default(), OpenCallLimit::default())
    }
}

impl Correlator {
    /// A correlator with the default timers (T1 = 500 ms).
    pub fn new() -> Correlator {
        Correlator::default()
    }

    /// A correlator whose timer rules use `timers`.
    pub fn with_timers(timers: Timers) -> Correlator {
        Correlator::with_limits(timers, OpenCallLimit::default())
    }

    /// A correlator with timers `timers` keeping at most `limit` calls open.
    pub fn with_limits(timers: Timers, limit: OpenCallLimit) -> Correlator {
        Correlator {
            open: FastMap::default(),
            release_queue: ReleaseQueue::default(),
            next_serial: 0,
            scratch: KeyScratch::default(),
            evicted: Vec::new(),
            facts: Correlated {
                timers,
                ..Correlated::default()
            },
            released_early: 0,
            limit: OpenCallLimit(limit.0.max(1)),
            linger: timers.transaction_timeout(),
        }
    }

    /// Notes that the capture reached `ts` (every frame, SIP or not), so that
    /// timer rules know how long the capture ran after a message.
    pub fn observe(&mut self, ts: Timestamp) {
        let facts = &mut self.facts;
        if facts.capture_start.is_none_or(|s| ts < s) {
            facts.capture_start = Some(ts);
        }
        if facts.capture_end.is_none_or(|e| ts > e) {
            facts.capture_end = Some(ts);
        }
    }

    /// Adds one UDP datagram that is not SIP: RTP (version 2) is counted per
    /// flow, anything else only counted. See [`media`].
    pub fn push_media(
        &mut self,
        frame: FrameNo,
        ts: Timestamp,
        src: SocketAddr,
        dst: SocketAddr,
        packet: MediaPacket,
    ) {
        self.observe(ts);
        self.facts.media.push_packet(frame, ts, src, dst, packet);
    }

    /// Adds one parsed message seen in `bytes`' frame.
    pub fn push(&mut self, bytes: &SipBytes<'_>, msg: Message) {
        self.facts.messages += 1;
        self.observe(bytes.ts);
        let Some(call_id) = msg.call_id() else {
            self.facts.unattributed += 1;
            return;
        };
        if msg.headers().iter().any(|h| h.name == HeaderName::Allow) {
            self.facts
                .allow
                .note(bytes.src, bytes.frame, &msg, &mut self.scratch.allow);
        }
        let linger = self.linger;
        // One hash of the borrowed Call-ID for a known call; the Call-ID is
        // copied only when a call is created.
        if let Some(call) = self.open.get_mut(call_id.as_ref()) {
            call.push(bytes, msg, &mut self.scratch);
            // Rarely earlier than the live entry (a BYE after an answer
            // rescheduled for ESTABLISHED_IDLE): the Call-ID is copied only then.
            if let Some(deadline) = reschedule(call, linger) {
                let key = Arc::from(call.call_id.as_str());
                self.release_queue.push((deadline, call.serial, key));
            }
            return;
        }
        let key: Arc<str> = Arc::from(call_id.as_ref());
        let call_id = call_id.into_owned();
        if self.open.len() >= self.limit.0 {
            self.evict();
        }
        let mut call = Call::new(call_id, self.next_serial, &msg);
        self.next_serial += 1;
        call.push(bytes, msg, &mut self.scratch);
        if let Some(deadline) = reschedule(&mut call, linger) {
            self.release_queue
                .push((deadline, call.serial, key.clone()));
        }
        self.open.insert(key, call);
    }

    /// Releases the tenth of the open calls (at least one) that have been
    /// quiet longest.
    fn evict(&mut self) {
        let mut quiet: Vec<(Timestamp, Arc<str>)> = self
            .open
            .iter()
            .map(|(id, c)| (c.last_seen.unwrap_or_default(), id.clone()))
            .collect();
        quiet.sort();
        for (_, id) in quiet.into_iter().take((self.limit.0 / 10).max(1)) {
            if let Some(call) = self.open.remove(&id) {
                self.released_early += 1;
                self.evicted.push(call);
            }
        }
    }

    /// Whether calls released early (the open-call table was full) wait to
    /// be taken by [`Correlator::take_finished`]. They are no longer bounded
    /// by the table: take them at once.
    pub fn has_released_early(&self) -> bool {
        !self.evicted.is_empty()
    }

    /// Calls open now.
    pub fn open_calls(&self) -> usize {
        self.open.len()
    }

    /// The capture-wide facts rules consult (allowed methods per peer, media,
    /// timers, capture times).
    pub fn facts(&self) -> &Correlated {
        &self.facts
    }

    /// Removes and returns, in order of their first message, the calls that
    /// are finished by capture time: every transaction answered or timed out
    /// and no dialog left up, quiet for 64×T1 (an answered call without BYE:
    /// quiet for [`ESTABLISHED_IDLE`]), plus any released early.
    pub fn take_finished(&mut self) -> Vec<Call> {
        let mut done = std::mem::take(&mut self.evicted);
        let Some(now) = self.facts.capture_end else {
            return done;
        };
        let linger = self.linger;
        let mut finished = Vec::new();
        while let Some((deadline, serial, id)) = self.release_queue.pop_due(now) {
            let Some(call) = self
                .open
                .get_mut(&id)
                .filter(|c| c.serial == serial && c.scheduled == Some(deadline))
            else {
                continue; // stale: the call was released, or rescheduled earlier
            };
            let last = call.last_seen.unwrap_or_default();
            let quiet = now.duration_since(last);
            if quiet >= linger && (!call.is_up() || quiet >= ESTABLISHED_IDLE) {
                if let Some(call) = self.open.remove(&id) {
                    finished.push(call);
                }
                continue;
            }
            // Not finished yet: quiet too short, or answered and not hung up.
            let wait = if quiet < linger {
                linger
            } else {
                ESTABLISHED_IDLE
            };
            call.scheduled = later_by(last, wait);
            if let Some(next) = call.scheduled {
                self.release_queue.push_rescheduled((next, serial, id));
            }
        }
        // Creation order among calls that start in the same frame (the table's
        // order was arbitrary before).
        finished.sort_by_key(|c| c.serial);
        done.append(&mut finished);
        done.sort_by_key(|c| c.first_frame());
        self.compact_release_queue();
        if let Some(before) = now.checked_sub(MEDIA_IDLE) {
            self.facts.media.prune(before);
        }
        done
    }

    /// Drops the stale entries of the release queue once they outnumber the
    /// open calls, so that its size stays bounded by the open-call table.
    fn compact_release_queue(&mut self) {
        if self.release_queue.len() <= 2 * self.open.len() + 64 {
            return;
        }
        let open = &self.open;
        self.release_queue.retain(|(deadline, serial, id)| {
            open.get(id)
                .is_some_and(|c| c.serial == *serial && c.scheduled == Some(*deadline))
        });
    }

    /// Hands over every call still open, in order of its first message, with
    /// the capture-wide facts.
    pub fn finish(mut self) -> Correlated {
        let mut calls: Vec<Call> = std::mem::take(&mut self.evicted);
        let mut open: Vec<Call> = self.open.into_values().collect();
        open.sort_by_key(|c| c.serial);
        calls.append(&mut open);
        calls.sort_by_key(|c| c.first_frame());
        self.facts.calls = calls;
        self.facts
    }
}

/// An entry of the [`ReleaseQueue`]: (deadline, call serial, Call-ID).
type Release = (Timestamp, u64, Arc<str>);

/// The release queue: its entries, earliest first (a priority queue, as a
/// binary heap alone would be).
///
/// Nearly every entry is queued later than every entry before it: a call is
/// first scheduled 64×T1 after its first message, and messages come in
/// capture order. Such entries go to the back of a FIFO, which costs O(1) to
/// push and pop instead of a walk down a heap through cold memory. The rest
/// (the calls rescheduled when their deadline comes, a capture out of time
/// order) go to a heap; the earliest entry is the earlier of the FIFO's
/// front and the heap's top.
#[derive(Debug, Default)]
struct ReleaseQueue {
    in_order: VecDeque<Release>,
    others: BinaryHeap<Reverse<Release>>,
}

impl ReleaseQueue {
    /// Queues `entry`: at the back of the FIFO when it is not earlier than
    /// its last entry.
    fn push(&mut self, entry: Release) {
        if self.in_order.back().is_none_or(|last| *last <= entry) {
            self.in_order.push_back(entry);
        } else {
            self.others.push(Reverse(entry));
        }
    }

    /// Queues an entry of a call rescheduled at its deadline (later by 64×T1
    /// after its last message or by [`ESTABLISHED_IDLE`]): to the heap, so that
    /// the FIFO keeps taking the deadlines of new calls in order.
    fn push_rescheduled(&mut self, entry: Release) {
        self.others.push(Reverse(entry));
    }

    /// Removes and returns the earliest entry if its deadline is `now` or earlier.
    fn pop_due(&mut self, now: Timestamp) -> Option<Release> {
        let front = self.in_order.front();
        let top = self.others.peek().map(|Reverse(e)| e);
        let from_fifo = match (front, top) {
            (Some(f), Some(t)) => f <= t,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        if from_fifo {
            if self
                .in_order
                .front()
                .is_none_or(|(deadline, ..)| *deadline > now)
            {
                return None;
            }
            self.in_order.pop_front()
        } else {
            if top.is_none_or(|(deadline, ..)| *deadline > now) {
                return None;
            }
            self.others.pop().map(|Reverse(e)| e)
        }
    }

    fn len(&self) -> usize {
        self.in_order.len() + self.others.len()
    }

    /// Keeps only the entries for which `keep` holds.
    fn retain(&mut self, mut keep: impl FnMut(&Release) -> bool) {
        self.in_order.retain(&mut keep);
        self.others.retain(|Reverse(e)| keep(e));
    }
}

/// Makes sure the call's release-queue entry is not later than the moment it
/// may finish after its latest message: 64×T1 after it (a message can only
/// move that later, or end a dialog, which moves an answered call's
/// [`ESTABLISHED_IDLE`] deadline earlier). Returns the new deadline when a
/// new entry must be queued.
fn reschedule(call: &mut Call, linger: Duration) -> Option<Timestamp> {
    let deadline = call.last_seen.and_then(|last| later_by(last, linger))?;
    if call.scheduled.is_none_or(|s| deadline < s) {
        call.scheduled = Some(deadline);
        return Some(deadline);
    }
    None
}

/// `ts.checked_add(d)`, in seconds and nanoseconds when both are in range:
/// [`Timestamp::checked_add`] goes through 128-bit nanoseconds and a 128-bit
/// division, and a deadline is computed for every message. Anything out of
/// range (nanoseconds not below a second, which the capture readers never
/// make, or an overflow) takes the general path.
fn later_by(ts: Timestamp, d: Duration) -> Option<Timestamp> {
    const NANOS_PER_SEC: u32 = 1_000_000_000;
    let fast = || {
        if ts.nanos >= NANOS_PER_SEC {
            return None;
        }
        let secs = ts.secs.checked_add(i64::try_from(d.as_secs()).ok()?)?;
        let nanos = ts.nanos + d.subsec_nanos();
        Some(if nanos >= NANOS_PER_SEC {
            Timestamp {
                secs: secs.checked_add(1)?,
                nanos: nanos - NANOS_PER_SEC,
            }
        } else {
            Timestamp { secs, nanos }
        })
    };
    fast().or_else(|| ts.checked_add(d))
}

/// The result of correlation: calls in order of their first message, and the
/// capture-wide facts rules consult.
#[derive(Debug, Default)]
pub struct Correlated {
    pub calls: Vec<Call>,
    allow: AllowHistory,
    /// RTP flows seen in the capture.
    pub media: MediaTable,
    /// The timers the rules evaluate.
    pub timers: Timers,
    /// The earliest and latest capture times seen (frames given to
    /// [`Correlator::observe`], SIP messages and media).
    pub capture_start: Option<Timestamp>,
    pub capture_end: Option<Timestamp>,
    pub unattributed: u64,
    pub messages: u64,
}

impl Correlated {
    /// The last `Allow` list `peer` sent before `frame`.
    pub fn allow_before(&self, peer: SocketAddr, frame: FrameNo) -> Option<AllowSeen> {
        self.allow.before(peer, frame)
    }

    /// How long the capture ran after `ts`.
    pub fn captured_after(&self, ts: Timestamp) -> Duration {
        self.capture_end
            .map_or(Duration::ZERO, |end| end.duration_since(ts))
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
    fn responses_inline_then_spilled() {
        let mut r = Responses::default();
        assert!(r.is_empty());
        for i in 0..RESPONSES_INLINE {
            r.push(10 + i);
        }
        assert_eq!(*r, [10, 11, 12, 13]);
        assert!(r.spilled.is_empty());
        r.push(14);
        r.push(15);
        assert_eq!(*r, [10, 11, 12, 13, 14, 15]);
        assert_eq!(format!("{r:?}"), "[10, 11, 12, 13, 14, 15]");
        assert_eq!(
            format!("{:?}", r.clone()),
            format!("{:?}", vec![10, 11, 12, 13, 14, 15])
        );
    }

    #[test]
    fn transaction_keys_inline_or_boxed() {
        let short = Transaction::new(
            Method::Invite,
            1,
            KeyRef {
                branch: "z9hG4bK-1",
                sent_by: "10.0.0.1:5060",
                method: &Method::Invite,
            },
            0,
        );
        assert!(matches!(short.key, KeyText::Inline { len: 22, .. }));
        assert_eq!(
            (short.branch(), short.sent_by()),
            ("z9hG4bK-1", "10.0.0.1:5060")
        );
        assert_eq!(short.branch_bytes(), b"z9hG4bK-1");
        assert_eq!(short.sent_by_bytes(), b"10.0.0.1:5060");
        // 62 bytes fit; 63 are boxed.
        let branch = format!("z9hG4bK{}", "a".repeat(41));
        let fits = KeyText::new(&branch, "host.example");
        assert!(matches!(fits, KeyText::Inline { len: 60, .. }));
        assert_eq!(fits.as_str(), format!("{branch}host.example"));
        let at_limit = KeyText::new(&branch, "host.example:5");
        assert!(matches!(at_limit, KeyText::Inline { len: 62, .. }));
        let long = KeyText::new(&branch, "host.example:50");
        assert!(matches!(long, KeyText::Boxed(_)));
        assert_eq!(long.as_str(), format!("{branch}host.example:50"));
        let t = Transaction::new(
            Method::Bye,
            2,
            KeyRef {
                branch: &branch,
                sent_by: "é.example:5060",
                method: &Method::Bye,
            },
            3,
        );
        assert_eq!(
            (t.branch(), t.sent_by()),
            (branch.as_str(), "é.example:5060")
        );
        assert_eq!((t.key_method.clone(), t.origin), (Method::Bye, 3));
        assert_eq!(KeyText::new("", "").as_str(), "");
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
        assert_eq!(*t0.responses, [1, 2]);
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
        assert_eq!(*call.transactions[1].responses, [2]);
        assert_eq!(*call.transactions[0].responses, [3]);
        assert_eq!(call.outcome(), Outcome::Cancelled);
    }

    #[test]
    fn rfc2543_messages_without_magic_cookie_still_match() {
        let i1 = invite("old-1", 1, "");
        let r = response("404 Not Found", "old-1", 1, "INVITE", "b1");
        let c = correlate(&[(A, B, &i1), (B, A, &r)]);
        assert_eq!(c.calls[0].transactions.len(), 1);
        assert_eq!(c.calls[0].transactions[0].branch(), "rfc2543:1:a1");
        assert_eq!(c.calls[0].transactions[0].sent_by(), "127.0.0.1:5061");
        assert_eq!(c.calls[0].outcome(), Outcome::Rejected(StatusCode(404)));
    }

    #[test]
    fn a_copied_via_matches_without_parsing_and_a_changed_one_by_its_key() {
        let i1 = invite("z9hG4bK-1", 1, "");
        let r180 = response("180 Ringing", "z9hG4bK-1", 1, "INVITE", "b1");
        // A proxy's `received` changes the bytes, not the key.
        let r200 = response("200 OK", "z9hG4bK-1", 1, "INVITE", "b1")
            .replace(";branch=z9hG4bK-1", ";branch=z9hG4bK-1;received=10.0.0.9");
        let cancel = "CANCEL sip:bob@b SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1\nFrom: <sip:alice@a>;tag=a1\nTo: <sip:bob@b>\nCall-ID: c1\nCSeq: 1 CANCEL\nMax-Forwards: 70\nContent-Length: 0\n\n";
        let c = correlate(&[(A, B, &i1), (A, B, cancel)]);
        let call = &c.calls[0];
        let parse = |text: &str| {
            Message::parse(text.replace('\n', "\r\n").as_bytes()).expect("test message parses")
        };
        let origins: Vec<usize> = call.transactions.iter().map(|t| t.origin).collect();
        assert_eq!(origins, vec![0, 1]);
        assert_eq!(
            call.find_tx_by_first_via(&parse(&r180), &Method::Invite),
            Some(0)
        );
        // Same Via, other method: the CANCEL's transaction, not the INVITE's.
        assert_eq!(
            call.find_tx_by_first_via(&parse(cancel), &Method::Cancel),
            Some(1)
        );
        assert_eq!(
            call.find_tx_by_first_via(&parse(&r200), &Method::Invite),
            None
        );
        assert_eq!(call.find_tx_by_first_via(&parse(&i1), &Method::Bye), None);
        let c = correlate(&[(A, B, &i1), (B, A, &r180), (B, A, &r200)]);
        assert_eq!(c.calls[0].transactions.len(), 1);
        assert_eq!(*c.calls[0].transactions[0].responses, [1, 2]);
        // RFC 2543 keys also depend on the CSeq and From tag: never by bytes.
        let old = invite("old-1", 1, "");
        let c = correlate(&[(A, B, &old)]);
        let r = response("404 Not Found", "old-1", 1, "INVITE", "b1");
        assert_eq!(
            c.calls[0].find_tx_by_first_via(&parse(&r), &Method::Invite),
            None
        );
    }

    #[test]
    fn from_tag_is_read_from_the_request_only_when_the_header_is_the_same() {
        let parse = |text: &str| {
            Message::parse(text.replace('\n', "\r\n").as_bytes()).expect("test message parses")
        };
        let request = parse(&invite("z9hG4bK-1", 1, ""));
        let copied = parse(&response("180 Ringing", "z9hG4bK-1", 1, "INVITE", "b1"));
        let changed = parse(
            &response("180 Ringing", "z9hG4bK-1", 1, "INVITE", "b1").replace("tag=a1", "tag=zz"),
        );
        assert_eq!(from_tag_like(&copied, Some(&request)), Some("a1"));
        assert_eq!(from_tag_like(&changed, Some(&request)), Some("zz"));
        assert_eq!(from_tag_like(&changed, None), Some("zz"));
    }

    #[test]
    fn to_tags_are_compared_by_bytes_first_with_the_parsed_tags_behind() {
        let parse = |text: &str| {
            Message::parse(text.replace('\n', "\r\n").as_bytes()).expect("test message parses")
        };
        let r180 = parse(&response("180 Ringing", "z9hG4bK-1", 1, "INVITE", "b1"));
        let r200 = parse(&response("200 OK", "z9hG4bK-1", 1, "INVITE", "b1"));
        let other = parse(&response("200 OK", "z9hG4bK-1", 1, "INVITE", "b2"));
        // Other bytes, the same tag: the parsed tags decide.
        let spaced = parse(
            &response("200 OK", "z9hG4bK-1", 1, "INVITE", "b1")
                .replace("To: <sip:bob@b>;tag=b1", "To: \"Bob\" <sip:bob@b>;TAG=b1"),
        );
        assert!(same_to_tag(&r180, &r200));
        assert!(!same_to_tag(&r180, &other));
        assert_eq!(spaced.to_tag(), Some("b1"));
        assert!(same_to_tag(&r180, &spaced));
        let request = parse(&invite("z9hG4bK-1", 1, ""));
        let no_to = parse(&invite("z9hG4bK-1", 1, "").replace("To: <sip:bob@b>\n", ""));
        assert!(same_to_tag(&request, &no_to));
        assert!(!same_to_tag(&request, &r200));

        // No `;` in the first To: no tag, without reading it; with one, the
        // tag is read (a URI parameter is not a tag).
        assert!(lacks_to_tag(&request));
        assert!(lacks_to_tag(&no_to));
        assert!(!lacks_to_tag(&r200));
        let uri_param = parse(
            &invite("z9hG4bK-1", 1, "").replace("To: <sip:bob@b>", "To: <sip:bob@b;transport=udp>"),
        );
        assert!(lacks_to_tag(&uri_param));
        let re_invite =
            parse(&invite("z9hG4bK-1", 1, "").replace("To: <sip:bob@b>", "To: <sip:bob@b>;tag=b1"));
        assert!(!lacks_to_tag(&re_invite));
    }

    #[test]
    fn decimal_is_written_as_format_writes_it() {
        let mut out = String::new();
        for n in [0, 7, 10, 65_535, u32::MAX] {
            push_decimal(&mut out, n.into());
            out.push(' ');
        }
        assert_eq!(out, "0 7 10 65535 4294967295 ");
    }

    /// An OPTIONS request with its own branch and CSeq in call `call_id`.
    fn options(call_id: &str, branch: &str, cseq: u32) -> String {
        format!(
            "OPTIONS sip:bob@b SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch={branch}\nFrom: <sip:alice@a>;tag=a1\nTo: <sip:bob@b>\nCall-ID: {call_id}\nCSeq: {cseq} OPTIONS\nMax-Forwards: 70\nContent-Length: 0\n\n"
        )
    }

    #[test]
    fn calls_with_many_transactions_match_through_the_index() {
        // Past SCAN_LIMIT transactions the call switches from scanning to hash
        // maps; matching must not change across the switch.
        let n = SCAN_LIMIT as u32 + 8;
        let requests: Vec<String> = (1..=n)
            .map(|i| options("c1", &format!("z9hG4bK-{i}"), i))
            .collect();
        let responses: Vec<String> = (1..=n)
            .map(|i| response("200 OK", &format!("z9hG4bK-{i}"), i, "OPTIONS", "b1"))
            .collect();
        // A response whose CSeq method differs from its request's, past the limit.
        let stray = response("200 OK", &format!("z9hG4bK-{n}"), n, "MESSAGE", "b1");
        let mut msgs: Vec<(&str, &str, &str)> = Vec::new();
        for r in &requests {
            msgs.push((A, B, r));
        }
        for r in &responses {
            msgs.push((B, A, r));
        }
        msgs.push((B, A, &responses[0]));
        msgs.push((B, A, &responses[n as usize - 1]));
        msgs.push((A, B, &requests[n as usize - 1]));
        msgs.push((B, A, &stray));
        let c = correlate(&msgs);
        let call = &c.calls[0];
        assert!(call.index.is_some());
        assert_eq!(call.transactions.len(), n as usize + 1);
        for (i, t) in call.transactions.iter().take(n as usize).enumerate() {
            assert_eq!((t.cseq, t.request), (i as u32 + 1, Some(i)));
            assert_eq!(t.responses.first(), Some(&(n as usize + i)));
        }
        let first = &call.transactions[0];
        let last = &call.transactions[n as usize - 1];
        assert_eq!(first.responses.len(), 2);
        assert_eq!(
            (
                first.response_retransmissions,
                last.response_retransmissions
            ),
            (1, 1)
        );
        assert_eq!(last.request_retransmissions, 1);
        let retrans: Vec<u32> = call
            .records
            .iter()
            .filter(|r| r.retransmission)
            .map(|r| r.frame.0)
            .collect();
        let m = 2 * n;
        assert_eq!(retrans, vec![m + 1, m + 2, m + 3]);
        assert_eq!(call.same_branch_request(n as usize), Some(n as usize - 1));
    }

    /// Feeds `(second, call_id, message)` to a correlator, taking finished calls
    /// once per capture second as the analysis does, and checks at every tick
    /// that exactly the calls the definition of "finished" names are released,
    /// in order of their first frame. Returns `(tick second, Call-ID)` releases.
    fn releases(messages: &[(i64, String)], until: i64) -> Vec<(i64, String)> {
        let mut c = Correlator::new();
        let linger = c.facts.timers.transaction_timeout();
        let mut out = Vec::new();
        let mut next = 0;
        let mut frame = 0;
        for now in 0..=until {
            let ts = |s: i64| Timestamp {
                secs: 1_700_000_000 + s,
                nanos: 0,
            };
            c.observe(ts(now));
            // The definition, applied to every open call (the former scan).
            let mut expected: Vec<(FrameNo, u64, String)> = c
                .open
                .values()
                .filter(|call| {
                    let quiet = ts(now).duration_since(call.last_ts());
                    quiet >= linger && (!call.is_up() || quiet >= ESTABLISHED_IDLE)
                })
                .map(|call| (call.first_frame(), call.serial, call.call_id.clone()))
                .collect();
            expected.sort();
            let got: Vec<String> = c
                .take_finished()
                .into_iter()
                .map(|call| call.call_id)
                .collect();
            let expected: Vec<String> = expected.into_iter().map(|(_, _, id)| id).collect();
            assert_eq!(got, expected, "tick {now}");
            out.extend(got.into_iter().map(|id| (now, id)));
            while let Some((at, text)) = messages.get(next) {
                if *at > now {
                    break;
                }
                next += 1;
                frame += 1;
                let raw = text.replace('\n', "\r\n");
                let bytes = SipBytes {
                    frame: FrameNo(frame),
                    ts: ts(now),
                    src: addr(A),
                    dst: addr(B),
                    transport: Transport::Udp,
                    bytes: raw.as_bytes(),
                    truncated: false,
                    frames: &[],
                };
                let msg = Message::parse(raw.as_bytes()).expect("test message parses");
                c.push(&bytes, msg);
            }
        }
        assert!(c.release_queue.len() <= 2 * c.open.len() + 64);
        out
    }

    /// The FIFO and heap together pop what one binary heap of the same
    /// entries pops, pushes in and out of order, due or not.
    #[test]
    fn release_queue_pops_like_a_heap() {
        let mut queue = ReleaseQueue::default();
        let mut heap: BinaryHeap<Reverse<Release>> = BinaryHeap::new();
        let id: Arc<str> = Arc::from("c");
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % bound
        };
        let mut clock: i64 = 0;
        let mut popped = 0;
        for serial in 0..2_000u64 {
            clock += next(3) as i64;
            // Mostly in order, some earlier (out of order), some rescheduled.
            let secs = match next(10) {
                0 => clock - next(40) as i64,
                1 => clock + 7_200,
                _ => clock + 32,
            };
            let entry = (Timestamp { secs, nanos: 0 }, serial % 7, Arc::clone(&id));
            if next(5) == 0 {
                queue.push_rescheduled(entry.clone());
            } else {
                queue.push(entry.clone());
            }
            heap.push(Reverse(entry));
            let now = Timestamp {
                secs: clock,
                nanos: 0,
            };
            loop {
                let expected = heap
                    .peek()
                    .filter(|Reverse((deadline, ..))| *deadline <= now)
                    .is_some()
                    .then(|| heap.pop().map(|Reverse(e)| e))
                    .flatten();
                let got = queue.pop_due(now);
                assert_eq!(got, expected, "at {clock}");
                if got.is_none() {
                    break;
                }
                popped += 1;
            }
            assert_eq!(queue.len(), heap.len());
        }
        assert!(popped > 1_000, "{popped} entries popped");
    }

    #[test]
    fn later_by_is_checked_add() {
        let ts = |secs: i64, nanos: u32| Timestamp { secs, nanos };
        let d = |secs: u64, nanos: u32| Duration::new(secs, nanos);
        let cases = [
            (ts(1_700_000_000, 0), d(32, 0)),
            (ts(1_700_000_000, 999_999_999), d(0, 1)),
            (ts(1_700_000_000, 600_000_000), d(31, 500_000_000)),
            (ts(-1, 500_000_000), d(0, 500_000_000)),
            (ts(-5, 0), d(2, 999_999_999)),
            (ts(i64::MAX, 0), d(0, 999_999_999)),
            (ts(i64::MAX, 999_999_999), d(0, 1)),
            (ts(i64::MAX - 1, 999_999_999), d(0, 1)),
            (ts(i64::MIN, 0), d(u64::MAX, 0)),
            (ts(-10, 0), d(i64::MAX as u64 + 5, 0)),
            // Out of range nanoseconds (never made by the readers).
            (ts(0, 1_500_000_000), d(1, 0)),
            (ts(0, u32::MAX), d(0, 999_999_999)),
        ];
        for (at, by) in cases {
            assert_eq!(later_by(at, by), at.checked_add(by), "{at:?} + {by:?}");
        }
        assert_eq!(
            later_by(ts(10, 600_000_000), d(1, 500_000_000)),
            Some(ts(12, 100_000_000))
        );
    }

    #[test]
    fn calls_are_sized_by_their_first_request() {
        let invite = Message::parse(invite("z9hG4bK-1", 1, "").replace('\n', "\r\n").as_bytes())
            .expect("test message parses");
        let options = Message::parse(
            options("o", "z9hG4bK-o1", 1)
                .replace('\n', "\r\n")
                .as_bytes(),
        )
        .expect("test message parses");
        assert_eq!(expected_size(&invite), (8, 4));
        assert_eq!(expected_size(&options), (4, 2));
    }

    #[test]
    fn release_queue_releases_what_the_scan_did_at_the_same_tick() {
        let with_id = |m: String, id: &str| m.replace("Call-ID: c1", &format!("Call-ID: {id}"));
        let bye = |id: &str, cseq: u32| {
            format!(
                "BYE sip:bob@b SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-bye{cseq}\nFrom: <sip:alice@a>;tag=a1\nTo: <sip:bob@b>;tag=b1\nCall-ID: {id}\nCSeq: {cseq} BYE\nMax-Forwards: 70\nContent-Length: 0\n\n"
            )
        };
        let answered = |id: &str| {
            vec![
                with_id(invite("z9hG4bK-1", 1, ""), id),
                with_id(response("200 OK", "z9hG4bK-1", 1, "INVITE", "b1"), id),
                with_id(ack("z9hG4bK-2", 1), id),
            ]
        };
        let mut msgs: Vec<(i64, String)> = Vec::new();
        // Finished 32 s after its response.
        msgs.push((0, options("opt", "z9hG4bK-o1", 1)));
        msgs.push((
            1,
            with_id(response("200 OK", "z9hG4bK-o1", 1, "OPTIONS", "b1"), "opt"),
        ));
        // Up without BYE: stays for ESTABLISHED_IDLE after its last message.
        for m in answered("up") {
            msgs.push((2, m));
        }
        // Up, then hung up much later: its first deadline passes while it is
        // up (rescheduled for ESTABLISHED_IDLE), the BYE brings it back.
        for m in answered("bye") {
            msgs.push((3, m));
        }
        msgs.push((100, bye("bye", 2)));
        // Keeps talking past its first deadline: that entry goes stale.
        msgs.push((4, options("busy", "z9hG4bK-b1", 1)));
        msgs.push((30, options("busy", "z9hG4bK-b2", 2)));
        msgs.push((60, options("busy", "z9hG4bK-b3", 3)));
        // Released, then its Call-ID comes back as a new call.
        msgs.push((200, options("opt", "z9hG4bK-o2", 2)));
        // Three calls starting at the same second, released at one tick.
        for id in ["s1", "s2", "s3"] {
            msgs.push((300, options(id, "z9hG4bK-s", 1)));
        }
        msgs.sort_by_key(|(at, _)| *at);
        let released = releases(&msgs, 7_300);
        let expected: Vec<(i64, String)> = [
            (33, "opt"),
            (92, "busy"),
            (132, "bye"),
            (232, "opt"),
            (332, "s1"),
            (332, "s2"),
            (332, "s3"),
            (7_202, "up"),
        ]
        .into_iter()
        .map(|(at, id)| (at, id.to_string()))
        .collect();
        assert_eq!(released, expected);
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

    /// Repeated sightings share what was seen and keep their own frames; the
    /// history keeps the latest eight per peer.
    #[test]
    fn allow_history_shares_repeated_sightings() {
        let with_allow = |code: &str, allow: &str| {
            response(code, "z9hG4bK-7", 5, "OPTIONS", "b1")
                .replace("Content-Length: 0", &format!("{allow}Content-Length: 0"))
        };
        let a = with_allow("200 OK", "Allow: INVITE, ACK\n");
        let b = with_allow("200 OK", "Allow: INVITE,ACK\nAllow: BYE\n");
        let e = with_allow("200 OK", "Allow: ,\n");
        let c = correlate(&[(B, A, &a), (B, A, &a), (B, A, &b), (B, A, &e), (B, A, &a)]);
        let seen = |frame| {
            c.allow_before(addr(B), FrameNo(frame))
                .map(|s| (s.frame.0, s.start_line, s.methods.join(" ")))
        };
        let line = "SIP/2.0 200 OK".to_string();
        assert_eq!(seen(1), None);
        assert_eq!(seen(2), Some((1, line.clone(), "INVITE ACK".into())));
        assert_eq!(seen(3), Some((2, line.clone(), "INVITE ACK".into())));
        assert_eq!(seen(4), Some((3, line.clone(), "INVITE ACK BYE".into())));
        // An Allow without methods is no sighting.
        assert_eq!(seen(5), Some((3, line.clone(), "INVITE ACK BYE".into())));
        assert_eq!(seen(6), Some((5, line.clone(), "INVITE ACK".into())));
        let history = &c.allow.by_peer[&addr(B)];
        assert_eq!(history.len(), 4);
        assert!(Arc::ptr_eq(&history[0].1, &history[1].1));
        assert!(Arc::ptr_eq(&history[0].1, &history[3].1));
        assert!(!Arc::ptr_eq(&history[0].1, &history[2].1));

        let many: Vec<(&str, &str, &str)> = (0..10).map(|_| (B, A, a.as_str())).collect();
        let c = correlate(&many);
        assert_eq!(c.allow.by_peer[&addr(B)].len(), ALLOW_HISTORY);
        assert_eq!(
            c.allow_before(addr(B), FrameNo(11)).map(|s| s.frame.0),
            Some(10)
        );
        assert!(c.allow_before(addr(B), FrameNo(3)).is_none());
    }

    #[test]
    fn cancel_2xx_ack_and_retransmission_counts() {
        let i1 = invite("z9hG4bK-1", 1, "");
        let cancel = "CANCEL sip:bob@b SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1\nFrom: <sip:alice@a>;tag=a1\nTo: <sip:bob@b>\nCall-ID: c1\nCSeq: 1 CANCEL\nMax-Forwards: 70\nContent-Length: 0\n\n";
        let r180 = response("180 Ringing", "z9hG4bK-1", 1, "INVITE", "b1");
        let r200c = response("200 OK", "z9hG4bK-1", 1, "CANCEL", "b1");
        let r487 = response("487 Request Terminated", "z9hG4bK-1", 1, "INVITE", "b1");
        let a1 = ack("z9hG4bK-1", 1);
        let c = correlate(&[
            (A, B, &i1),
            (A, B, &i1),
            (A, B, &i1),
            (B, A, &r180),
            (A, B, cancel),
            (B, A, &r200c),
            (B, A, &r487),
            (B, A, &r487),
            (A, B, &a1),
            (A, B, &a1),
        ]);
        let call = &c.calls[0];
        let t0 = &call.transactions[0];
        assert_eq!(
            (t0.request_retransmissions, t0.response_retransmissions),
            (3, 1)
        );
        assert_eq!(t0.cancelled_by, Some(1));
        assert_eq!(call.transactions[1].cancels, Some(0));
        let frames: Vec<u32> = call.transmissions(0).map(|r| r.frame.0).collect();
        assert_eq!(frames, vec![1, 2, 3]);
        assert_eq!(
            call.cancel_of(0).map(|(t, r)| (t, r.map(|r| r.frame.0))),
            Some((1, Some(5)))
        );
        assert_eq!(call.ack_kind(&call.records[8]), Some(AckKind::Failure));
        assert!(call.records[9].retransmission);
        assert_eq!(call.outcome(), Outcome::Cancelled);
        let d = call.dialogs();
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].state, d[0].created_frame),
            (DialogState::Terminated, FrameNo(4))
        );
        // Frame 1 at +0 s, the 180 at +3 s.
        assert_eq!(call.post_dial_delay(), Some(Duration::from_secs(3)));
        assert_eq!(call.setup_time(), None);
    }

    #[test]
    fn forked_invite_has_one_early_dialog_per_to_tag_and_2xx_ack_is_tied() {
        let i1 = invite("z9hG4bK-1", 1, "");
        let r180a = response("180 Ringing", "z9hG4bK-1", 1, "INVITE", "x1");
        let r183b = response("183 Session Progress", "z9hG4bK-1", 1, "INVITE", "x2");
        let r200b = response("200 OK", "z9hG4bK-1", 1, "INVITE", "x2");
        let a2 = ack("z9hG4bK-5", 1);
        let c = correlate(&[
            (A, B, &i1),
            (B, A, &r180a),
            (B, A, &r183b),
            (B, A, &r200b),
            (A, B, &a2),
            (A, B, &a2),
        ]);
        let call = &c.calls[0];
        let d = call.dialogs();
        let tags: Vec<(&str, DialogState)> =
            d.iter().map(|d| (d.remote_tag.as_str(), d.state)).collect();
        assert_eq!(
            tags,
            vec![("x1", DialogState::Early), ("x2", DialogState::Confirmed)]
        );
        assert_eq!(d[1].confirmed_frame, Some(FrameNo(4)));
        assert_eq!(d[1].local_tag, "a1");
        assert_eq!(call.transactions[0].ack_2xx, Some(4));
        assert_eq!(call.transactions[1].acks, Some(0));
        assert_eq!(call.ack_kind(&call.records[4]), Some(AckKind::Success));
        assert!(call.records[5].retransmission);
        assert_eq!(call.transactions[1].request_retransmissions, 1);
        assert_eq!(call.post_dial_delay(), Some(Duration::from_secs(1)));
        assert_eq!(call.setup_time(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn unanswered_and_no_final_response_differ() {
        let i1 = invite("z9hG4bK-1", 1, "");
        let c = correlate(&[(A, B, &i1), (A, B, &i1)]);
        assert_eq!(c.calls[0].outcome(), Outcome::Unanswered);
        assert_eq!(c.capture_end.map(|t| t.secs), Some(1_700_000_001));
        assert_eq!(
            c.captured_after(c.calls[0].records[0].ts),
            Duration::from_secs(1)
        );
        let r180 = response("180 Ringing", "z9hG4bK-1", 1, "INVITE", "x1");
        let c = correlate(&[(A, B, &i1), (B, A, &r180)]);
        assert_eq!(c.calls[0].outcome(), Outcome::NoFinalResponse);
        assert_eq!(
            Timers::default().transaction_timeout(),
            Duration::from_secs(32)
        );
    }

    #[test]
    fn response_with_another_cseq_method_points_at_the_request() {
        let opt = "OPTIONS sip:bob@b SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-7\nFrom: <sip:alice@a>;tag=a1\nTo: <sip:bob@b>\nCall-ID: c1\nCSeq: 1 OPTIONS\nMax-Forwards: 70\nContent-Length: 0\n\n";
        let r = response("200 OK", "z9hG4bK-7", 1, "MESSAGE", "b1");
        let c = correlate(&[(A, B, opt), (B, A, &r)]);
        let call = &c.calls[0];
        assert_eq!(call.transactions.len(), 2);
        assert_eq!(call.same_branch_request(1), Some(0));
        assert_eq!(call.same_branch_request(0), None);
    }

    /// The one-pass accessors give what their definitions (kept here as
    /// iterator chains) give, on every call of every fixture capture.
    #[test]
    fn one_pass_accessors_match_their_definitions() {
        use crate::capture::FileSource;
        let mut calls = 0;
        for path in crate::test_fixtures::captures() {
            let Ok(mut source) = FileSource::open(&path) else {
                continue;
            };
            let input = crate::analysis::analyze(path.display().to_string(), &mut source);
            for call in input.calls() {
                let invites: Vec<usize> = call.initial_invites().map(|(i, _)| i).collect();
                let pdd = invites.first().and_then(|&tx| {
                    let invite = call.request_of(tx)?;
                    let answer = call.records.iter().find(|r| {
                        invites.contains(&r.tx) && r.status().is_some_and(|s| s.0 > 100)
                    })?;
                    Some(answer.ts.duration_since(invite.ts))
                });
                assert_eq!(call.post_dial_delay(), pdd);
                let setup = call.first_invite().and_then(|invite| {
                    let answer = call.first_response_to_initial_invite(|s| s.is_success())?;
                    Some(answer.ts.duration_since(invite.ts))
                });
                assert_eq!(call.setup_time(), setup);
                assert_eq!(call.last_initial_invite(), invites.last().copied());
                let times = call.records.iter().map(|r| r.ts);
                assert_eq!(
                    call.span(),
                    times.clone().min().zip(times.max()),
                    "{}",
                    call.call_id
                );
                calls += 1;
            }
        }
        assert!(calls > 50, "{calls} calls");
    }
}
