//! The entries of the knowledge base, one per code of the IANA SIP response-code registry,
//! sorted by code. Text is sipdiag's own; sections cited are where the code is defined.

use super::Party::{Callee, Caller, Network, Nobody};
use super::Retry::{Elsewhere, Later, Modified, Never, NotNeeded};
use super::{Entry, Party, Retry};

/// Builds an entry; `ends_call` follows from the code (3xx–6xx end the INVITE attempt).
#[allow(clippy::too_many_arguments)]
const fn e(
    code: u16,
    reason: &'static str,
    acts: Party,
    retry: Retry,
    meaning: &'static str,
    when: &'static [&'static str],
    fix: &'static [&'static str],
    headers: &'static [&'static str],
    refs: &'static [&'static str],
) -> Entry {
    Entry {
        code,
        reason,
        meaning,
        when,
        fix,
        headers,
        refs,
        acts,
        ends_call: code >= 300,
        retry,
    }
}

/// Every registered SIP response code, sorted by code.
pub static ENTRIES: &[Entry] = &[
    // ---------------------------------------------------------------- 1xx provisional
    e(
        100,
        "Trying",
        Nobody,
        NotNeeded,
        "The next hop (proxy, SBC or user agent) has received the request and is working on it. \
         It is hop-by-hop: proxies never forward it, so it says nothing about whether the far end \
         was reached. Over UDP it stops the caller's INVITE retransmissions.",
        &[
            "a proxy or SBC acknowledges an INVITE within about 200 ms while it routes it onwards",
            "a UAS or PSTN gateway needs time (number lookup, trunk seizure) before it can ring",
            "the only response for 32 s before a timeout: the next hop got the INVITE but its \
             own downstream leg is failing",
        ],
        &[
            "nothing to fix: it is normal progress",
            "if INVITE retransmissions continue after a 100, check that the 100 reaches the \
             caller (NAT, Via sent-by and rport, firewall on the return path)",
            "if nothing follows the 100, capture the next hop's outgoing leg: that is where the \
             call is stuck",
        ],
        &["Via", "Timestamp"],
        &[
            "RFC 3261 §21.1.1",
            "RFC 3261 §8.2.6.1",
            "RFC 3261 §17.1.1.2",
        ],
    ),
    e(
        180,
        "Ringing",
        Nobody,
        NotNeeded,
        "The called user agent has the request and is alerting the user. With a To tag it \
         creates an early dialog; without SDP the caller is expected to play ringback locally. \
         It may be sent reliably (Require: 100rel, RSeq) and must then be PRACKed.",
        &[
            "a phone or softclient starts ringing after an INVITE",
            "a forking proxy sends several 180s with different To tags, one per ringing device",
            "a PSTN gateway maps an ISUP ACM or CPG alerting indication to 180",
            "a 180 with SDP from a gateway that wants the caller to hear in-band ringback",
        ],
        &[
            "nothing to fix: the callee is being alerted",
            "if the caller hears silence, check whether the 180 carried SDP: with SDP the caller \
             should play the far end's media, without SDP it must generate ringback itself",
            "if the 180 was sent with Require: 100rel, check that a PRACK with the matching RAck \
             came back, otherwise the UAS retransmits it and may abandon the call",
        ],
        &["Contact", "To", "RSeq", "Require", "Alert-Info"],
        &["RFC 3261 §21.1.2", "RFC 3960", "RFC 3262"],
    ),
    e(
        181,
        "Call Is Being Forwarded",
        Nobody,
        NotNeeded,
        "A server tells the caller that the call is being forwarded to another destination. \
         It is informational only; the final response will come from the new target.",
        &[
            "call forwarding on busy, on no answer or unconditional is active on a PBX or in the \
             network",
            "a PSTN gateway maps an ISUP call-diversion indication to 181",
        ],
        &[
            "nothing to fix: the call is progressing towards the forwarding target",
            "if the call ends up somewhere unexpected, read History-Info or Diversion to see who \
             forwarded it and why",
        ],
        &["History-Info", "Diversion", "Contact"],
        &["RFC 3261 §21.1.3", "RFC 7044"],
    ),
    e(
        182,
        "Queued",
        Nobody,
        NotNeeded,
        "The callee is temporarily unavailable and the server has queued the call instead of \
         rejecting it. The reason phrase may give queue details (position, expected wait); \
         several 182s may follow as the queue moves.",
        &[
            "a contact-centre or ACD queue holds the call until an agent frees up",
            "a PBX with call waiting or camp-on holds a call to a busy extension",
        ],
        &[
            "nothing to fix: the call is waiting in a queue",
            "if callers wait too long, check the queue configuration and agent availability, not \
             the SIP signalling",
            "make sure the caller's side keeps the INVITE alive: a 182 does not stop the caller's \
             own give-up timer",
        ],
        &["To", "Contact"],
        &["RFC 3261 §21.1.4"],
    ),
    e(
        183,
        "Session Progress",
        Nobody,
        NotNeeded,
        "The called side reports progress on the call. When it carries SDP it is the answer for \
         early media (remote ringback, announcements, IVR before answer); without SDP the caller \
         should keep playing local ringback. It may be sent reliably (Require: 100rel, RSeq) and \
         must then be acknowledged with PRACK.",
        &[
            "a PSTN gateway or carrier opens early media to play ringback or an announcement \
             from the network",
            "an IVR or announcement server plays a message before (or instead of) answering",
            "a UAS uses a reliable 183 with SDP for preconditions or to fix the answer before \
             200 OK",
            "an SBC converts a 180 into a 183 with SDP so that the caller hears the far end's \
             ringback",
        ],
        &[
            "nothing to fix by itself; check that the SDP answer shares a codec with the offer \
             and that its direction is not inactive",
            "check that RTP actually flows from the address in the 183's SDP; one-way or no \
             early media usually means NAT or a media-anchoring problem on the SBC",
            "if it was sent with Require: 100rel, check the caller answered with PRACK (RAck \
             matching RSeq); if PRACK is unsupported the caller must not have required 100rel",
            "if the caller hears silence, it may be ignoring early media (P-Early-Media policy \
             or a setting that only plays local ringback)",
        ],
        &[
            "Content-Type",
            "Require",
            "RSeq",
            "Contact",
            "P-Early-Media",
        ],
        &[
            "RFC 3261 §21.1.5",
            "RFC 3262",
            "RFC 3960",
            "RFC 5009",
            "RFC 3264",
        ],
    ),
    e(
        199,
        "Early Dialog Terminated",
        Nobody,
        NotNeeded,
        "A UAS or forking proxy signals that one early dialog has ended before the final \
         response to the INVITE. The call attempt continues on the other branches. It is only \
         sent when the caller announced support with Supported: 199.",
        &[
            "a forking proxy receives a non-2xx final response on one branch and tells the \
             caller that branch's early dialog (and its early media) is gone",
            "a device that was ringing with early media stops and another branch carries on",
        ],
        &[
            "nothing to fix: it is a normal notification about forking",
            "stop rendering early media from the early dialog named by the To tag, and keep \
             waiting for the final response",
            "read the Reason header to learn why the branch ended",
        ],
        &["Supported", "To", "Reason", "Require", "RSeq"],
        &["RFC 6228"],
    ),
    // ---------------------------------------------------------------- 2xx success
    e(
        200,
        "OK",
        Nobody,
        NotNeeded,
        "The request succeeded. For INVITE it establishes the dialog and the session: the \
         caller must send ACK, and the callee retransmits the 200 until that ACK arrives. For \
         REGISTER it lists the bindings now in force; for OPTIONS it describes capabilities.",
        &[
            "the callee answers an INVITE",
            "a registrar accepts a REGISTER and returns the current Contact bindings with their \
             expiry",
            "a BYE, CANCEL, UPDATE, INFO or OPTIONS request is accepted",
        ],
        &[
            "nothing to fix: the request succeeded",
            "for INVITE, check the ACK reaches the callee: a 200 retransmitted for about 32 s \
             followed by a BYE means the ACK was lost (wrong Contact or Record-Route, NAT)",
            "for REGISTER, check the expiry granted in Contact and the refresh interval of the \
             device",
            "for OPTIONS, read Allow and Supported to learn what the peer can do",
        ],
        &[
            "Contact",
            "Record-Route",
            "Content-Type",
            "Allow",
            "Supported",
            "Session-Expires",
            "Expires",
        ],
        &[
            "RFC 3261 §21.2.1",
            "RFC 3261 §13.2.2.4",
            "RFC 3261 §13.3.1.4",
            "RFC 6026",
        ],
    ),
    e(
        202,
        "Accepted",
        Nobody,
        NotNeeded,
        "The request was accepted for processing but the work is not complete. It was used for \
         SUBSCRIBE (now deprecated there), for REFER and for MESSAGE relayed to a store; the \
         outcome arrives later, for instance by NOTIFY.",
        &[
            "a transfer target accepts a REFER and will report progress with NOTIFY carrying \
             message/sipfrag",
            "an older event server accepts a SUBSCRIBE with 202 instead of 200",
            "a message relay accepts a MESSAGE it will deliver later",
        ],
        &[
            "nothing to fix: the request was accepted",
            "follow the NOTIFY messages of the implicit subscription to learn the real outcome of \
             a REFER",
            "do not treat 202 differently from 200 for SUBSCRIBE: newer implementations send 200",
        ],
        &["Event", "Expires", "Refer-To"],
        &["RFC 6665", "RFC 3515", "RFC 3428"],
    ),
    e(
        204,
        "No Notification",
        Nobody,
        NotNeeded,
        "A conditional SUBSCRIBE refresh succeeded, and no NOTIFY will follow because the \
         subscriber's cached state (its entity-tag) is still current.",
        &[
            "a presence or dialog-event client refreshes a subscription with Suppress-If-Match",
            "a resource list server avoids resending unchanged state after a refresh",
        ],
        &[
            "nothing to fix: the subscription was refreshed",
            "keep using the cached state; if the client seems stale, check the entity-tag it \
             sent in Suppress-If-Match",
        ],
        &["Suppress-If-Match", "SIP-ETag", "Expires", "Event"],
        &["RFC 5839"],
    ),
    // ---------------------------------------------------------------- 3xx redirection
    e(
        300,
        "Multiple Choices",
        Caller,
        Elsewhere,
        "The address resolves to several locations, listed in Contact; the caller (or its user) \
         may try one or several of them.",
        &[
            "a redirect server knows several devices or numbers for the user",
            "a number-portability or routing service returns several candidate routes",
        ],
        &[
            "let the caller or its proxy recurse on the Contact list, in q-value order",
            "if the caller ignores redirects, enable redirect handling on the PBX or SBC, or ask \
             the server to proxy instead of redirect",
        ],
        &["Contact", "Expires"],
        &["RFC 3261 §21.3.1", "RFC 3261 §8.1.3.4"],
    ),
    e(
        301,
        "Moved Permanently",
        Caller,
        Elsewhere,
        "The user is no longer at the requested address; Contact gives the new one, and the \
         caller should update any stored copy.",
        &[
            "a user or number has moved to another domain or service provider",
            "a retired server redirects clients to its replacement",
        ],
        &[
            "retry at the Contact address and update address books, speed dials or routing \
             tables",
            "if the caller does not follow redirects, enable that on the PBX or SBC, or fix the \
             stored address by hand",
        ],
        &["Contact"],
        &["RFC 3261 §21.3.2", "RFC 3261 §8.1.3.4"],
    ),
    e(
        302,
        "Moved Temporarily",
        Caller,
        Elsewhere,
        "The user can be reached at the Contact address for now; the caller should retry there \
         but keep the original address for future calls. Expires or the Contact expires \
         parameter says how long the redirection holds.",
        &[
            "call forwarding implemented by redirect rather than by proxying (PBX, hosted \
             telephony)",
            "a routing or least-cost-routing server answers with the trunk or carrier to use",
            "an SBC receives a 302 but is not configured to follow redirects, so the call fails",
        ],
        &[
            "retry the request to the Contact URI (new Call-ID not required, new transaction \
             needed)",
            "enable redirect processing on the UAC, PBX or SBC, or make the redirecting server \
             proxy the call instead",
            "check that the Contact URI is routable from the caller (host, transport, number \
             format)",
        ],
        &["Contact", "Expires", "Diversion", "History-Info"],
        &["RFC 3261 §21.3.3", "RFC 3261 §8.1.3.4"],
    ),
    e(
        305,
        "Use Proxy",
        Caller,
        Elsewhere,
        "The target must be reached through the proxy given in Contact. Because it could be \
         abused to divert traffic, many clients accept it only from trusted servers.",
        &[
            "a server insists that requests pass through a particular outbound proxy or SBC",
            "a misconfigured domain answers 305 to clients that bypass its edge proxy",
        ],
        &[
            "configure the named proxy as outbound proxy on the caller, if it is trusted",
            "if the caller ignores 305 for security reasons, fix the routing so requests reach \
             the required proxy in the first place",
        ],
        &["Contact"],
        &["RFC 3261 §21.3.4"],
    ),
    e(
        380,
        "Alternative Service",
        Caller,
        Elsewhere,
        "The call failed, but the body describes alternative services that may reach the \
         callee.",
        &[
            "an IMS network tells a handset to redial as an emergency call (the body says which)",
            "a service replies with a description of another way to reach the user",
        ],
        &[
            "read the body (Content-Type) and act on the alternative it describes",
            "if the caller cannot interpret the body, treat it as a failed call and check the \
             service configuration that produced it",
        ],
        &["Contact", "Content-Type"],
        &["RFC 3261 §21.3.5"],
    ),
    // ---------------------------------------------------------------- 4xx client failure
    e(
        400,
        "Bad Request",
        Caller,
        Modified,
        "The request could not be understood because its syntax is wrong. The reason phrase or \
         a Warning usually names the offending header.",
        &[
            "a mandatory header is missing or malformed (Via, From, To, Call-ID, CSeq, \
             Max-Forwards)",
            "Content-Length does not match the body, often after an SBC or ALG rewrote the SDP",
            "an IPv6 literal without brackets, an unescaped character in a URI, or a bad tag \
             or branch parameter",
            "a router's SIP ALG corrupts headers of requests passing through NAT",
        ],
        &[
            "read the reason phrase and Warning: they usually name the header that failed to \
             parse",
            "compare the request as sent with the request as received (both sides of the SBC) \
             to see who broke it",
            "disable SIP ALG on routers and firewalls between the peers",
        ],
        &["Warning", "Via", "CSeq", "Call-ID", "Content-Length"],
        &["RFC 3261 §21.4.1", "RFC 3261 §25"],
    ),
    e(
        401,
        "Unauthorized",
        Caller,
        Modified,
        "The UAS or registrar requires authentication. The response carries a WWW-Authenticate \
         challenge; the caller retries the request with an Authorization header computed from \
         it.",
        &[
            "the normal first answer of a registrar to REGISTER, followed by an authenticated \
             retry and a 200",
            "a PBX challenges an INVITE from a trunk or extension",
            "a second 401 after an authenticated retry: wrong user name, password or realm",
            "a 401 with stale=true: the nonce expired, retry with the new one",
        ],
        &[
            "if a single 401 is followed by a successful retry, nothing is wrong",
            "on repeated 401s, check the user name, password and realm configured on the caller \
             against the server's account",
            "check the digest algorithm offered (MD5 or SHA-256) is one the caller supports",
            "for trunks, consider IP-based authentication if the peer cannot answer challenges",
        ],
        &["WWW-Authenticate", "Authorization"],
        &["RFC 3261 §21.4.2", "RFC 3261 §22.2", "RFC 8760"],
    ),
    e(
        402,
        "Payment Required",
        Caller,
        Never,
        "Reserved by RFC 3261 for future use; in practice some providers send it when an \
         account has no credit or billing has blocked it.",
        &[
            "a prepaid account has run out of balance",
            "a carrier has suspended the account for non-payment",
        ],
        &[
            "check the account balance and billing status with the provider",
            "if the provider does not document this code, ask which situation it reports",
        ],
        &["Warning", "Reason"],
        &["RFC 3261 §21.4.3"],
    ),
    e(
        403,
        "Forbidden",
        Network,
        Never,
        "The server understood the request and refuses it; authenticating will not help, and \
         the request should not be repeated as is.",
        &[
            "the source IP is not in the trunk's access list, or the request arrived on the \
             wrong interface of the SBC",
            "the caller ID (From or P-Asserted-Identity) is not one the account may present",
            "the destination is barred (international, premium-rate) by the dialling plan or \
             fraud protection",
            "some PBXs answer 403 instead of 401 when the credentials were wrong",
            "registration from a device or IP the server does not allow",
        ],
        &[
            "read the reason phrase and Warning: servers often say which policy refused the call",
            "check the trunk or account configuration on the server: allowed IPs, allowed caller \
             IDs, allowed destinations",
            "check the caller presents the number format the provider expects (E.164 with or \
             without +)",
        ],
        &["Warning", "Reason", "From", "P-Asserted-Identity"],
        &["RFC 3261 §21.4.4"],
    ),
    e(
        404,
        "Not Found",
        Caller,
        Never,
        "The user in the Request-URI does not exist at that domain, or the domain is not one \
         the server handles.",
        &[
            "the dialled number is not provisioned or not routed to this trunk (DID not \
             assigned)",
            "the number format is wrong: national versus E.164, missing or extra prefix or +",
            "the Request-URI host does not match a domain the server serves",
            "a PSTN gateway maps Q.850 cause 1 (unallocated number) to 404",
        ],
        &[
            "check the Request-URI as sent: user part, number format and host",
            "check the routing table or dial plan on the server that answered",
            "verify the number is provisioned on the destination trunk or account",
        ],
        &["To", "Reason", "History-Info"],
        &["RFC 3261 §21.4.5", "RFC 3398"],
    ),
    e(
        405,
        "Method Not Allowed",
        Caller,
        Modified,
        "The server knows the method but does not allow it for this Request-URI. It must list \
         the methods it does allow in an Allow header.",
        &[
            "a SUBSCRIBE, MESSAGE or PUBLISH is sent to a URI that only accepts calls",
            "a registrar that refuses INVITE, or a device that refuses REGISTER",
            "a method is disabled by policy on one trunk but known to the server",
        ],
        &[
            "read Allow and use one of the listed methods (a 405 without Allow is itself broken)",
            "send the request to the right URI or server for that method",
            "if the method is needed, enable it for this resource on the server",
        ],
        &["Allow"],
        &["RFC 3261 §21.4.6", "RFC 3261 §8.2.1", "RFC 3261 §20.5"],
    ),
    e(
        406,
        "Not Acceptable",
        Caller,
        Modified,
        "The server can only produce response bodies whose type, encoding or language the \
         request's Accept headers exclude.",
        &[
            "a SUBSCRIBE whose Accept lists only a body format the notifier cannot produce",
            "an OPTIONS or other request with an Accept-Language the server cannot honour",
        ],
        &[
            "widen the Accept, Accept-Encoding or Accept-Language headers of the request",
            "check which formats the server can produce and configure the client to accept one",
        ],
        &["Accept", "Accept-Encoding", "Accept-Language"],
        &["RFC 3261 §21.4.7"],
    ),
    e(
        407,
        "Proxy Authentication Required",
        Caller,
        Modified,
        "A proxy on the path requires the caller to authenticate. The response carries a \
         Proxy-Authenticate challenge; the caller retries with Proxy-Authorization. Several \
         proxies may each challenge.",
        &[
            "the normal first answer of a provider's proxy to an INVITE, followed by an \
             authenticated retry",
            "an outbound proxy challenges every new dialog-creating request",
            "a second 407 after an authenticated retry: wrong credentials or realm",
        ],
        &[
            "if a single 407 is followed by a successful retry, nothing is wrong",
            "on repeated 407s, check the user name, password and realm for the proxy's realm",
            "answer every challenge in the response: one Proxy-Authorization per realm",
        ],
        &["Proxy-Authenticate", "Proxy-Authorization"],
        &["RFC 3261 §21.4.8", "RFC 3261 §22.3"],
    ),
    e(
        408,
        "Request Timeout",
        Network,
        Later,
        "The server could not produce a final response in time, for instance because the callee \
         could not be located or its device never answered. A caller whose transaction timer \
         (Timer B or F) fires treats that as 408 too.",
        &[
            "a proxy forwarded the INVITE but the registered device behind NAT never answered \
             (stale registration, closed NAT binding)",
            "the next hop is unreachable or drops requests, so the caller's Timer B expires \
             after 32 s",
            "a PSTN gateway maps Q.850 cause 18 (no user responding) to 408",
        ],
        &[
            "check reachability of the next hop: routing, firewall, transport and DNS",
            "for registered devices behind NAT, check keep-alives and the registration interval \
             so NAT bindings stay open",
            "compare the timing: 32 s from the INVITE means a transaction timeout, shorter means \
             a server's own no-answer timer",
        ],
        &["Retry-After", "Reason", "Via"],
        &[
            "RFC 3261 §21.4.9",
            "RFC 3261 §8.1.3.1",
            "RFC 3261 §17.1.1.2",
            "RFC 4320",
        ],
    ),
    e(
        410,
        "Gone",
        Callee,
        Never,
        "The user used to exist at this server but is no longer available there, and the \
         server knows no forwarding address.",
        &[
            "a number or extension has been deprovisioned",
            "a subscriber has left the service and the account was closed",
        ],
        &[
            "remove the address from address books, speed dials and routing tables",
            "find the user's new address by other means; the server will not redirect",
        ],
        &["Reason", "Warning"],
        &["RFC 3261 §21.4.10"],
    ),
    e(
        412,
        "Conditional Request Failed",
        Caller,
        Modified,
        "A PUBLISH used SIP-If-Match with an entity-tag the server no longer knows (expired or \
         never issued), so the conditional refresh or modification failed.",
        &[
            "a presence client refreshes a publication after the server already expired it",
            "the server restarted and lost its published state",
        ],
        &[
            "send a new initial PUBLISH without SIP-If-Match and with the full state",
            "refresh publications before they expire (Expires from the last 200)",
        ],
        &["SIP-If-Match", "SIP-ETag", "Expires", "Event"],
        &["RFC 3903"],
    ),
    e(
        413,
        "Request Entity Too Large",
        Caller,
        Modified,
        "The request body is larger than the server is willing to handle; Retry-After, if \
         present, says the refusal is temporary.",
        &[
            "a MESSAGE or INFO with a large body (file, image, long XML)",
            "an INVITE with a huge multipart body (SDP plus ISUP or location objects)",
        ],
        &[
            "shrink the body: fewer codecs or ICE candidates, no unneeded multipart parts",
            "use another mechanism for large content (MSRP, HTTP upload with a link)",
            "send over TCP or TLS when the message is large, rather than UDP",
        ],
        &["Content-Length", "Content-Type", "Retry-After"],
        &["RFC 3261 §21.4.11", "RFC 3261 §18.1.1"],
    ),
    e(
        414,
        "Request-URI Too Long",
        Caller,
        Modified,
        "The Request-URI is longer than the server is willing to interpret.",
        &[
            "a Contact from a redirect carries many parameters or embedded headers that end up \
             in the Request-URI",
            "an intermediary keeps appending URI parameters on each hop of a routing loop",
        ],
        &[
            "shorten the Request-URI: drop unneeded parameters and embedded headers",
            "check for a loop that grows the URI on each pass",
        ],
        &["Contact", "Route"],
        &["RFC 3261 §21.4.12"],
    ),
    e(
        415,
        "Unsupported Media Type",
        Caller,
        Modified,
        "The server does not understand the body of the request: its Content-Type, \
         Content-Encoding or language. The response lists what it does accept in Accept, \
         Accept-Encoding and Accept-Language.",
        &[
            "an INFO carrying DTMF as application/dtmf-relay to a device that expects \
             application/dtmf, or the reverse",
            "a MESSAGE with a content type the receiver does not handle",
            "an INVITE with a multipart body (ISUP, PIDF-LO) to a device that only accepts \
             application/sdp",
            "a compressed body (Content-Encoding: gzip) to a server that cannot inflate it",
        ],
        &[
            "read Accept, Accept-Encoding and Accept-Language in the response and send a body \
             of one of those types",
            "configure the SBC to strip unneeded body parts (e.g. ISUP) towards this peer",
            "for DTMF, prefer RFC 4733 telephone-event in RTP over INFO bodies",
        ],
        &[
            "Accept",
            "Accept-Encoding",
            "Accept-Language",
            "Content-Type",
            "Content-Encoding",
        ],
        &["RFC 3261 §21.4.13", "RFC 3261 §8.2.3", "RFC 3261 §20.1"],
    ),
    e(
        416,
        "Unsupported URI Scheme",
        Caller,
        Modified,
        "The server does not handle the scheme of the Request-URI (for example tel:, sips: or \
         urn:).",
        &[
            "a tel: URI sent to a proxy that only routes sip: URIs",
            "a sips: URI sent to a server without TLS support",
            "a urn:service:sos emergency URI sent to a server that does not know it",
        ],
        &[
            "send the address as a sip: URI (e.g. sip:+15551234567@domain;user=phone)",
            "route the request to a server that handles the scheme",
        ],
        &["To", "Contact"],
        &["RFC 3261 §21.4.14", "RFC 3261 §8.2.2.1"],
    ),
    e(
        417,
        "Unknown Resource-Priority",
        Caller,
        Modified,
        "The request required resource-priority handling but used a Resource-Priority \
         namespace or value the server does not know. The response lists what it accepts in \
         Accept-Resource-Priority.",
        &[
            "a government or emergency-services priority call uses a namespace the carrier \
             does not support",
            "a request carries Require: resource-priority towards a server without priority \
             support",
        ],
        &[
            "use a namespace and value listed in Accept-Resource-Priority",
            "do not put resource-priority in Require unless the path supports it",
        ],
        &["Resource-Priority", "Accept-Resource-Priority", "Require"],
        &["RFC 4412"],
    ),
    e(
        420,
        "Bad Extension",
        Caller,
        Modified,
        "The request listed an option tag in Require (for the UAS) or Proxy-Require (for \
         proxies) that the server does not support. The unsupported tags are listed in the \
         response's Unsupported header.",
        &[
            "Require: 100rel sent to a device or trunk without PRACK support",
            "Require: timer, replaces or precondition towards a peer that lacks the extension",
            "Proxy-Require: sec-agree or another tag reaching a proxy that does not know it",
            "an SBC copies the caller's Require header across a trunk whose peer supports less",
        ],
        &[
            "drop the tags named in Unsupported from Require or Proxy-Require, or move them to \
             Supported so they are offered instead of demanded",
            "configure the UAC or SBC not to require the extension on this trunk (e.g. \
             100rel: supported instead of required)",
            "if the response has no Unsupported header, compare the request's Require and \
             Proxy-Require with what the peer advertises in OPTIONS",
        ],
        &["Unsupported", "Require", "Proxy-Require", "Supported"],
        &[
            "RFC 3261 §21.4.15",
            "RFC 3261 §8.2.2.3",
            "RFC 3261 §20.40",
            "RFC 3262",
        ],
    ),
    e(
        421,
        "Extension Required",
        Caller,
        Modified,
        "The UAS will only process the request with an extension that the request did not \
         list in Supported; the needed option tag is in the response's Require header.",
        &[
            "a UAS that insists on reliable provisional responses (100rel) receives an INVITE \
             without Supported: 100rel",
            "a UAS that requires session timers or preconditions receives a request that does \
             not offer them",
        ],
        &[
            "enable the extension named in Require on the caller and list it in Supported",
            "if the caller cannot support it, configure the UAS or SBC not to demand it on this \
             trunk",
        ],
        &["Require", "Supported"],
        &["RFC 3261 §21.4.16"],
    ),
    e(
        422,
        "Session Interval Too Small",
        Caller,
        Modified,
        "The Session-Expires interval of the request (a session-timer refresh interval) is \
         below the minimum a proxy or the UAS accepts. The response must carry Min-SE with that \
         minimum; the caller retries with a larger Session-Expires and a Min-SE header.",
        &[
            "a UAC sends Session-Expires: 90 while a proxy or SBC on the path requires at least \
             1800 s",
            "a refresh re-INVITE or UPDATE proposes a smaller interval than the dialog already \
             agreed",
            "the UAC retries after a 422 without raising Session-Expires, looping on 422",
        ],
        &[
            "retry with Session-Expires at least the Min-SE of the 422 and include a Min-SE \
             header with the largest value seen",
            "raise the session-timer interval configured on the UAC or SBC (1800 s is the usual \
             default)",
            "if the 422 has no Min-SE header, the server is broken: ask its owner to fix it",
        ],
        &["Min-SE", "Session-Expires", "Supported", "Require"],
        &["RFC 4028 §6", "RFC 4028 §5", "RFC 4028 §4"],
    ),
    e(
        423,
        "Interval Too Brief",
        Caller,
        Modified,
        "The expiry requested for a registration (or a subscription or publication) is shorter \
         than the server's minimum, which the response gives in Min-Expires.",
        &[
            "a phone registers with Expires: 30 to keep its NAT binding open and the registrar \
             requires 60 or more",
            "a SUBSCRIBE or PUBLISH asks for a very short expiry",
        ],
        &[
            "retry with Expires (or the Contact expires parameter) at least Min-Expires",
            "keep NAT bindings open with keep-alives (CRLF, OPTIONS, RFC 5626 flows) instead of \
             very short registrations",
        ],
        &["Min-Expires", "Expires", "Contact"],
        &[
            "RFC 3261 §21.4.17",
            "RFC 3261 §10.2.8",
            "RFC 3261 §10.3",
            "RFC 3261 §20.23",
        ],
    ),
    e(
        424,
        "Bad Location Information",
        Caller,
        Modified,
        "The location information conveyed with the request (Geolocation header and its \
         location object) was malformed, unreachable or not acceptable. Geolocation-Error \
         gives a code saying what was wrong.",
        &[
            "an emergency call carries a PIDF-LO body the routing proxy cannot parse",
            "the Geolocation header points to a location URI the server cannot dereference",
        ],
        &[
            "read Geolocation-Error and correct the location object or its reference",
            "check the Content-ID in Geolocation matches a body part of the request",
        ],
        &[
            "Geolocation",
            "Geolocation-Error",
            "Geolocation-Routing",
            "Content-Type",
        ],
        &["RFC 6442"],
    ),
    e(
        425,
        "Bad Alert Message",
        Caller,
        Modified,
        "A non-interactive emergency call or message carried an alert (a CAP document) that the \
         recipient could not accept; AlertMsg-Error says why.",
        &[
            "a sensor or alarm system sends a malformed or unsigned CAP message to an emergency \
             service",
            "the alert uses values the recipient does not accept",
        ],
        &[
            "read AlertMsg-Error and correct the CAP document",
            "validate the alert against the recipient's requirements before sending",
        ],
        &["AlertMsg-Error", "Content-Type"],
        &["RFC 8876"],
    ),
    e(
        428,
        "Use Identity Header",
        Network,
        Modified,
        "The verifier requires a signed Identity header (STIR) and the request had none.",
        &[
            "a terminating carrier rejects unsigned calls under a STIR/SHAKEN policy",
            "an SBC strips the Identity header before the call reaches the verifier",
        ],
        &[
            "have the originating service sign the call (attestation) before it leaves its \
             network",
            "make sure SBCs and B2BUAs pass the Identity header through unchanged",
        ],
        &["Identity"],
        &["RFC 8224"],
    ),
    e(
        429,
        "Provide Referrer Identity",
        Caller,
        Modified,
        "The REFER recipient requires a valid, signed Referred-By token before acting on the \
         referral.",
        &[
            "a transfer target requires authenticated referrers",
            "a REFER arrives without Referred-By or with an unsigned one",
        ],
        &[
            "resend the REFER with a signed Referred-By token",
            "if the referrer cannot sign, relax the recipient's policy for trusted peers",
        ],
        &["Referred-By", "Refer-To"],
        &["RFC 3892"],
    ),
    e(
        430,
        "Flow Failed",
        Network,
        Elsewhere,
        "An edge proxy tells the authoritative proxy that the outbound flow to a registered \
         device is broken. The proxy should try another registration of that device; the code \
         is not meant to reach the caller.",
        &[
            "a device using SIP outbound lost its TCP or TLS connection to one edge proxy",
            "an edge proxy restarted and forgot the flows it held",
        ],
        &[
            "let the authoritative proxy retry over the device's other registered flows",
            "check keep-alives and reconnection on the device so flows are re-established \
             quickly",
        ],
        &["Path", "Route", "Contact"],
        &["RFC 5626"],
    ),
    e(
        433,
        "Anonymity Disallowed",
        Caller,
        Modified,
        "The callee's policy refuses anonymous requests, and this one hid the caller's \
         identity.",
        &[
            "the callee has anonymous call rejection enabled and the caller withholds its number",
            "From is anonymous or Privacy: id is set and the terminating service rejects it",
        ],
        &[
            "present the caller ID (remove Privacy: id, use a real From) and call again",
            "if the caller needs to stay anonymous, tell the user the callee does not accept \
             such calls",
        ],
        &["Privacy", "From", "P-Asserted-Identity"],
        &["RFC 5079"],
    ),
    e(
        436,
        "Bad Identity Info",
        Network,
        Modified,
        "The certificate reference in the Identity header (its info parameter) could not be \
         dereferenced or uses a scheme the verifier does not support.",
        &[
            "the certificate URL of a STIR/SHAKEN signature is unreachable from the verifier",
            "the info parameter uses a scheme or format the verifier does not support",
        ],
        &[
            "make the certificate repository reachable over HTTPS from the verifier",
            "check the info parameter in the Identity header of the signing service",
        ],
        &["Identity"],
        &["RFC 8224"],
    ),
    e(
        437,
        "Unsupported Credential",
        Network,
        Modified,
        "The verifier fetched the signer's credential but cannot validate it, for example \
         because it does not trust the issuing authority.",
        &[
            "a STIR/SHAKEN certificate issued by an authority the terminating carrier does not \
             trust",
            "an expired or revoked signing certificate",
        ],
        &[
            "sign with a certificate from an authority the verifier trusts",
            "check the certificate's validity period and revocation status",
        ],
        &["Identity"],
        &["RFC 8224"],
    ),
    e(
        438,
        "Invalid Identity Header",
        Network,
        Modified,
        "The Identity header was present but its signature does not verify against the \
         request, or it is malformed.",
        &[
            "an intermediary changed From, To or Date after the call was signed (number \
             normalisation, caller-ID rewriting)",
            "the Date header is too old by the time the call reaches the verifier",
            "the signature or its claims are malformed",
        ],
        &[
            "stop intermediaries from rewriting the signed fields after signing, or re-sign \
             after rewriting",
            "check the clocks of the signing service and of the path",
        ],
        &["Identity", "From", "To"],
        &["RFC 8224"],
    ),
    e(
        439,
        "First Hop Lacks Outbound Support",
        Network,
        Modified,
        "The registrar supports SIP outbound but the first-hop proxy did not indicate support, \
         so the device's request for outbound flows cannot be honoured.",
        &[
            "a device registers with reg-id and +sip.instance through an edge proxy that does \
             not add an outbound Path",
            "a new edge proxy is deployed in front of an outbound-capable registrar",
        ],
        &[
            "enable outbound support on the edge proxy (Path with the ob parameter)",
            "or configure the device to register without outbound",
        ],
        &["Path", "Supported", "Require", "Contact"],
        &["RFC 5626"],
    ),
    e(
        440,
        "Max-Breadth Exceeded",
        Network,
        Modified,
        "Forking has used up the request's Max-Breadth, so no more parallel branches may be \
         created.",
        &[
            "a request is forked by several proxies in a row, multiplying branches",
            "a forking loop or an overly large hunt group",
        ],
        &[
            "reduce parallel forking (serial hunting, smaller groups)",
            "check for loops between forking proxies",
        ],
        &["Max-Breadth", "Max-Forwards"],
        &["RFC 5393"],
    ),
    e(
        469,
        "Bad Info Package",
        Caller,
        Modified,
        "An INFO request used an Info-Package the receiver has not said it accepts in \
         Recv-Info.",
        &[
            "a UA sends INFO for DTMF or another package after the peer did not list it in \
             Recv-Info",
            "an SBC passes INFO packages between peers that negotiated different sets",
        ],
        &[
            "send INFO only for packages the peer listed in Recv-Info",
            "for DTMF, prefer RFC 4733 telephone-event in RTP",
        ],
        &["Recv-Info", "Info-Package"],
        &["RFC 6086"],
    ),
    e(
        470,
        "Consent Needed",
        Caller,
        Modified,
        "A relay (for example a URI-list server) will not forward the request until the target \
         consents; Permission-Missing lists the targets without consent.",
        &[
            "a MESSAGE to a list server whose members have not agreed to receive traffic",
            "an exploder INVITE or SUBSCRIBE towards recipients that never granted permission",
        ],
        &[
            "obtain the missing permissions (the consent framework's permission documents)",
            "remove the targets listed in Permission-Missing and resend",
        ],
        &["Permission-Missing", "Trigger-Consent"],
        &["RFC 5360"],
    ),
    e(
        480,
        "Temporarily Unavailable",
        Callee,
        Later,
        "The callee was identified but cannot be reached right now. Retry-After may say when to \
         try again; the reason phrase often says why.",
        &[
            "the user exists but has no current registration (phone off, lost network)",
            "do not disturb is on, or a no-answer timer on the PBX expired",
            "a PSTN gateway maps Q.850 cause 19 (no answer) or 20 (subscriber absent) to 480",
        ],
        &[
            "check the callee's registration on the registrar and its expiry",
            "check do-not-disturb and forwarding settings of the callee",
            "honour Retry-After before trying again",
        ],
        &["Retry-After", "Reason", "Warning"],
        &["RFC 3261 §21.4.18", "RFC 3398"],
    ),
    e(
        481,
        "Call/Transaction Does Not Exist",
        Caller,
        Never,
        "The server has no dialog or transaction matching the request: a request inside a \
         dialog that it does not know, or a CANCEL that matches no pending INVITE. A 481 to a \
         request in a dialog ends that dialog.",
        &[
            "a BYE or re-INVITE after the other side already ended the call or restarted",
            "an SBC or B2BUA changed Call-ID, tags or Contact so the in-dialog request no longer \
             matches",
            "a CANCEL that arrives after the final response, or with a Via branch different \
             from the INVITE's",
            "a PRACK whose RAck matches no reliable provisional response, or an INVITE with \
             Replaces naming an unknown dialog",
        ],
        &[
            "compare Call-ID, From tag and To tag of the request with those of the dialog it \
             should belong to",
            "for CANCEL, check the Via branch and CSeq number match the INVITE and that no final \
             response was sent yet",
            "check whether one side timed the call out (session timer, missing ACK) before the \
             request was sent",
        ],
        &["Call-ID", "From", "To", "CSeq", "Via", "Replaces", "RAck"],
        &[
            "RFC 3261 §21.4.19",
            "RFC 3261 §12.2.2",
            "RFC 3261 §9.2",
            "RFC 3891",
        ],
    ),
    e(
        482,
        "Loop Detected",
        Network,
        Never,
        "A proxy received a request it had already forwarded: the request is looping between \
         servers.",
        &[
            "a PBX routes a number to the SBC, which routes it back to the PBX",
            "two servers each forward the call to the other because of overlapping routing \
             rules",
            "a forwarding target points back to the original user",
        ],
        &[
            "follow the Via headers of the request to find the servers in the loop",
            "fix the routing rules so the number terminates somewhere",
        ],
        &["Via", "Max-Forwards", "Record-Route"],
        &["RFC 3261 §21.4.20", "RFC 3261 §16.3", "RFC 5393"],
    ),
    e(
        483,
        "Too Many Hops",
        Network,
        Never,
        "The request reached a server with Max-Forwards at zero: it has crossed too many hops, \
         usually because of a loop that Via-based loop detection could not see.",
        &[
            "a loop through B2BUAs, which start fresh Via stacks and hide the loop",
            "a sender that starts Max-Forwards far below the usual 70",
        ],
        &[
            "trace the path (Via, Record-Route, logs of each B2BUA) to find the loop",
            "start Max-Forwards at 70 and make B2BUAs carry a decremented value over",
        ],
        &["Max-Forwards", "Via"],
        &["RFC 3261 §21.4.21", "RFC 3261 §16.3", "RFC 3261 §20.22"],
    ),
    e(
        484,
        "Address Incomplete",
        Caller,
        Modified,
        "The Request-URI is incomplete, as in overlap dialling: more digits are needed before \
         the call can be routed.",
        &[
            "a phone sends the INVITE after a short inter-digit timeout, before the whole number \
             was dialled",
            "a PSTN gateway expects more digits for a national or international number",
        ],
        &[
            "dial the complete number; lengthen the inter-digit timeout or use a dial plan that \
             knows number lengths",
            "check prefixes and number normalisation on the PBX or SBC",
        ],
        &["To"],
        &["RFC 3261 §21.4.22", "RFC 3578"],
    ),
    e(
        485,
        "Ambiguous",
        Caller,
        Modified,
        "The Request-URI matches several users; the response may list candidates in Contact.",
        &[
            "a dial-by-name or short code matches several directory entries",
            "a partial user name matches more than one account",
        ],
        &[
            "use a unique address, or pick one of the Contact candidates",
            "review the directory or dial plan that produced the ambiguity",
        ],
        &["Contact"],
        &["RFC 3261 §21.4.23"],
    ),
    e(
        486,
        "Busy Here",
        Callee,
        Later,
        "The callee's device was reached but is busy. Other locations (voicemail, another \
         device) may still take the call, and Retry-After may say when to try again.",
        &[
            "the callee is on another call and has no call waiting",
            "a trunk or device reached its concurrent-call limit and answers busy",
            "a PSTN gateway maps Q.850 cause 17 (user busy) to 486",
        ],
        &[
            "nothing to fix in the signalling: the callee was busy",
            "if busy calls should go to voicemail, check the busy-forwarding rule on the PBX",
            "if the callee was not actually busy, check the device's call limit or \
             call-waiting setting",
        ],
        &["Retry-After", "Reason"],
        &["RFC 3261 §21.4.24", "RFC 3398"],
    ),
    e(
        487,
        "Request Terminated",
        Nobody,
        NotNeeded,
        "The request was ended by a CANCEL (or by a BYE for an early dialog) before a final \
         response. It is the expected answer to a cancelled INVITE and must be ACKed.",
        &[
            "the caller hung up while the callee was ringing",
            "a forking proxy cancels the other branches after one device answered (Reason: \
             SIP;cause=200)",
            "a ring timeout on the caller's side cancels an unanswered call",
        ],
        &[
            "nothing to fix: the caller ended the attempt",
            "check that the ACK for the 487 was sent, otherwise the UAS keeps retransmitting",
            "if calls are cancelled too early, look at the caller's ring timeout",
        ],
        &["Reason"],
        &["RFC 3261 §21.4.25", "RFC 3261 §9.2", "RFC 3326"],
    ),
    e(
        488,
        "Not Acceptable Here",
        Caller,
        Modified,
        "The UAS cannot accept the session described in the offer: no common codec, an \
         unsupported transport or profile, or other media parameters. Warning codes (300 to \
         399) often say which. Another device or a different offer may succeed.",
        &[
            "no codec in common between the offer and the callee (e.g. only G.729 offered to a \
             device with PCMA and PCMU)",
            "RTP/AVP offered where SRTP (RTP/SAVP) is required, or the reverse",
            "a re-INVITE switching to T.38 fax rejected by a peer without T.38",
            "ICE, IPv6 addresses or DTLS-SRTP offered to a peer that cannot handle them",
        ],
        &[
            "compare the m= lines and rtpmap lines of the offer with the codecs the callee \
             supports; add a common codec or enable transcoding on the SBC",
            "read the Warning header: 304 or 305 point at media types or formats, 370 at \
             bandwidth",
            "align the media profile (RTP/AVP versus RTP/SAVP) and crypto settings on both sides",
        ],
        &["Warning", "Accept", "Content-Type"],
        &["RFC 3261 §21.4.26", "RFC 3261 §20.43", "RFC 3264"],
    ),
    e(
        489,
        "Bad Event",
        Caller,
        Modified,
        "The server does not support the event package named in the Event header of a \
         SUBSCRIBE, NOTIFY or PUBLISH; Allow-Events may list those it does.",
        &[
            "busy-lamp field (dialog), message-waiting (message-summary) or presence \
             subscriptions to a server without that package",
            "an unsolicited NOTIFY with a vendor event package (e.g. check-sync) to a device \
             that ignores it",
        ],
        &[
            "subscribe only to packages listed in Allow-Events",
            "enable the package on the server, or turn off the feature on the device",
        ],
        &["Event", "Allow-Events"],
        &["RFC 6665", "RFC 3265"],
    ),
    e(
        491,
        "Request Pending",
        Caller,
        Later,
        "The server already has an offer-answer exchange in progress in this dialog (glare): \
         both sides sent a re-INVITE or UPDATE at the same time. The caller retries after a \
         random delay.",
        &[
            "both parties put the call on hold or resume at the same moment",
            "an SBC and a PBX refresh the session (session timer) simultaneously",
            "a re-INVITE sent before the previous one got its ACK",
        ],
        &[
            "retry after a random delay: 2.1 to 4 s if this side generated the Call-ID, 0 to 2 s \
             otherwise",
            "avoid simultaneous refreshes: let only one side act as session-timer refresher",
        ],
        &["CSeq", "Call-ID"],
        &["RFC 3261 §21.4.27", "RFC 3261 §14.1", "RFC 3311"],
    ),
    e(
        493,
        "Undecipherable",
        Caller,
        Modified,
        "The request carried an encrypted S/MIME body the server cannot decrypt, for example \
         because it lacks the key.",
        &[
            "a body encrypted with a certificate the recipient does not hold",
            "a recipient without S/MIME support receives an encrypted body",
        ],
        &[
            "send the body unencrypted, or encrypt it for a certificate the recipient has",
            "use TLS on each hop instead of end-to-end S/MIME where possible",
        ],
        &["Content-Type", "Content-Disposition"],
        &["RFC 3261 §21.4.28"],
    ),
    e(
        494,
        "Security Agreement Required",
        Caller,
        Modified,
        "The server requires a security mechanism agreement before serving the request; its \
         Security-Server header lists the mechanisms it offers.",
        &[
            "an IMS P-CSCF requires IPsec or TLS set up through sec-agree before registration",
            "a client registers without Security-Client and Require: sec-agree",
        ],
        &[
            "retry with Security-Client and then Security-Verify copied from Security-Server, \
             and sec-agree in Require and Proxy-Require",
            "enable sec-agree on the client, or disable the requirement on the server for \
             non-IMS devices",
        ],
        &[
            "Security-Server",
            "Security-Client",
            "Security-Verify",
            "Require",
            "Proxy-Require",
        ],
        &["RFC 3329"],
    ),
    // ---------------------------------------------------------------- 5xx server failure
    e(
        500,
        "Server Internal Error",
        Network,
        Later,
        "The server hit an unexpected condition and could not complete the request. \
         Retry-After, if present, says the condition is temporary.",
        &[
            "a bug or script error on a PBX or B2BUA, often on an unusual header or body",
            "a database or back-end the server depends on is down",
            "a server that receives a 503 from downstream and reports it upstream as 500",
        ],
        &[
            "read the reason phrase, Warning and the server's logs for the failing step",
            "find what is unusual in the request (headers, body, number format) by comparing \
             with a request that works",
            "retry later or at another server if Retry-After or redundancy allows",
        ],
        &["Retry-After", "Reason", "Warning", "Server"],
        &["RFC 3261 §21.5.1"],
    ),
    e(
        501,
        "Not Implemented",
        Caller,
        Modified,
        "The server does not implement the method of the request at all. Proxies forward \
         unknown methods, so a 501 normally comes from the UAS.",
        &[
            "UPDATE sent to a device that only knows re-INVITE",
            "INFO used for DTMF towards a device without INFO support",
            "PRACK or SUBSCRIBE, REFER or MESSAGE sent to a basic device or gateway",
        ],
        &[
            "use a method the peer implements (see Allow here or in its OPTIONS answer): \
             re-INVITE instead of UPDATE, RFC 4733 telephone-event instead of INFO DTMF, no \
             100rel instead of PRACK",
            "configure the SBC to convert or absorb the method towards this peer",
        ],
        &["Allow", "Supported"],
        &["RFC 3261 §21.5.2", "RFC 3311", "RFC 4733"],
    ),
    e(
        502,
        "Bad Gateway",
        Network,
        Elsewhere,
        "A gateway or proxy received an invalid response from the server it forwarded the \
         request to.",
        &[
            "the next-hop server answered with a malformed or unparseable response",
            "a PSTN gateway maps Q.850 cause 27 (destination out of order) to 502",
            "DNS resolves the next hop to a host that does not speak SIP",
        ],
        &[
            "capture the downstream leg to see what the next hop actually answered",
            "check DNS and routing for the next hop, and fail over to another route",
        ],
        &["Reason", "Warning", "Via"],
        &["RFC 3261 §21.5.3", "RFC 3398"],
    ),
    e(
        503,
        "Service Unavailable",
        Network,
        Elsewhere,
        "The server is temporarily overloaded or in maintenance. The caller should try another \
         server (per DNS SRV) and not return to this one before Retry-After. A transport error \
         is also reported locally as 503.",
        &[
            "a trunk, SBC or gateway reached its channel or call-admission limit",
            "a PBX has no route or trunk available for the destination",
            "the server is in maintenance or overloaded, or the registrar is unavailable",
            "a PSTN gateway maps Q.850 cause 34 (no circuit available) or 41 to 503",
            "the caller's own stack could not connect (ICMP unreachable, TCP refused)",
        ],
        &[
            "read Retry-After and Reason (Q.850 cause) to tell capacity from routing problems",
            "check channel limits, licences and call-admission control on the SBC or trunk",
            "configure a second server or route so the caller can fail over (RFC 3263)",
        ],
        &["Retry-After", "Reason", "Warning"],
        &[
            "RFC 3261 §21.5.4",
            "RFC 3261 §8.1.3.1",
            "RFC 3263",
            "RFC 3398",
        ],
    ),
    e(
        504,
        "Server Time-out",
        Network,
        Later,
        "The server did not get a timely answer from another server it needed, such as the \
         next proxy, a location service or DNS.",
        &[
            "the next hop (carrier, downstream proxy) did not respond to the forwarded request",
            "a DNS, ENUM or routing-database lookup timed out",
        ],
        &[
            "find which downstream server did not answer (logs, capture of the next leg)",
            "check DNS and database latency and the timeouts configured on the server",
        ],
        &["Reason", "Warning", "Retry-After"],
        &["RFC 3261 §21.5.5"],
    ),
    e(
        505,
        "Version Not Supported",
        Caller,
        Modified,
        "The server does not support the SIP version in the request line (anything other than \
         SIP/2.0).",
        &[
            "a malformed request line, or one mangled by an ALG or SBC",
            "very old equipment sending another version, or a non-SIP client hitting the port",
        ],
        &[
            "send SIP/2.0 in the request line and in Via",
            "check intermediaries that rewrite the start line",
        ],
        &["Via"],
        &["RFC 3261 §21.5.6"],
    ),
    e(
        513,
        "Message Too Large",
        Caller,
        Modified,
        "The whole message is larger than the server can process.",
        &[
            "an INVITE with many Via and Record-Route headers plus a large SDP over UDP",
            "large bodies: many codecs, ICE candidates, multipart content",
        ],
        &[
            "use TCP or TLS for large messages, as RFC 3261 asks above about 1300 bytes on UDP",
            "trim the message: fewer codecs, candidates, body parts and unneeded headers",
        ],
        &["Content-Length", "Via", "Record-Route"],
        &["RFC 3261 §21.5.7", "RFC 3261 §18.1.1"],
    ),
    e(
        555,
        "Push Notification Service Not Supported",
        Caller,
        Modified,
        "A REGISTER asked for push notifications through a push service (pn-provider) that the \
         proxy does not support.",
        &[
            "a mobile softphone registers with pn-provider for a push service the provider does \
             not offer",
            "a proxy supports only some push services (e.g. one platform but not another)",
        ],
        &[
            "register with a push service the proxy lists (Feature-Caps), or without push \
             parameters",
            "enable the push service on the proxy",
        ],
        &["Contact", "Feature-Caps"],
        &["RFC 8599"],
    ),
    e(
        580,
        "Precondition Failure",
        Network,
        Modified,
        "The UAS could not meet the preconditions the session required, typically QoS resource \
         reservation, so the session cannot be set up.",
        &[
            "an IMS or cable network cannot reserve bandwidth for the media",
            "the offer marks preconditions as mandatory and the answerer cannot satisfy them",
        ],
        &[
            "check resource reservation (policy servers, bandwidth) on the network side",
            "if preconditions are not needed, do not mark them mandatory or drop precondition \
             from Require",
        ],
        &["Require", "Supported", "Content-Type"],
        &["RFC 3312", "RFC 4032"],
    ),
    // ---------------------------------------------------------------- 6xx global failure
    e(
        600,
        "Busy Everywhere",
        Callee,
        Later,
        "The callee was reached and is busy, and the server knows no other location would \
         answer, so the search stops. Retry-After may say when to call again.",
        &[
            "a user with a single device and no voicemail is on another call",
            "a PBX or service that knows all the user's devices are busy",
        ],
        &[
            "nothing to fix in the signalling: the callee is busy",
            "honour Retry-After, or offer call-back",
            "if voicemail should answer, the server should send 486 (busy here) instead",
        ],
        &["Retry-After", "Reason"],
        &["RFC 3261 §21.6.1"],
    ),
    e(
        603,
        "Decline",
        Callee,
        Never,
        "The callee's device was reached and the user explicitly does not want to take the \
         call; no other location should be tried. Retry-After may say when the user is \
         available.",
        &[
            "the user pressed reject on the phone",
            "a call-screening rule on the callee's device or PBX rejects the caller",
            "a hosted service rejects calls on the user's behalf (quiet hours, block list)",
        ],
        &[
            "nothing to fix in the signalling: the callee declined",
            "if calls are declined unexpectedly, check call-screening or block lists on the \
             callee's side",
        ],
        &["Retry-After", "Reason"],
        &["RFC 3261 §21.6.2"],
    ),
    e(
        604,
        "Does Not Exist Anywhere",
        Caller,
        Never,
        "The server knows that the user in the Request-URI exists nowhere.",
        &[
            "a number-portability or routing database says the number is unallocated",
            "an authoritative directory does not know the user",
        ],
        &[
            "check the dialled number or address and its format",
            "remove the address from address books and routing tables if it is obsolete",
        ],
        &["Reason", "To"],
        &["RFC 3261 §21.6.3"],
    ),
    e(
        606,
        "Not Acceptable",
        Caller,
        Modified,
        "Some aspect of the session (media type, bandwidth, addressing) is not acceptable to \
         the callee anywhere. Warning may say which.",
        &[
            "a video-only or fax-only offer to a user who only takes audio",
            "an offer whose bandwidth or encryption requirements no device of the user meets",
        ],
        &[
            "read the Warning header and change the offer accordingly",
            "offer a common audio codec and plain RTP as a fallback",
        ],
        &["Warning", "Accept", "Content-Type"],
        &["RFC 3261 §21.6.4", "RFC 3261 §20.43"],
    ),
    e(
        607,
        "Unwanted",
        Callee,
        Never,
        "The called user marks the call as unwanted (spam, robocall). Unlike a plain decline, \
         this may be fed to call-analytics services that block the caller in future.",
        &[
            "the user pressed a report-as-spam key on the phone or app",
            "a callee's service rejects a caller already reported as unwanted",
        ],
        &[
            "stop calling this user with this identity",
            "if the calls are legitimate, check the caller's identity presentation and \
             attestation (P-Asserted-Identity, Identity) and the calling pattern",
        ],
        &["From", "P-Asserted-Identity", "Identity"],
        &["RFC 8197"],
    ),
    e(
        608,
        "Rejected",
        Network,
        Never,
        "An intermediary (typically a call-analytics or blocking service), not the callee, \
         rejected the call. A Call-Info header may carry a signed jCard saying whom to contact \
         to dispute the decision.",
        &[
            "a carrier's robocall-analytics engine blocks the calling number",
            "a calling pattern (short calls, high volume) triggers the carrier's blocking policy",
        ],
        &[
            "read Call-Info for the jCard and contact the blocking party to dispute it",
            "check the caller's identity attestation and calling patterns with the originating \
             carrier",
        ],
        &["Call-Info", "Identity", "Reason"],
        &["RFC 8688"],
    ),
];
