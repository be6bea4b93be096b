use super::*;
use crate::sip::sdp::Direction;

pub(crate) const INVITE: &str = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds, SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKold;received=192.0.2.7\r\n\
Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK3\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
From: \"Alice; the first, one\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Contact: <sip:alice@pc33.atlanta.example.com>\r\n\
Require: 100rel, timer\r\n\
Require: precondition\r\n\
Supported: replaces,,  norefersub \r\n\
Session-Expires: 1800;refresher=uac\r\n\
Min-SE: 90\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 130\r\n\
\r\n\
v=0\r\n\
o=alice 2890844526 2890844526 IN IP4 198.51.100.1\r\n\
s=-\r\n\
c=IN IP4 198.51.100.1\r\n\
t=0 0\r\n\
m=audio 49170 RTP/AVP 0 8\r\n\
a=sendrecv\r\n";

pub(crate) const BAD_EXTENSION: &str = "SIP/2.0 420 Bad Extension\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1\r\n\
To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n\
From: \"Alice; the first, one\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Unsupported: precondition\r\n\
Content-Length: 0\r\n\
\r\n";

pub(crate) const BUSY: &str = "SIP/2.0 486 Busy Here\r\n\
Via: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKnashds8;rport=5060\r\n\
To: sip:bob@biloxi.example.com;tag=8321234356\r\n\
From: <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 2 INVITE\r\n\
Retry-After: 120 (in a meeting);duration=60\r\n\
Warning: 399 host \"text, with comma\", 301 proxy.example.com \"Incompatible network address type\"\r\n\
Reason: Q.850;cause=17;text=\"User busy\"\r\n\
Reason: SIP;cause=486\r\n\
Content-Length: 0\r\n\
\r\n";

pub(crate) const COMPACT: &str = "SUBSCRIBE sip:presence@example.com SIP/2.0\r\n\
v: SIP/2.0/TCP client.example.com:5061;branch=z9hG4bKc1\r\n\
f: <sip:watcher@example.com>;tag=w1\r\n\
t: <sip:presence@example.com>\r\n\
i: compact-1@client\r\n\
CSeq: 1 SUBSCRIBE\r\n\
Max-Forwards: 70\r\n\
m: <sip:watcher@192.0.2.9>\r\n\
o: presence\r\n\
k: eventlist\r\n\
x: 600;refresher=uas\r\n\
s: hello\r\n\
c: Text/Plain; charset=utf-8\r\n\
l: 5\r\n\
\r\n\
hello";

pub(crate) const FOLDED_LF_IPV6: &str = "OPTIONS sip:[2001:db8::2] SIP/2.0\n\
Via : SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1\n\
max-forwards:70\n\
TO:<sip:[2001:db8::2]>\n\
from: <sip:[2001:db8::1]>;tag=x1\n\
CALL-ID:   folded-1\n\
cseq: 7 OPTIONS\n\
Subject: I know you're there,\n\
\x20  pick up the phone\n\
\tand talk to me!\n\
Accept: application/sdp\n\
\n";

pub(crate) const PING: &str = "PING tel:+15551234567;phone-context=example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.5;branch=z9hG4bKping\r\n\
Max-Forwards: 70\r\n\
From: tel:+15550001111;tag=p\r\n\
To: <tel:+15551234567>\r\n\
Call-ID: ping-1\r\n\
CSeq: 1 PING\r\n\
\r\n";

fn parse(s: &str) -> Message {
    Message::parse(s.as_bytes()).expect("test message parses")
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn invite_with_sdp() {
    let m = parse(INVITE);
    assert!(m.is_request());
    assert_eq!(m.method(), Some(&Method::Invite));
    assert_eq!(m.status(), None);
    assert_eq!(m.reason_phrase(), None);
    assert_eq!(
        m.request_uri().as_deref(),
        Some("sip:bob@biloxi.example.com")
    );
    assert_eq!(
        m.start_line_text(),
        "INVITE sip:bob@biloxi.example.com SIP/2.0"
    );
    assert_eq!(m.headers().len(), 15);
    assert_eq!(m.headers()[0].name, HeaderName::Via);
    assert_eq!(m.header_name_text(&m.headers()[3]), "To");
    assert_eq!(
        m.call_id().as_deref(),
        Some("a84b4c76e66710@pc33.atlanta.example.com")
    );
    assert_eq!(
        m.cseq(),
        Some(CSeq {
            seq: 314159,
            method: Method::Invite
        })
    );
    assert_eq!(m.max_forwards(), Some(70));

    let via = m.top_via().unwrap();
    assert_eq!(via.transport, "UDP");
    assert_eq!(via.sent_by(), "pc33.atlanta.example.com");
    assert_eq!(via.branch.as_deref(), Some("z9hG4bK776asdhds"));
    assert_eq!(m.via_count(), 3);
    let vias = m.vias();
    assert_eq!(vias.len(), 3);
    assert_eq!(vias[1].sent_by(), "10.0.0.1:5070");
    assert_eq!(vias[1].received.as_deref(), Some("192.0.2.7"));
    assert_eq!(vias[2].transport, "TCP");

    let from = m.from().unwrap();
    assert_eq!(from.display.as_deref(), Some("Alice; the first, one"));
    assert_eq!(from.uri, "sip:alice@atlanta.example.com");
    assert_eq!(from.tag.as_deref(), Some("1928301774"));
    let to = m.to().unwrap();
    assert_eq!(to.display.as_deref(), Some("Bob"));
    assert_eq!(to.tag, None);
    assert_eq!(m.contacts().len(), 1);
    assert_eq!(m.contacts()[0].uri, "sip:alice@pc33.atlanta.example.com");

    assert_eq!(
        m.tokens(HeaderName::Require),
        strings(&["100rel", "timer", "precondition"])
    );
    assert_eq!(
        m.tokens(HeaderName::Supported),
        strings(&["replaces", "norefersub"])
    );
    assert!(m.tokens(HeaderName::Unsupported).is_empty());
    assert_eq!(
        m.header_all(HeaderName::Require),
        vec!["100rel, timer", "precondition"]
    );
    assert_eq!(
        m.session_expires(),
        Some(SessionExpires {
            delta: 1800,
            refresher: Some("uac".into())
        })
    );
    assert_eq!(m.min_se(), Some(90));
    assert_eq!(m.content_length(), Some(130));
    assert_eq!(m.content_type().as_deref(), Some("application/sdp"));
    assert_eq!(m.body().len(), 130);
    assert!(m.body().starts_with(b"v=0\r\n"));
    assert!(m.anomalies().is_empty(), "{:?}", m.anomalies());

    let sdp = m.sdp().unwrap().unwrap();
    assert_eq!(sdp.connection, Some("198.51.100.1".parse().unwrap()));
    assert_eq!(sdp.media.len(), 1);
    assert_eq!(sdp.media[0].port, 49170);
    assert_eq!(sdp.media[0].direction, Some(Direction::SendRecv));
    assert_eq!(
        sdp.media[0]
            .formats
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>(),
        ["PCMU/8000", "PCMA/8000"]
    );
    assert_eq!(m.message_span(), Span::new(0, INVITE.len()));
}

#[test]
fn response_420() {
    let m = parse(BAD_EXTENSION);
    assert!(!m.is_request());
    assert_eq!(m.method(), None);
    assert_eq!(m.request_uri(), None);
    assert_eq!(m.status(), Some(StatusCode::BAD_EXTENSION));
    assert_eq!(m.reason_phrase().as_deref(), Some("Bad Extension"));
    assert_eq!(m.start_line_text(), "SIP/2.0 420 Bad Extension");
    assert_eq!(
        m.tokens(HeaderName::Unsupported),
        strings(&["precondition"])
    );
    assert_eq!(m.to().unwrap().tag.as_deref(), Some("a6c85cf"));
    assert_eq!(m.top_via().unwrap().received.as_deref(), Some("192.0.2.1"));
    assert_eq!(m.cseq().map(|c| c.method), Some(Method::Invite));
    // Max-Forwards is not required on responses.
    assert!(m.anomalies().is_empty(), "{:?}", m.anomalies());
    assert_eq!(m.body(), b"");
    assert_eq!(m.sdp().map(|r| r.is_ok()), None);
}

#[test]
fn busy_with_retry_after_warning_reason() {
    let m = parse(BUSY);
    assert_eq!(
        m.retry_after(),
        Some(RetryAfter {
            seconds: 120,
            duration: Some(60),
            comment: Some("in a meeting".into())
        })
    );
    assert_eq!(
        m.warnings(),
        vec![
            Warning {
                code: 399,
                agent: "host".into(),
                text: "text, with comma".into()
            },
            Warning {
                code: 301,
                agent: "proxy.example.com".into(),
                text: "Incompatible network address type".into()
            }
        ]
    );
    assert_eq!(
        m.reasons(),
        vec![
            ReasonValue {
                protocol: "Q.850".into(),
                cause: Some(17),
                text: Some("User busy".into())
            },
            ReasonValue {
                protocol: "SIP".into(),
                cause: Some(486),
                text: None
            }
        ]
    );
    let to = m.to().unwrap();
    assert_eq!(to.uri, "sip:bob@biloxi.example.com");
    assert_eq!(to.tag.as_deref(), Some("8321234356"));
    assert_eq!(m.top_via().unwrap().rport.as_deref(), Some("5060"));
}

#[test]
fn compact_names() {
    let m = parse(COMPACT);
    assert_eq!(m.method(), Some(&Method::Subscribe));
    assert_eq!(m.call_id().as_deref(), Some("compact-1@client"));
    assert_eq!(m.top_via().unwrap().sent_by(), "client.example.com:5061");
    assert_eq!(m.top_via().unwrap().transport, "TCP");
    assert_eq!(m.from().unwrap().tag.as_deref(), Some("w1"));
    assert_eq!(m.to().unwrap().uri, "sip:presence@example.com");
    assert_eq!(m.contacts()[0].uri, "sip:watcher@192.0.2.9");
    assert_eq!(m.header(HeaderName::Event).as_deref(), Some("presence"));
    assert_eq!(m.tokens(HeaderName::Supported), strings(&["eventlist"]));
    assert_eq!(
        m.session_expires().unwrap().refresher.as_deref(),
        Some("uas")
    );
    assert_eq!(m.header_named("s").as_deref(), Some("hello"));
    assert_eq!(m.content_type().as_deref(), Some("text/plain"));
    assert_eq!(m.content_length(), Some(5));
    assert_eq!(m.body(), b"hello");
    assert!(m.anomalies().is_empty(), "{:?}", m.anomalies());
    assert_eq!(m.sdp().map(|r| r.is_ok()), None);
}

#[test]
fn folding_lf_only_ipv6_and_spaced_colon() {
    let m = parse(FOLDED_LF_IPV6);
    assert_eq!(m.method(), Some(&Method::Options));
    assert_eq!(m.request_uri().as_deref(), Some("sip:[2001:db8::2]"));
    let via = m.top_via().unwrap();
    assert_eq!(via.host, "2001:db8::1");
    assert_eq!(via.port, Some(5060));
    assert_eq!(via.sent_by(), "[2001:db8::1]:5060");
    assert_eq!(via.branch.as_deref(), Some("z9hG4bK1"));
    assert_eq!(m.header_name_text(&m.headers()[0]), "Via");
    assert_eq!(m.max_forwards(), Some(70));
    assert_eq!(m.call_id().as_deref(), Some("folded-1"));
    assert_eq!(m.to().unwrap().uri, "sip:[2001:db8::2]");
    assert_eq!(
        m.header_named("subject").as_deref(),
        Some("I know you're there, pick up the phone and talk to me!")
    );
    let subject = m.headers()[6];
    assert_eq!(subject.name, HeaderName::Other);
    // The span covers the continuation lines as written.
    assert_eq!(
        m.text(subject.value_span),
        "I know you're there,\n   pick up the phone\n\tand talk to me!"
    );
    assert_eq!(m.tokens(HeaderName::Accept), strings(&["application/sdp"]));
    assert!(m.anomalies().is_empty(), "{:?}", m.anomalies());
    // No Content-Length: the body is the rest, here nothing.
    assert_eq!(m.content_length(), None);
    assert_eq!(m.body(), b"");
}

#[test]
fn tel_uri_and_extension_method() {
    let m = parse(PING);
    assert_eq!(m.method(), Some(&Method::Other("PING".into())));
    assert_eq!(m.method().map(Method::as_str), Some("PING"));
    assert_eq!(
        m.request_uri().as_deref(),
        Some("tel:+15551234567;phone-context=example.com")
    );
    assert_eq!(
        m.from(),
        Some(NameAddr {
            display: None,
            uri: "tel:+15550001111".into(),
            tag: Some("p".into())
        })
    );
    assert_eq!(m.to().unwrap().uri, "tel:+15551234567");
    assert_eq!(
        m.cseq(),
        Some(CSeq {
            seq: 1,
            method: Method::Other("PING".into())
        })
    );
    assert!(m.anomalies().is_empty(), "{:?}", m.anomalies());
}

#[test]
fn latin1_bytes_are_kept_and_shown_lossily() {
    let mut raw =
        b"MESSAGE sip:b@x SIP/2.0\r\nFrom: \"Jos\xe9\" <sip:a@x>;tag=1\r\nSubject: caf\xe9\r\n\r\n"
            .to_vec();
    raw.extend_from_slice(b"body \xff");
    let m = Message::parse(&raw).unwrap();
    assert_eq!(m.method(), Some(&Method::Message));
    assert_eq!(m.from().unwrap().display.as_deref(), Some("Jos\u{fffd}"));
    assert_eq!(m.header_named("Subject").as_deref(), Some("caf\u{fffd}"));
    assert_eq!(m.body(), b"body \xff");
    assert_eq!(m.raw(), raw.as_slice());
}

#[test]
fn content_length_larger_than_available() {
    let m = parse("SIP/2.0 200 OK\r\nContent-Length: 100\r\n\r\nv=0\r\n");
    assert_eq!(m.content_length(), Some(100));
    assert_eq!(m.body(), b"v=0\r\n");
    assert!(m.anomalies().contains(&Anomaly::ContentLengthTooLarge {
        declared: 100,
        available: 5
    }));
}

#[test]
fn content_length_smaller_than_available() {
    let raw = "SIP/2.0 200 OK\r\nl: 3\r\n\r\nabcSIP/2.0 180 Ringing\r\n\r\n";
    let m = parse(raw);
    assert_eq!(m.body(), b"abc");
    assert!(m.anomalies().contains(&Anomaly::ContentLengthTooSmall {
        declared: 3,
        available: 26
    }));
    assert_eq!(m.message_span(), Span::new(0, 27));
}

#[test]
fn bad_and_missing_content_length() {
    let m = parse("SIP/2.0 200 OK\r\nContent-Length: 12abc\r\n\r\nbody");
    assert_eq!(m.content_length(), None);
    assert_eq!(m.body(), b"body");
    assert!(
        m.anomalies()
            .contains(&Anomaly::BadContentLength { offset: 32 })
    );

    let m = parse("SIP/2.0 200 OK\r\nContent-Length: 99999999999\r\n\r\n");
    assert!(matches!(
        m.anomalies().last(),
        Some(Anomaly::BadContentLength { .. })
    ));

    let m = parse("SIP/2.0 200 OK\r\n\r\nwhatever follows");
    assert_eq!(m.content_length(), None);
    assert_eq!(m.body(), b"whatever follows");
}

/// The duplicate and missing header checks are skipped when the bit sets
/// say there is nothing to report; one repeated or one absent header must
/// still be reported alone.
#[test]
fn one_repeated_or_missing_header_is_reported_alone() {
    let base = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a\r\nFrom: <sip:a@x>;tag=1\r\n\
        To: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n";
    assert_eq!(parse(&format!("{base}\r\n")).anomalies(), &[]);
    assert_eq!(
        parse(&format!("{base}To: <sip:c@x>\r\n\r\n")).anomalies(),
        &[Anomaly::DuplicateHeader(HeaderName::To)]
    );
    assert_eq!(
        parse(&(base.replace("Via: SIP/2.0/UDP a\r\n", "") + "\r\n")).anomalies(),
        &[Anomaly::MissingHeader(HeaderName::Via)]
    );
}

#[test]
fn missing_mandatory_headers() {
    let m = parse("INVITE sip:b@x SIP/2.0\r\n\r\n");
    assert_eq!(
        m.anomalies(),
        &[
            Anomaly::MissingHeader(HeaderName::To),
            Anomaly::MissingHeader(HeaderName::From),
            Anomaly::MissingHeader(HeaderName::CSeq),
            Anomaly::MissingHeader(HeaderName::CallId),
            Anomaly::MissingHeader(HeaderName::Via),
            Anomaly::MissingHeader(HeaderName::MaxForwards),
        ]
    );
    assert_eq!(
        m.anomalies()[3].describe(),
        "mandatory Call-ID header is missing"
    );
    let m = parse("SIP/2.0 100 Trying\r\n\r\n");
    assert!(
        !m.anomalies()
            .contains(&Anomaly::MissingHeader(HeaderName::MaxForwards))
    );
}

#[test]
fn truncated_headers() {
    let cut = &BAD_EXTENSION[..BAD_EXTENSION.find("From:").unwrap() + 10];
    let m = parse(cut);
    assert_eq!(m.status(), Some(StatusCode(420)));
    assert!(m.anomalies().contains(&Anomaly::NoBlankLine));
    assert_eq!(m.body(), b"");
    // The partial last line is kept as a header.
    assert_eq!(m.headers().len(), 3);
    assert_eq!(m.header(HeaderName::From).as_deref(), Some("\"Ali"));
}

#[test]
fn malformed_header_lines() {
    let m = parse(
        "SIP/2.0 200 OK\r\n  orphan continuation\r\nno colon here\r\n: empty name\r\nCall-ID: a\r\ncall-id: b\r\n\r\n",
    );
    assert_eq!(
        m.anomalies()[..4],
        [
            Anomaly::ContinuationWithoutHeader { offset: 16 },
            Anomaly::HeaderWithoutColon { offset: 39 },
            Anomaly::EmptyHeaderName { offset: 54 },
            Anomaly::DuplicateHeader(HeaderName::CallId),
        ]
    );
    assert_eq!(m.call_id().as_deref(), Some("a"));
    assert_eq!(m.header_all(HeaderName::CallId), vec!["a", "b"]);
    assert_eq!(
        m.anomalies()[1].describe(),
        "header line without a colon at byte 39"
    );
}

#[test]
fn start_line_irregularities() {
    let m = parse("SIP/2.0  503\r\n\r\n");
    assert_eq!(m.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(m.reason_phrase().as_deref(), Some(""));
    assert_eq!(
        m.anomalies()[..2],
        [
            Anomaly::BadStartLine {
                what: "extra whitespace in the status line"
            },
            Anomaly::BadStartLine {
                what: "status line without a reason phrase"
            },
        ]
    );
}

#[test]
fn keep_alives_before_message() {
    let m = parse("\r\n\r\nSIP/2.0 180 Ringing\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(m.start_line_text(), "SIP/2.0 180 Ringing");
    assert_eq!(m.start_line_span(), Span::new(4, 23));
    assert_eq!(m.message_span().start, 4);
}

#[test]
fn not_sip() {
    assert!(Message::parse(b"").is_none());
    assert!(Message::parse(b"\r\n\r\n\n").is_none());
    assert!(Message::parse(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").is_none());
    assert!(Message::parse(b"\x00\x01\x02\x03garbage").is_none());
    assert!(Message::parse(b"SIP/2.0 OK\r\n").is_none());
}

#[test]
fn start_line_only() {
    let m = parse("OPTIONS sip:x SIP/2.0");
    assert_eq!(m.method(), Some(&Method::Options));
    assert!(m.headers().is_empty());
    assert!(m.anomalies().contains(&Anomaly::NoBlankLine));
}

#[test]
fn contact_lists_for_redirects() {
    let m = parse(
        "SIP/2.0 302 Moved Temporarily\r\n\
Contact: \"Desk, 1\" <sip:desk@a.example;transport=tcp>;q=0.7, sip:mobile@b.example;q=0.3\r\n\
m: <tel:+15551230000>\r\n\
Expires: 3600\r\n\
Min-Expires: 60\r\n\
\r\n",
    );
    let contacts = m.contacts();
    assert_eq!(contacts.len(), 3);
    assert_eq!(contacts[0].display.as_deref(), Some("Desk, 1"));
    assert_eq!(contacts[0].uri, "sip:desk@a.example;transport=tcp");
    assert_eq!(contacts[1].uri, "sip:mobile@b.example");
    assert_eq!(contacts[2].uri, "tel:+15551230000");
    assert_eq!(m.expires(), Some(3600));
    assert_eq!(m.min_expires(), Some(60));
}

#[test]
fn prack_rseq_rack() {
    let m = parse("PRACK sip:bob@b.example SIP/2.0\r\nRAck: 776656 1 INVITE\r\nRSeq: 12\r\n\r\n");
    assert_eq!(m.method(), Some(&Method::Prack));
    assert_eq!(
        m.rack(),
        Some(RAck {
            rseq: 776656,
            cseq: 1,
            method: Method::Invite
        })
    );
    assert_eq!(m.rseq(), Some(12));
}

#[test]
fn multipart_sdp() {
    let body = "--unique-boundary-1\r\n\
Content-Type: application/isup;version=itu-t92+\r\n\
\r\n\
\x01\x02\x03\r\n\
--unique-boundary-1\r\n\
Content-Type: application/sdp\r\n\
\r\n\
v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\n\
\r\n--unique-boundary-1--\r\n";
    let raw = format!(
        "SIP/2.0 183 Session Progress\r\n\
Content-Type: multipart/mixed;boundary=\"unique-boundary-1\"\r\n\
Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let m = parse(&raw);
    let sdp = m.sdp().unwrap().unwrap();
    assert_eq!(sdp.media[0].formats[0].name(), "G729/8000");
    assert!(m.sdp_body().unwrap().starts_with(b"v=0\r\n"));
    assert!(m.sdp_body().unwrap().ends_with(b"RTP/AVP 18\r\n"));
}

#[test]
fn sdp_content_type_with_empty_body() {
    let m = parse("SIP/2.0 200 OK\r\nContent-Type: application/sdp\r\nContent-Length: 0\r\n\r\n");
    assert!(m.sdp().is_none());
    let m = parse("SIP/2.0 200 OK\r\nc: Application/SDP\r\n\r\ns=no version line");
    assert!(matches!(m.sdp(), Some(Err(SdpError::Malformed { .. }))));
}

#[test]
fn anomaly_descriptions_are_lowercase_without_period() {
    let all = [
        Anomaly::BadStartLine { what: "x" },
        Anomaly::HeaderWithoutColon { offset: 1 },
        Anomaly::EmptyHeaderName { offset: 1 },
        Anomaly::ContinuationWithoutHeader { offset: 1 },
        Anomaly::NoBlankLine,
        Anomaly::BadContentLength { offset: 1 },
        Anomaly::ContentLengthTooLarge {
            declared: 2,
            available: 1,
        },
        Anomaly::ContentLengthTooSmall {
            declared: 1,
            available: 2,
        },
        Anomaly::DuplicateHeader(HeaderName::CSeq),
        Anomaly::MissingHeader(HeaderName::Via),
        Anomaly::TooManyHeaders { dropped: 3 },
        Anomaly::TooManyAnomalies { dropped: 3 },
    ];
    for a in all {
        let d = a.describe();
        assert!(!d.ends_with('.'), "{d}");
        let first = d.chars().next().unwrap();
        // Descriptions start lower-case unless they start with a header name.
        assert!(
            first.is_lowercase() || d.starts_with("Content-Length") || d.starts_with("CSeq"),
            "{d}"
        );
    }
}

#[test]
fn text_of_out_of_range_span_is_empty() {
    let m = parse(PING);
    assert_eq!(m.text(Span { start: 5, end: 1 }), "");
    assert_eq!(
        m.text(Span {
            start: 0,
            end: u32::MAX
        }),
        ""
    );
}

/// A small xorshift generator: deterministic, no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Runs every accessor, so that a panic anywhere would show.
fn exercise(bytes: &[u8]) {
    let _ = crate::sip::looks_like_sip(bytes);
    let _ = crate::sip::frame_message(bytes);
    let Some(m) = Message::parse(bytes) else {
        return;
    };
    let _ = (
        m.start_line_text(),
        m.method(),
        m.status(),
        m.reason_phrase(),
    );
    let _ = (
        m.request_uri(),
        m.call_id(),
        m.cseq(),
        m.top_via(),
        m.vias(),
    );
    let _ = (
        m.via_count(),
        m.from(),
        m.to(),
        m.contacts(),
        m.max_forwards(),
    );
    for h in m.headers() {
        let _ = (m.header_value(h), m.header_name_text(h));
    }
    for name in HeaderName::ALL {
        let _ = m.tokens(name);
    }
    let _ = (
        m.session_expires(),
        m.min_se(),
        m.expires(),
        m.min_expires(),
    );
    let _ = (
        m.retry_after(),
        m.warnings(),
        m.reasons(),
        m.rseq(),
        m.rack(),
    );
    let _ = (
        m.content_length(),
        m.content_type(),
        m.body(),
        m.message_span(),
    );
    let _ = (m.sdp(), m.auth(HeaderName::WwwAuthenticate));
    for a in m.anomalies() {
        let _ = a.describe();
    }
}

const SAMPLES: [&str; 6] = [INVITE, BAD_EXTENSION, BUSY, COMPACT, FOLDED_LF_IPV6, PING];

#[test]
fn fuzz_every_prefix() {
    for s in SAMPLES {
        let b = s.as_bytes();
        for n in 0..=b.len() {
            exercise(&b[..n]);
        }
    }
}

#[test]
fn fuzz_mutations() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    // Bytes that matter to the grammar, so mutations hit interesting paths.
    let specials = b"\r\n \t:;,\"<>()[]/=\\0123456789\xff\x00";
    for round in 0..4000 {
        let base = SAMPLES[round % SAMPLES.len()].as_bytes();
        let mut b = base.to_vec();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(b.len() + 1);
            match rng.below(5) {
                0 if at < b.len() => b[at] = rng.next() as u8,
                1 if at < b.len() => b[at] = specials[rng.below(specials.len())],
                2 => b.insert(at, specials[rng.below(specials.len())]),
                3 if at < b.len() => {
                    let end = (at + rng.below(16)).min(b.len());
                    b.drain(at..end);
                }
                _ => {
                    // Splice a piece of another sample in.
                    let other = SAMPLES[rng.below(SAMPLES.len())].as_bytes();
                    let from = rng.below(other.len());
                    let to = (from + rng.below(40)).min(other.len());
                    let at = at.min(b.len());
                    b.splice(at..at, other[from..to].iter().copied());
                }
            }
        }
        exercise(&b);
    }
}

#[test]
fn fuzz_random_bytes() {
    let mut rng = XorShift(42);
    for _ in 0..2000 {
        let len = rng.below(300);
        let mut b: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if rng.below(2) == 0 {
            b.splice(0..0, b"SIP/2.0 200 OK\r\n".iter().copied());
        }
        exercise(&b);
    }
}

#[test]
fn sdp_is_parsed_once_and_kept() {
    let m = Message::parse(INVITE.as_bytes()).unwrap();
    assert!(m.has_sdp());
    let first = m.sdp_ref().unwrap();
    let second = m.sdp_ref().unwrap();
    assert!(std::ptr::eq(first, second), "the second call parses again");
    let expected = Sdp::parse(m.sdp_body().unwrap()).unwrap();
    assert_eq!(first.as_ref().unwrap(), &expected);
    assert_eq!(expected.media.first().map(|media| media.port), Some(49170));
    assert_eq!(m.sdp(), Some(Ok(expected)));

    let no_body = Message::parse(BAD_EXTENSION.as_bytes()).unwrap();
    assert!(!no_body.has_sdp());
    assert!(no_body.sdp_ref().is_none());
    assert_eq!(no_body.sdp(), None);
}

#[test]
fn top_via_is_parsed_once_and_kept() {
    let m = Message::parse(INVITE.as_bytes()).unwrap();
    let first = m.top_via_ref().unwrap();
    assert!(std::ptr::eq(first, m.top_via_ref().unwrap()));
    assert_eq!(first.branch.as_deref(), Some("z9hG4bK776asdhds"));
    assert_eq!(first.host, "pc33.atlanta.example.com");
    assert_eq!(m.top_via().as_ref(), Some(first));
}

#[test]
fn header_values_that_are_not_utf8_are_decoded_lossily() {
    let raw = b"OPTIONS sip:x@example.com SIP/2.0\r\nSubject: caf\xe9\r\nCall-ID: 1@h\r\n\r\n";
    let m = Message::parse(raw).unwrap();
    assert_eq!(m.header_named("Subject").as_deref(), Some("caf\u{fffd}"));
    assert_eq!(m.call_id().as_deref(), Some("1@h"));
    assert!(matches!(m.call_id(), Some(Cow::Borrowed(_))));
}

#[test]
fn from_and_to_are_parsed_once_and_kept() {
    let m = Message::parse(INVITE.as_bytes()).unwrap();
    let from = m.from_ref().unwrap();
    assert!(std::ptr::eq(from, m.from_ref().unwrap()));
    assert_eq!(from.tag.as_deref(), Some("1928301774"));
    assert_eq!(from.display.as_deref(), Some("Alice; the first, one"));
    assert_eq!(m.from().as_ref(), Some(from));
    let to = m.to_ref().unwrap();
    assert_eq!(to.uri, "sip:bob@biloxi.example.com");
    assert_eq!(to.tag, None);
    assert_eq!(m.to().as_ref(), Some(to));
}

#[test]
fn headers_beyond_the_cap_are_dropped_but_framing_headers_kept() {
    // Hostile input: 10 000 extension headers, then Call-ID and
    // Content-Length. The extension headers beyond MAX_HEADERS are dropped
    // and counted; Call-ID and Content-Length still frame and name the message.
    let mut raw = String::from("OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\n");
    for _ in 0..10_000 {
        raw.push_str("X: 1\r\n");
    }
    raw.push_str(" folded onto a dropped header\r\n");
    raw.push_str("Call-ID: late\r\nContent-Length: 2\r\n\r\nokEXTRA");
    let m = parse(&raw);
    // Via + 999 X headers, then Call-ID and Content-Length past the cap.
    assert_eq!(m.headers().len(), MAX_HEADERS + 2);
    assert_eq!(m.call_id().as_deref(), Some("late"));
    assert_eq!(m.body(), b"ok");
    assert_eq!(m.header_value(&m.headers()[MAX_HEADERS - 1]), "1");
    assert!(
        m.anomalies()
            .contains(&Anomaly::TooManyHeaders { dropped: 9_001 }),
        "{:?}",
        m.anomalies()
    );
}

#[test]
fn a_second_call_id_past_the_cap_is_dropped() {
    let mut raw = String::from("OPTIONS sip:b@x SIP/2.0\r\nCall-ID: first\r\n");
    for _ in 0..MAX_HEADERS {
        raw.push_str("X: 1\r\n");
    }
    raw.push_str("Call-ID: second\r\n\r\n");
    let m = parse(&raw);
    assert_eq!(m.headers().len(), MAX_HEADERS);
    assert_eq!(m.header_all(HeaderName::CallId), vec!["first"]);
    assert!(
        m.anomalies()
            .contains(&Anomaly::TooManyHeaders { dropped: 2 })
    );
    assert!(
        m.anomalies()
            .contains(&Anomaly::DuplicateHeader(HeaderName::CallId))
    );
}

#[test]
fn malformed_header_lines_are_counted_beyond_the_cap() {
    // Hostile input: 5 000 lines without a colon. The first ones are kept
    // as anomalies, the rest counted; whole-message anomalies still follow.
    let mut raw = String::from("OPTIONS sip:b@x SIP/2.0\r\n");
    for _ in 0..5_000 {
        raw.push_str("nocolon\r\n");
    }
    raw.push_str("\r\n");
    let m = parse(&raw);
    let per_line = m
        .anomalies()
        .iter()
        .filter(|a| matches!(a, Anomaly::HeaderWithoutColon { .. }))
        .count();
    assert_eq!(per_line, MAX_LINE_ANOMALIES);
    assert!(m.anomalies().contains(&Anomaly::TooManyAnomalies {
        dropped: 5_000 - MAX_LINE_ANOMALIES as u32
    }));
    assert!(
        m.anomalies()
            .contains(&Anomaly::MissingHeader(HeaderName::CallId))
    );
}

#[test]
fn multipart_delimiters_are_found_at_line_starts_only() {
    // A delimiter inside a line is not a delimiter (RFC 2046 §5.1.1).
    let body = "x--b\r\n--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b--\r\n";
    let raw = format!(
        "SIP/2.0 200 OK\r\nContent-Type: multipart/mixed;boundary=b\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    assert_eq!(parse(&raw).sdp_body(), Some(&b"v=0"[..]));
}

#[test]
fn borrowed_via_and_tag_accessors() {
    let m = Message::parse(INVITE.as_bytes()).unwrap();
    assert_eq!(m.top_via_branch(), Some("z9hG4bK776asdhds"));
    assert_eq!(
        m.top_via_sent_by(),
        Some(m.top_via().unwrap().sent_by().as_str())
    );
    assert_eq!(m.top_via_sent_by(), Some("pc33.atlanta.example.com"));
    assert_eq!(m.from_tag(), m.from().unwrap().tag.as_deref());
    assert_eq!(m.to_tag(), None);
    let raw = "SIP/2.0 200 OK\r\nv: SIP/2.0/UDP [2001:db8::9]:5062 ;branch=z9hG4bKv6, SIP/2.0/UDP h2\r\n\
t: <sip:b@h>;tag=tt\r\nf: <sip:a@h>;tag=ff\r\ni: 1@h\r\nCSeq: 1 INVITE\r\n\r\n";
    let m = Message::parse(raw.as_bytes()).unwrap();
    assert_eq!(m.top_via_sent_by(), Some("[2001:db8::9]:5062"));
    assert_eq!(m.top_via_branch(), Some("z9hG4bKv6"));
    assert_eq!((m.from_tag(), m.to_tag()), (Some("ff"), Some("tt")));
    // Two plain entries in one header: the first one is the top Via.
    let m = Message::parse(
        b"OPTIONS sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h1:5060;branch=z9hG4bKa,SIP/2.0/UDP h2;branch=z9hG4bKb\r\n\r\n",
    )
    .unwrap();
    assert_eq!(
        (m.top_via_branch(), m.top_via_sent_by()),
        (Some("z9hG4bKa"), Some("h1:5060"))
    );
    let m = Message::parse(b"OPTIONS sip:x@h SIP/2.0\r\nVia: garbage\r\n\r\n").unwrap();
    assert_eq!((m.top_via_branch(), m.top_via_sent_by()), (None, None));
    assert_eq!((m.from_tag(), m.to_tag()), (None, None));
}

/// The top Via key is kept as spans of the message when it can be, and as a
/// copy when the Via was folded, the sent-by rewritten or the message is
/// not UTF-8; each way it reads as the parsed Via does.
#[test]
fn via_key_from_spans_and_copies() {
    let cases: [&[u8]; 4] = [
        b"OPTIONS sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h:5060;branch=z9hG4bKa\r\n\r\n",
        b"OPTIONS sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h:05060;branch=\"z9hG4bKq\"\r\n\r\n",
        b"OPTIONS sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP\r\n h:5060\r\n ;branch=z9hG4bKf\r\n\r\n",
        b"OPTIONS sip:x@h SIP/2.0\r\nX: \xff\r\nVia: SIP/2.0/UDP h:5060;branch=z9hG4bKb\r\n\r\n",
    ];
    let expected = [
        ("z9hG4bKa", "h:5060"),
        ("z9hG4bKq", "h:5060"),
        ("z9hG4bKf", "h:5060"),
        ("z9hG4bKb", "h:5060"),
    ];
    for (raw, (branch, sent_by)) in cases.into_iter().zip(expected) {
        let m = Message::parse(raw).unwrap();
        assert_eq!(m.top_via_branch(), Some(branch));
        assert_eq!(m.top_via_sent_by(), Some(sent_by));
        let via = m.top_via().unwrap();
        assert_eq!(via.branch.as_deref(), Some(branch));
        assert_eq!(via.sent_by(), sent_by);
    }
}

/// The From and To URIs read alone agree with the parsed headers, before
/// and after those are parsed, folded or not.
#[test]
fn uris_alone_and_from_parsed_headers() {
    let raw = "OPTIONS sip:x@h SIP/2.0\r\nFrom: \"A\" <sip:a@h>;tag=1\r\nTo:\r\n <sip:b@h>\r\n\r\n";
    let m = Message::parse(raw.as_bytes()).unwrap();
    assert_eq!(m.from_uri().as_deref(), Some("sip:a@h"));
    assert_eq!(m.to_uri().as_deref(), Some("sip:b@h"));
    assert_eq!(m.from_ref().map(|a| a.uri.as_str()), Some("sip:a@h"));
    assert_eq!(m.to_ref().map(|a| a.uri.as_str()), Some("sip:b@h"));
    assert_eq!(m.from_uri().as_deref(), Some("sip:a@h"));
    assert_eq!(m.to_uri().as_deref(), Some("sip:b@h"));
    let m = Message::parse(b"OPTIONS sip:x@h SIP/2.0\r\nFrom: <>\r\n\r\n").unwrap();
    assert_eq!((m.from_uri(), m.to_uri()), (None, None));
}

/// The To tag and URI read in place agree with the parsed To, whether the
/// To has the plain shape (spans kept), was folded, is of another shape, the
/// message is not UTF-8 or the To was parsed first.
#[test]
fn to_tag_and_uri_in_place_agree_with_parsed_to() {
    let cases: [(&[u8], Option<&str>, Option<&str>); 7] = [
        (
            b"SIP/2.0 200 OK\r\nTo: <sip:b@h>;x=1;TAG=t1;tag=t2\r\n\r\n",
            Some("sip:b@h"),
            Some("t1"),
        ),
        (
            b"SIP/2.0 200 OK\r\nTo: \"B\" <sip:b@h>;tag=\r\n\r\n",
            Some("sip:b@h"),
            Some(""),
        ),
        (
            b"SIP/2.0 200 OK\r\nTo: <sip:b@h>;tag\r\n\r\n",
            Some("sip:b@h"),
            None,
        ),
        (
            b"SIP/2.0 200 OK\r\nTo: <sip:b@h>\r\n ;tag=f\r\n\r\n",
            Some("sip:b@h"),
            Some("f"),
        ),
        (
            b"SIP/2.0 200 OK\r\nTo: sip:b@h;tag=bare\r\n\r\n",
            Some("sip:b@h"),
            Some("bare"),
        ),
        (
            b"SIP/2.0 200 OK\r\nX: \xff\r\nTo: <sip:b@h>;tag=nb\r\n\r\n",
            Some("sip:b@h"),
            Some("nb"),
        ),
        (b"SIP/2.0 200 OK\r\nTo: <>;tag=t\r\n\r\n", None, None),
    ];
    for (raw, uri, tag) in cases {
        let m = Message::parse(raw).unwrap();
        assert_eq!(m.to_tag(), tag, "{}", String::from_utf8_lossy(raw));
        assert_eq!(m.to_uri().as_deref(), uri);
        assert_eq!(m.to_ref().and_then(|t| t.tag.as_deref()), tag);
        assert_eq!(m.to_ref().map(|t| t.uri.as_str()), uri);
        // Parsed first: the parsed To answers.
        let m = Message::parse(raw).unwrap();
        assert_eq!(m.to_ref().and_then(|t| t.tag.as_deref()), tag);
        assert_eq!((m.to_tag(), m.to_uri().as_deref()), (tag, uri));
    }
    let m = Message::parse(b"SIP/2.0 200 OK\r\nFrom: <sip:a@h>\r\n\r\n").unwrap();
    assert_eq!((m.to_tag(), m.to_uri()), (None, None));
}

/// The media type is compared in place, any case, parameters ignored.
#[test]
fn media_type_as_written() {
    let m = parse("SIP/2.0 200 OK\r\nContent-Type: Application/SDP ;x=1\r\n\r\nv=0\r\n");
    assert_eq!(m.media_type().as_deref(), Some("Application/SDP"));
    assert_eq!(m.content_type().as_deref(), Some("application/sdp"));
    assert_eq!(m.sdp_body(), Some(&b"v=0\r\n"[..]));
    let m = parse("SIP/2.0 200 OK\r\nContent-Type: application/sdp;v=\"a;b\"\r\n\r\nv=0\r\n");
    assert_eq!(m.media_type().as_deref(), Some("application/sdp"));
    assert_eq!(m.sdp_body(), Some(&b"v=0\r\n"[..]));
    let m = parse("SIP/2.0 200 OK\r\nContent-Type: application/sdpx\r\n\r\nv=0\r\n");
    assert_eq!(m.media_type().as_deref(), Some("application/sdpx"));
    assert_eq!(m.sdp_body(), None);
    let m = parse("SIP/2.0 200 OK\r\nContent-Type: ;x=1\r\n\r\nv=0\r\n");
    assert_eq!((m.media_type(), m.content_type()), (None, None));
    let m = parse("SIP/2.0 200 OK\r\nContent-Type:\r\n application/sdp\r\n\r\nv=0\r\n");
    assert_eq!(m.media_type().as_deref(), Some("application/sdp"));
    assert_eq!(m.sdp_body(), Some(&b"v=0\r\n"[..]));
}

#[test]
fn cseq_is_parsed_once_and_borrowed() {
    let m = parse(INVITE);
    let first = m.cseq_ref().expect("CSeq");
    assert_eq!(first.seq, 314159);
    assert_eq!(first.method, Method::Invite);
    // The second call returns the kept value, not a new parse.
    assert!(std::ptr::eq(first, m.cseq_ref().expect("CSeq")));
    assert_eq!(m.cseq().as_ref(), Some(first));
    let no_cseq = parse("SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\n");
    assert_eq!(no_cseq.cseq_ref(), None);
}

#[test]
fn message_stays_small_to_move() {
    // The lazily parsed values live behind one box: a `Message` is moved
    // several times on its way to its call.
    assert!(
        std::mem::size_of::<Message>() <= 160,
        "{}",
        std::mem::size_of::<Message>()
    );
}

/// `scan_line` and `find_lf_near` agree with a byte-by-byte reading on lines
/// of every length around the word and chunk sizes, with the colon and the
/// line end anywhere (or absent).
#[test]
fn scan_line_agrees_with_the_byte_walk() {
    use super::{LineParts, find_lf_near, scan_line};
    for len in 0..40 {
        for colon in (0..len).map(Some).chain([None]) {
            for end in ["", "\n", "\r\n", "\r", "\n\nmore: x\r\n"] {
                for lead in [0, 3] {
                    let mut buf = vec![b'x'; lead];
                    buf.extend((0..len).map(|i| if Some(i) == colon { b':' } else { b'a' }));
                    buf.extend_from_slice(end.as_bytes());
                    let lf = buf[lead..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map(|p| p + lead);
                    assert_eq!(find_lf_near(&buf, lead), lf, "{buf:?}");
                    let (lf, next) = lf.map_or((buf.len(), buf.len()), |lf| (lf, lf + 1));
                    let content_end = if lf > lead && buf[lf - 1] == b'\r' {
                        lf - 1
                    } else {
                        lf
                    };
                    let expected = LineParts {
                        colon: colon.map(|c| c + lead),
                        end: content_end,
                        next,
                    };
                    assert_eq!(scan_line(&buf, lead).0, expected, "{buf:?}");
                }
            }
        }
    }
    assert_eq!(
        scan_line(b"Via: SIP/2.0/UDP a\r\nTo: b\r\n", 0).0,
        LineParts {
            colon: Some(3),
            end: 18,
            next: 20
        }
    );
    assert_eq!(
        scan_line(b"no colon here\nTo: b", 0).0,
        LineParts {
            colon: None,
            end: 13,
            next: 14
        }
    );
}

/// The caches are allocated and zeroed for every message: the large,
/// rarely filled ones are boxed so that the rest stays small (it was 440
/// bytes with everything inline).
#[test]
fn parsed_caches_stay_small() {
    assert!(size_of::<Parsed>() <= 160, "{}", size_of::<Parsed>());
}

/// The header table is collected in a scratch table reused from one message
/// to the next: a message with fewer headers than the one before keeps only
/// its own, in order, and the accessors read them.
#[test]
fn header_scratch_keeps_nothing_of_the_previous_message() {
    let long = Message::parse(
        b"OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nX-A: 1\r\nX-B: 2\r\n\r\n",
    )
    .unwrap();
    assert_eq!(long.headers().len(), 8);
    let short = Message::parse(b"SIP/2.0 200 OK\r\nCall-ID: c2\r\nCSeq: 2 BYE\r\n\r\n").unwrap();
    let names: Vec<HeaderName> = short.headers().iter().map(|h| h.name).collect();
    assert_eq!(names, [HeaderName::CallId, HeaderName::CSeq]);
    assert_eq!(short.call_id().as_deref(), Some("c2"));
    assert_eq!(short.cseq().map(|c| c.seq), Some(2));
    assert_eq!(short.header_named("X-A"), None);
    assert_eq!(long.header_named("X-B").as_deref(), Some("2"));
}

#[test]
fn trims_sp_and_ht_only() {
    let line = b"Via: \t SIP/2.0/UDP a \t\r";
    assert_eq!(trim_range(line, 4, line.len()), (7, line.len()));
    assert_eq!(trim_range(line, 4, line.len() - 1), (7, 20));
    assert_eq!(trim_range(b"x:  \t ", 2, 6), (6, 6));
    assert_eq!(trim_range(b"x:", 2, 2), (2, 2));
    assert_eq!(trim_range(b"x:", 3, 2), (3, 2));
    assert_eq!(trim_range(b"x: ab", 2, 5), (3, 5));
    assert_eq!(trim_range(b"x: a b ", 2, 7), (3, 6));
    assert_eq!(trim_range(b"x:  ab", 2, 6), (4, 6));
    assert_eq!(trim_range(b"x: a", 2, 4), (3, 4));
    assert_eq!(trim_end(b"Via \t: x", 0, 5), 3);
    assert_eq!(trim_end(b"  :", 0, 2), 0);
    assert_eq!(trim_end(b"Via:", 0, 3), 3);
}

/// `touch` reads the byte at every 64th offset of the text, the end of every
/// third header value and whether each cache is filled.
#[test]
fn touch_combines_one_read_per_line() {
    let text = "OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n\r\n";
    let msg = parse(text);
    let bytes = text.as_bytes();
    let mut expected = u32::from(bytes[0] ^ bytes[64] ^ bytes[128]);
    for i in [0, 3] {
        expected ^= msg.headers()[i].value_span.end;
    }
    assert_eq!(msg.touch(), expected);
    // Reading CSeq fills its cache, which `touch` then counts.
    assert_eq!(msg.cseq().map(|c| c.seq), Some(1));
    assert_eq!(msg.touch(), expected ^ 1);
}

/// `is_ascii` is exact for every length up to three blocks, with a high
/// byte (or 0x7f) at every position; a message's bytes are kept as text
/// exactly when they are UTF-8.
#[test]
fn ascii_check_is_exact() {
    for len in 0..=200 {
        let plain = vec![b'a'; len];
        assert!(is_ascii(&plain), "{len}");
        for at in 0..len {
            for high in [0x80, 0xc3, 0xff] {
                let mut bytes = plain.clone();
                bytes[at] = high;
                assert!(!is_ascii(&bytes), "{len} {at} {high:#x}");
            }
            let mut bytes = plain.clone();
            bytes[at] = 0x7f;
            assert!(is_ascii(&bytes), "{len} {at}");
        }
    }
    assert!(matches!(Raw::new(b"SIP/2.0 200 OK\r\n"), Raw::Text(t) if &*t == "SIP/2.0 200 OK\r\n"));
    let utf8 = "From: \"J\u{f6}rg\" <sip:j@example.com>\r\n".as_bytes();
    assert!(matches!(Raw::new(utf8), Raw::Text(t) if t.as_bytes() == utf8));
    let latin1 = b"From: \"J\xf6rg\" <sip:j@example.com>\r\n";
    assert!(matches!(Raw::new(latin1), Raw::Bytes(b) if &*b == latin1));
}
