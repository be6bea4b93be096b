//! kb stage: the SIP response-code knowledge base. Data only; depends on nothing else in sipdiag.
//!
//! One [`Entry`] per code of the IANA "Response Codes" registry of SIP, written in sipdiag's own
//! words: the registered reason phrase, what the code means, the operational situations in which
//! engineers meet it, how to fix it, the headers that explain it and the RFC sections that define
//! it. Rules quote these entries instead of restating them, and `sipdiag explain` renders them.
//!
//! Codes that are not registered are resolved the way a SIP client must treat them
//! (RFC 3261 §8.1.3.2): an unknown final response `xyz` means the same as `x00` of its class, and
//! an unknown provisional response other than 100 means the same as 183 Session Progress.

mod codes;

pub use codes::ENTRIES;

/// The class of a response code, given by its hundreds digit (RFC 3261 §21).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// 1xx: the request is being worked on; the transaction stays open.
    Provisional,
    /// 2xx: the request succeeded.
    Success,
    /// 3xx: the target is elsewhere; the client may try the `Contact` targets.
    Redirection,
    /// 4xx: the request as sent cannot succeed at this server.
    ClientError,
    /// 5xx: the server failed on an apparently valid request.
    ServerError,
    /// 6xx: the request fails at every server; other locations should not be tried.
    GlobalFailure,
}

impl Class {
    /// The class of `code`; `None` outside 100..=699.
    pub fn of(code: u16) -> Option<Class> {
        match code {
            100..=199 => Some(Class::Provisional),
            200..=299 => Some(Class::Success),
            300..=399 => Some(Class::Redirection),
            400..=499 => Some(Class::ClientError),
            500..=599 => Some(Class::ServerError),
            600..=699 => Some(Class::GlobalFailure),
            _ => None,
        }
    }

    /// Short human name with the class pattern, e.g. `client failure (4xx)`.
    pub fn name(self) -> &'static str {
        match self {
            Class::Provisional => "provisional (1xx)",
            Class::Success => "success (2xx)",
            Class::Redirection => "redirection (3xx)",
            Class::ClientError => "client failure (4xx)",
            Class::ServerError => "server failure (5xx)",
            Class::GlobalFailure => "global failure (6xx)",
        }
    }

    /// Whether responses of this class are final (they complete the transaction).
    pub fn is_final(self) -> bool {
        !matches!(self, Class::Provisional)
    }

    /// The `x00` code that stands for the whole class.
    pub fn base_code(self) -> u16 {
        match self {
            Class::Provisional => 100,
            Class::Success => 200,
            Class::Redirection => 300,
            Class::ClientError => 400,
            Class::ServerError => 500,
            Class::GlobalFailure => 600,
        }
    }

    /// What the class means, who acts on it, and where RFC 3261 defines it.
    pub fn summary(self) -> &'static str {
        match self {
            Class::Provisional => {
                "The request was received and is being processed; a final response is still to \
                 come and the transaction stays open. Nobody has to act, but 18x responses from the \
                 called side may create early dialogs and carry early media (RFC 3261 §21.1)."
            }
            Class::Success => {
                "The request succeeded. For INVITE the 2xx establishes the dialog and the caller \
                 must answer it with ACK; nobody has to fix anything (RFC 3261 §21.2)."
            }
            Class::Redirection => {
                "The server does not handle the request itself but names other targets in \
                 Contact; the caller decides whether to retry there. This attempt is over \
                 (RFC 3261 §21.3)."
            }
            Class::ClientError => {
                "The request cannot succeed at this server as it was sent: the caller has to \
                 change it (credentials, headers, body, target) before trying again, or the \
                 callee's state makes it fail here; other servers may still succeed (RFC 3261 \
                 §21.4)."
            }
            Class::ServerError => {
                "The request looked valid but the server failed to handle it; the fault is on \
                 the server or the network behind it, and the same request may succeed on \
                 another server or later (RFC 3261 §21.5)."
            }
            Class::GlobalFailure => {
                "The server knows the request will fail wherever it is sent: proxies stop \
                 searching other locations and the caller should not retry elsewhere \
                 (RFC 3261 §21.6)."
            }
        }
    }

    /// What a response of this class does to the request in one clause (used by comparisons).
    pub fn consequence(self) -> &'static str {
        match self {
            Class::Provisional => "the transaction is still open and a final response will follow",
            Class::Success => {
                "the request succeeded (for INVITE a dialog is established and must be ACKed)"
            }
            Class::Redirection => {
                "the request ends here and the caller may retry at the Contact targets"
            }
            Class::ClientError => {
                "the request as sent cannot succeed at this server; the request or the target \
                 must change"
            }
            Class::ServerError => {
                "the server failed on an apparently valid request; another server or a later \
                 retry may succeed"
            }
            Class::GlobalFailure => {
                "the request fails everywhere; no other location should be tried"
            }
        }
    }
}

/// Who normally has to act so that the request succeeds, once this response has been seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// Nobody: normal progress or success (or an outcome the caller itself asked for).
    Nobody,
    /// The caller: the user agent or server that sent the request must change or redo it
    /// (credentials, headers, body, target, method).
    Caller,
    /// The callee: the outcome is the called user's decision or the state of their device
    /// (busy, declined, not registered); the caller can only wait or give up.
    Callee,
    /// The network: a proxy, registrar, SBC, gateway or carrier must fix its configuration,
    /// routing or capacity.
    Network,
}

impl Party {
    /// One lowercase word: `nobody`, `caller`, `callee`, `network`.
    pub fn name(self) -> &'static str {
        match self {
            Party::Nobody => "nobody",
            Party::Caller => "caller",
            Party::Callee => "callee",
            Party::Network => "network",
        }
    }

    /// A sentence fragment saying who acts.
    pub fn describe(self) -> &'static str {
        match self {
            Party::Nobody => "nobody has to act: this is normal progress or success",
            Party::Caller => "the caller (the side that sent the request) has to change or redo it",
            Party::Callee => {
                "the callee decided or is in this state; the caller can only wait or give up"
            }
            Party::Network => {
                "the network (proxy, registrar, SBC, gateway or carrier) has to fix configuration, \
                 routing or capacity"
            }
        }
    }
}

/// What the sender of the request may do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Nothing to retry: the request is progressing or succeeded, or the caller ended it.
    NotNeeded,
    /// Resend after changing the request as the response asks (credentials, headers, body).
    Modified,
    /// The same request may succeed later; honour `Retry-After` when present.
    Later,
    /// Send the request to another target or server (Contact targets, next DNS SRV record).
    Elsewhere,
    /// Do not retry: the answer is definitive for this target.
    Never,
}

impl Retry {
    /// A sentence fragment describing the retry semantics.
    pub fn describe(self) -> &'static str {
        match self {
            Retry::NotNeeded => "nothing to retry",
            Retry::Modified => "retry only after changing the request as the response asks",
            Retry::Later => {
                "the same request may succeed later (honour Retry-After when it is present)"
            }
            Retry::Elsewhere => "retry at another target or server",
            Retry::Never => "do not retry: the answer is definitive for this target",
        }
    }
}

/// Knowledge about one registered response code.
#[derive(Debug)]
pub struct Entry {
    /// The response code.
    pub code: u16,
    /// The reason phrase registered with IANA, e.g. `Session Interval Too Small`.
    pub reason: &'static str,
    /// What the code means, in one to three sentences.
    pub meaning: &'static str,
    /// Concrete operational situations in which the code is seen.
    pub when: &'static [&'static str],
    /// Concrete steps to fix it (or, for normal outcomes, what to check).
    pub fix: &'static [&'static str],
    /// Headers that explain the response, in RFC spelling (all in [`KNOWN_HEADERS`]).
    pub headers: &'static [&'static str],
    /// Defining references, `RFC n` or `RFC n §x.y`.
    pub refs: &'static [&'static str],
    /// Who normally has to act.
    pub acts: Party,
    /// Whether this is a final response that ends the INVITE attempt without a session: true
    /// for 3xx–6xx. False for 1xx (the attempt goes on) and for 2xx, which *establishes* the
    /// call rather than ending it. A 3xx *redirects*: this attempt is over, and a new one may
    /// follow towards the Contact targets. For non-INVITE requests read it as "the request
    /// failed".
    pub ends_call: bool,
    /// What the caller may do next.
    pub retry: Retry,
}

impl Entry {
    /// The class of this entry's code.
    pub fn class(&self) -> Class {
        // Every code in ENTRIES lies in 100..=699 (checked by the tests); the fallback is never
        // reached but keeps this free of panics.
        Class::of(self.code).unwrap_or(Class::ClientError)
    }

    /// The first sentence of `meaning`.
    pub fn gist(&self) -> &'static str {
        let meaning = self.meaning;
        match meaning.find(". ") {
            Some(pos) => meaning.get(..=pos).unwrap_or(meaning),
            None => meaning,
        }
    }
}

/// The entry of a registered code, or `None` when `code` is not in the registry.
pub fn lookup(code: u16) -> Option<&'static Entry> {
    ENTRIES
        .binary_search_by_key(&code, |e| e.code)
        .ok()
        .and_then(|i| ENTRIES.get(i))
}

/// A code resolved to the entry that describes it.
#[derive(Debug, Clone, Copy)]
pub struct Resolved {
    /// The entry: the code's own, or the class entry it is treated as.
    pub entry: &'static Entry,
    /// `true` when `entry` is the code's own registry entry; `false` for a class fallback.
    pub exact: bool,
    /// The code that was asked for (equals `entry.code` when `exact`).
    pub code: u16,
}

impl Resolved {
    /// `486`, or `499 (as 400)` for a fallback: the compact form used inside sentences.
    pub fn short(&self) -> String {
        if self.exact {
            self.code.to_string()
        } else {
            format!("{} (as {})", self.code, self.entry.code)
        }
    }

    /// `486 Busy Here`, or `499 (treated as 400 Bad Request)` for a fallback.
    pub fn label(&self) -> String {
        if self.exact {
            format!("{} {}", self.entry.code, self.entry.reason)
        } else {
            format!(
                "{} (treated as {} {})",
                self.code, self.entry.code, self.entry.reason
            )
        }
    }
}

/// Resolves any code in 100..=699 the way a SIP client must interpret it (RFC 3261 §8.1.3.2):
/// registered codes map to their own entry; an unknown final code `xyz` to `x00`; an unknown
/// provisional code to 183 Session Progress. `None` outside 100..=699.
pub fn resolve(code: u16) -> Option<Resolved> {
    let class = Class::of(code)?;
    if let Some(entry) = lookup(code) {
        return Some(Resolved {
            entry,
            exact: true,
            code,
        });
    }
    let stand_in = match class {
        Class::Provisional => 183,
        other => other.base_code(),
    };
    lookup(stand_in).map(|entry| Resolved {
        entry,
        exact: false,
        code,
    })
}

/// Parses a response code written as exactly three ASCII digits (surrounding whitespace
/// allowed) in 100..=699: `"422"` → `Some(422)`; `"abc"`, `"99"`, `"1000"`, `"700"` → `None`.
pub fn parse_code(s: &str) -> Option<u16> {
    let s = s.trim();
    if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code: u16 = s.parse().ok()?;
    Class::of(code).map(|_| code)
}

/// Every header name an entry's `headers` may use, in RFC spelling.
pub const KNOWN_HEADERS: &[&str] = &[
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Accept-Resource-Priority",
    "Alert-Info",
    "AlertMsg-Error",
    "Allow",
    "Allow-Events",
    "Authentication-Info",
    "Authorization",
    "CSeq",
    "Call-ID",
    "Call-Info",
    "Contact",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Length",
    "Content-Type",
    "Diversion",
    "Error-Info",
    "Event",
    "Expires",
    "Feature-Caps",
    "From",
    "Geolocation",
    "Geolocation-Error",
    "Geolocation-Routing",
    "History-Info",
    "Identity",
    "Info-Package",
    "Max-Breadth",
    "Max-Forwards",
    "Min-Expires",
    "Min-SE",
    "P-Asserted-Identity",
    "P-Early-Media",
    "Path",
    "Permission-Missing",
    "Privacy",
    "Proxy-Authenticate",
    "Proxy-Authorization",
    "Proxy-Require",
    "RAck",
    "RSeq",
    "Reason",
    "Record-Route",
    "Recv-Info",
    "Refer-To",
    "Referred-By",
    "Replaces",
    "Require",
    "Resource-Priority",
    "Retry-After",
    "Route",
    "SIP-ETag",
    "SIP-If-Match",
    "Security-Client",
    "Security-Server",
    "Security-Verify",
    "Server",
    "Session-Expires",
    "Subscription-State",
    "Supported",
    "Suppress-If-Match",
    "Timestamp",
    "To",
    "Trigger-Consent",
    "Unsupported",
    "Via",
    "WWW-Authenticate",
    "Warning",
];

/// Two codes side by side: what separates them and when each applies.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The first code, resolved.
    pub a: Resolved,
    /// The second code, resolved.
    pub b: Resolved,
    /// Key differences, one sentence each (always at least two).
    pub differences: Vec<String>,
    /// When the first code applies.
    pub when_a: String,
    /// When the second code applies.
    pub when_b: String,
}

/// Compares two codes: provisional or final, who acts, whether the call goes on, retry
/// semantics, the headers to read and, for well-known pairs, the nuance that separates them.
/// `None` when either code is outside 100..=699.
pub fn compare(a: u16, b: u16) -> Option<Comparison> {
    let ra = resolve(a)?;
    let rb = resolve(b)?;
    let (ea, eb) = (ra.entry, rb.entry);
    let (la, lb) = (ra.short(), rb.short());
    let (ca, cb) = (ea.class(), eb.class());
    let mut differences = Vec::new();

    if a == b {
        differences.push(format!(
            "same code: both are {}, so meaning, class and fix are identical",
            ra.label()
        ));
        differences.push(format!(
            "two {a} responses in one capture are either a retransmission (same top Via branch \
             and CSeq) or separate requests (new CSeq); compare those before reading anything \
             more into them"
        ));
    } else if ra.exact == rb.exact && ea.code == eb.code {
        differences.push(format!(
            "{} and {} are both unregistered and read as {} {}",
            ra.code, rb.code, ea.code, ea.reason
        ));
        differences.push(
            "the reason phrase and any Warning or Reason header are the only clues to what each \
             server meant"
                .to_string(),
        );
    }

    if let Some(nuance) = pair_nuance(ea.code, eb.code) {
        differences.push(nuance.to_string());
    }

    if ca.is_final() != cb.is_final() {
        let (p, f, fc) = if ca.is_final() {
            (&lb, &la, ca)
        } else {
            (&la, &lb, cb)
        };
        differences.push(format!(
            "{p} is provisional: more responses follow and the transaction stays open; {f} is \
             final, {}: it closes the transaction, and {}",
            fc.name(),
            fc.consequence()
        ));
    } else if ca != cb {
        differences.push(format!(
            "{la} is {}: {}; {lb} is {}: {}",
            ca.name(),
            ca.consequence(),
            cb.name(),
            cb.consequence()
        ));
    } else if ea.code != eb.code {
        differences.push(format!(
            "both are {}, but {la}: {} whereas {lb}: {}",
            ca.name(),
            ea.gist(),
            eb.gist()
        ));
    } else {
        differences.push(format!("class: both are {}", ca.name()));
    }

    if ea.acts != eb.acts {
        differences.push(format!(
            "who acts: for {la} {}; for {lb} {}",
            ea.acts.describe(),
            eb.acts.describe()
        ));
    } else {
        differences.push(format!(
            "who acts: the same for both: {}",
            ea.acts.describe()
        ));
    }

    let call = |e: &Entry| -> &'static str {
        match e.class() {
            Class::Provisional => "the call attempt goes on",
            Class::Success => "the call (or request) is established and goes on",
            Class::Redirection => {
                "this attempt is over and a new one may follow to the Contact targets"
            }
            _ => "the attempt is over",
        }
    };
    if ea.ends_call != eb.ends_call || call(ea) != call(eb) {
        differences.push(format!(
            "the call: after {la} {}; after {lb} {}",
            call(ea),
            call(eb)
        ));
    }

    if ea.retry != eb.retry {
        differences.push(format!(
            "retry: after {la} {}; after {lb} {}",
            ea.retry.describe(),
            eb.retry.describe()
        ));
    } else if ea.code != eb.code {
        differences.push(format!("retry: the same for both: {}", ea.retry.describe()));
    }

    if ea.headers != eb.headers {
        differences.push(format!(
            "headers to read: {} for {la}; {} for {lb}",
            ea.headers.join(", "),
            eb.headers.join(", ")
        ));
    }

    Some(Comparison {
        a: ra,
        b: rb,
        differences,
        when_a: applies(&ra),
        when_b: applies(&rb),
    })
}

fn applies(r: &Resolved) -> String {
    let situations: Vec<&str> = r.entry.when.iter().take(2).copied().collect();
    format!("{}: {}", r.label(), situations.join("; "))
}

/// Hand-written nuance for pairs that engineers commonly confuse (order-independent).
fn pair_nuance(a: u16, b: u16) -> Option<&'static str> {
    let key = if a <= b { (a, b) } else { (b, a) };
    PAIRS
        .iter()
        .find(|(x, y, _)| (*x, *y) == key)
        .map(|(_, _, text)| *text)
}

#[rustfmt::skip]
const PAIRS: &[(u16, u16, &str)] = &[
    (100, 180, "100 comes from the next hop only and just stops retransmissions; 180 comes from the called user agent, says it is alerting and may open an early dialog (To tag)"),
    (100, 183, "100 comes from the next hop only and says nothing about the far end; 183 comes from the called side and usually carries SDP for early media"),
    (180, 183, "180 says the callee is being alerted: without SDP the caller plays local ringback; 183 reports progress and normally carries SDP, so the caller should play the far end's early media (announcements, remote ringback) instead"),
    (181, 302, "181: the server forwards the call itself and the caller just waits; 302: the server asks the caller to place the call to the Contact target"),
    (183, 199, "183 keeps an early dialog alive (often with early media); 199 says one early dialog, e.g. one forked branch, has been torn down while the call itself continues"),
    (183, 420, "a reliable 183 depends on 100rel: when the caller puts 100rel in Require and the callee lacks PRACK support, the callee answers 420 instead; with 100rel only in Supported it would have sent an unreliable 183"),
    (183, 501, "a reliable 183 must be acknowledged with PRACK; a 501 to that PRACK means the peer never implemented 100rel and the caller should stop requiring it"),
    (200, 202, "200 means the request was fully processed; 202 (deprecated) only says it was accepted and processing goes on, as for REFER or a relayed MESSAGE"),
    (200, 204, "200 accepts a SUBSCRIBE and a NOTIFY with the state follows; 204 refreshes a conditional subscription and tells the subscriber no NOTIFY will follow because its cached state is current"),
    (200, 487, "200 and 487 can cross when a CANCEL races the answer: if the INVITE got 200, the call is established despite the CANCEL and must be ended with BYE"),
    (301, 302, "301 is permanent: update the stored address and stop using the old one; 302 is temporary: use the Contact for this call (and for the time its expiry allows) but keep the original address"),
    (302, 305, "302 names a new target to call; 305 names a proxy through which the same target must be reached"),
    (401, 403, "401 asks for credentials and a retry with Authorization may succeed; 403 refuses even with credentials, so resending the same request is pointless"),
    (401, 407, "401 is sent by the UAS or registrar (WWW-Authenticate, answered with Authorization); 407 is sent by a proxy on the path (Proxy-Authenticate, answered with Proxy-Authorization)"),
    (403, 407, "407 asks for proxy credentials and an authenticated retry may succeed; 403 refuses even with credentials"),
    (403, 433, "433 refuses only because the caller is anonymous (show caller ID and it may pass); 403 refuses for policy reasons that presenting identity will not change"),
    (403, 603, "403 is a server's or proxy's policy refusal of this request; 603 is the callee's own decision to decline the call at every location"),
    (404, 410, "404 says the user is unknown at this domain; 410 says the user existed but is gone for good, possibly with a forwarding address"),
    (404, 480, "404 says the user does not exist at this domain; 480 says the user exists but cannot be reached right now (not registered, do not disturb)"),
    (404, 604, "404 is authoritative for this domain only, another route may know the user; 604 says the user exists nowhere, so no alternative should be tried"),
    (405, 501, "405: the server knows the method but does not allow it for this Request-URI, and must list what it allows in Allow; 501: the server does not implement the method at all, for any URI"),
    (406, 415, "406: the server cannot produce a response body the request's Accept headers allow; 415: the server cannot understand the body the request carries"),
    (408, 480, "408: no final answer arrived in time (often an unreachable or silent device); 480: the callee was located but is not available"),
    (408, 487, "408: the request got no final answer in time; 487: the caller cancelled it before an answer"),
    (408, 504, "408: the server could not get a final answer for this request in time, usually from the callee's device; 504: a server it depended on (another proxy, DNS, a location or routing service) did not answer"),
    (413, 513, "413 rejects the size of the body (possibly only for now, see Retry-After); 513 rejects the size of the whole message, headers included"),
    (414, 513, "414 rejects only an overlong Request-URI; 513 rejects the overall message size"),
    (415, 488, "415: the body type or encoding itself is not understood (Content-Type); 488: the SDP is understood but the session it describes (codecs, transport, crypto) is not acceptable"),
    (420, 421, "420: the request required an extension the server lacks (drop the tag from Require or Proxy-Require); 421: the server requires an extension the request did not offer (add it to Supported and implement it)"),
    (420, 422, "both concern session timers when Require: timer is involved: 420 says the peer does not support the timer extension at all; 422 says it does but the Session-Expires interval is below its Min-SE"),
    (420, 501, "420: an option tag in Require or Proxy-Require is unknown; 501: the method itself is not implemented"),
    (422, 423, "422 is about the session-timer interval of a dialog (Session-Expires against Min-SE); 423 is about the expiry of a registration, subscription or publication (Expires against Min-Expires)"),
    (428, 438, "428: the request carried no Identity header although the verifier requires one; 438: it carried one whose signature does not verify"),
    (430, 439, "430: an outbound flow to a registered device has broken and another registration should be used; 439: outbound cannot be used at all because the first-hop proxy lacks support"),
    (436, 437, "436: the certificate referenced by the Identity header could not be fetched or used; 437: it was fetched but the verifier does not trust or accept it"),
    (469, 489, "469 rejects an INFO package (Info-Package against Recv-Info); 489 rejects an event package (Event against Allow-Events)"),
    (480, 486, "480: the callee cannot be reached (not registered, no answer, do not disturb); 486: the callee's device was reached but is busy"),
    (480, 503, "480 concerns the callee's availability; 503 concerns the server's own availability and invites failover to another server"),
    (481, 487, "481: the request refers to a dialog or transaction the server does not know (e.g. a CANCEL or BYE arriving too late); 487: the request was known and was ended by a CANCEL"),
    (482, 483, "482: a proxy recognised a request it had already forwarded (loop detection on Via); 483: Max-Forwards reached zero, whatever the path"),
    (484, 485, "484: the address is too short to route (overlap dialling); 485: the address matches several users and must be made unique"),
    (486, 487, "486: the callee was busy; 487: the caller (or a forking proxy) cancelled the request before an answer"),
    (486, 503, "486: the callee's device is busy; 503: a server or trunk on the path is out of capacity or unavailable, often a channel limit"),
    (486, 600, "486 is busy at this user agent only: a proxy may still try other locations such as voicemail; 600 is busy everywhere: the search stops"),
    (486, 603, "486 reports a busy state; 603 reports a deliberate refusal by the callee"),
    (488, 580, "488: the session description is not acceptable; 580: it was acceptable but the required preconditions (e.g. QoS reservation) could not be met"),
    (488, 606, "488 rejects the session here only, another device or a changed offer may work; 606 says the session is unacceptable anywhere"),
    (500, 501, "500: the server failed while processing a method it knows; 501: it does not implement the method at all"),
    (500, 503, "500: an unexpected failure inside the server; 503: a temporary overload or maintenance state, with failover to another server (RFC 3263) and Retry-After honoured"),
    (502, 504, "502: the server got an invalid response from the next server; 504: it got no timely response at all"),
    (603, 607, "603 is a plain decline; 607 marks the call as unwanted, which call-analytics services may use to block the caller"),
    (607, 608, "607 comes from the callee, who judged the call unwanted; 608 comes from an intermediary's analytics, with a Call-Info jCard saying whom to contact to dispute it"),
];

#[cfg(test)]
mod tests;
