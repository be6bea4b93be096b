//! Differential tests: on well-formed messages the scanner must agree with
//! rsip (a strict parser used only as a test oracle) on the start line,
//! Call-ID, CSeq, the top Via branch and the From/To tags.

use rsip::prelude::*;

use super::message::tests::{BAD_EXTENSION, BUSY, INVITE};
use super::{Message, StatusCode};

/// Well-formed messages that rsip accepts: no compact names, no folding, no
/// IPv6 literals, CRLF line ends, methods rsip knows.
const WELL_FORMED: [&str; 10] = [
    INVITE,
    BAD_EXTENSION,
    BUSY,
    "SIP/2.0 100 Trying\r\n\
Via: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKtry1\r\n\
To: <sip:bob@biloxi.example.com>\r\n\
From: <sip:alice@atlanta.example.com>;tag=t1\r\n\
Call-ID: trying-1@atlanta.example.com\r\n\
CSeq: 10 INVITE\r\n\
Content-Length: 0\r\n\
\r\n",
    "SIP/2.0 183 Session Progress\r\n\
Via: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKsp\r\n\
To: \"Bob\" <sip:bob@biloxi.example.com>;tag=b183\r\n\
From: \"Alice\" <sip:alice@atlanta.example.com>;tag=a183\r\n\
Call-ID: progress@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
Require: 100rel\r\n\
RSeq: 1\r\n\
Content-Length: 0\r\n\
\r\n",
    "ACK sip:bob@192.0.2.4 SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKack\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710\r\n\
CSeq: 314159 ACK\r\n\
Content-Length: 0\r\n\
\r\n",
    "BYE sip:alice@pc33.atlanta.example.com SIP/2.0\r\n\
Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKnashds10\r\n\
Max-Forwards: 70\r\n\
From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n\
To: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710\r\n\
CSeq: 231 BYE\r\n\
Content-Length: 0\r\n\
\r\n",
    "REGISTER sip:registrar.biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
From: Bob <sip:bob@biloxi.example.com>;tag=456248\r\n\
Call-ID: 843817637684230@998sdasdh09\r\n\
CSeq: 1826 REGISTER\r\n\
Contact: <sip:bob@192.0.2.4>\r\n\
Expires: 7200\r\n\
Content-Length: 0\r\n\
\r\n",
    "SIP/2.0 401 Unauthorized\r\n\
Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7;received=192.0.2.4\r\n\
To: Bob <sip:bob@biloxi.example.com>;tag=2493k59kd\r\n\
From: Bob <sip:bob@biloxi.example.com>;tag=456248\r\n\
Call-ID: 843817637684230@998sdasdh09\r\n\
CSeq: 1826 REGISTER\r\n\
WWW-Authenticate: Digest realm=\"biloxi.example.com\", nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", qop=\"auth\"\r\n\
Content-Length: 0\r\n\
\r\n",
    "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877\r\n\
Max-Forwards: 70\r\n\
To: <sip:carol@chicago.example.com>\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710\r\n\
CSeq: 63104 OPTIONS\r\n\
Accept: application/sdp\r\n\
Content-Length: 0\r\n\
\r\n",
];

/// What both parsers must agree on.
#[derive(Debug, PartialEq, Eq)]
struct Facts {
    method: Option<String>,
    status: Option<u16>,
    call_id: String,
    cseq: (u32, String),
    branch: Option<String>,
    from_tag: Option<String>,
    to_tag: Option<String>,
}

fn ours(raw: &str) -> Facts {
    let m = Message::parse(raw.as_bytes()).expect("scanner accepts the message");
    let cseq = m.cseq().expect("CSeq");
    Facts {
        method: m.method().map(|x| x.to_string()),
        status: m.status().map(|StatusCode(c)| c),
        call_id: m.call_id().expect("Call-ID").into_owned(),
        cseq: (cseq.seq, cseq.method.to_string()),
        branch: m.top_via().and_then(|v| v.branch),
        from_tag: m.from().and_then(|f| f.tag),
        to_tag: m.to().and_then(|t| t.tag),
    }
}

fn oracle(raw: &str) -> Facts {
    let msg = rsip::SipMessage::try_from(raw).expect("rsip accepts the message");
    let (method, status) = match &msg {
        rsip::SipMessage::Request(r) => (Some(r.method.to_string()), None),
        rsip::SipMessage::Response(r) => (None, Some(r.status_code.code())),
    };
    let cseq = msg
        .cseq_header()
        .expect("CSeq")
        .typed()
        .expect("typed CSeq");
    Facts {
        method,
        status,
        call_id: msg.call_id_header().expect("Call-ID").value().to_string(),
        cseq: (cseq.seq, cseq.method.to_string()),
        branch: msg
            .via_header()
            .expect("Via")
            .typed()
            .expect("typed Via")
            .branch()
            .map(|b| b.to_string()),
        from_tag: msg
            .from_header()
            .expect("From")
            .tag()
            .expect("From tag")
            .map(|t| t.to_string()),
        to_tag: msg
            .to_header()
            .expect("To")
            .tag()
            .expect("To tag")
            .map(|t| t.to_string()),
    }
}

#[test]
fn auth_challenge_of_the_401() {
    let m = Message::parse(WELL_FORMED[8].as_bytes()).unwrap();
    let challenges = m.auth(super::HeaderName::WwwAuthenticate);
    assert_eq!(challenges.len(), 1);
    assert_eq!(challenges[0].scheme, "Digest");
    assert_eq!(challenges[0].param("realm"), Some("biloxi.example.com"));
    assert_eq!(challenges[0].param("qop"), Some("auth"));
}

#[test]
fn scanner_agrees_with_rsip() {
    for raw in WELL_FORMED {
        assert_eq!(ours(raw), oracle(raw), "{raw}");
    }
}
