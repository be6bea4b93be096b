use super::*;

/// The IANA SIP response-code registry, as of the writing of the knowledge base.
const IANA: &[u16] = &[
    100, 180, 181, 182, 183, 199, 200, 202, 204, 300, 301, 302, 305, 380, 400, 401, 402, 403, 404,
    405, 406, 407, 408, 410, 412, 413, 414, 415, 416, 417, 420, 421, 422, 423, 424, 425, 428, 429,
    430, 433, 436, 437, 438, 439, 440, 469, 470, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489,
    491, 493, 494, 500, 501, 502, 503, 504, 505, 513, 555, 580, 600, 603, 604, 606, 607, 608,
];

#[test]
fn every_registered_code_is_present_exactly_once() {
    for code in IANA {
        let n = ENTRIES.iter().filter(|e| e.code == *code).count();
        assert_eq!(n, 1, "code {code}");
    }
    assert_eq!(ENTRIES.len(), IANA.len());
}

#[test]
fn entries_are_sorted_by_code() {
    for pair in ENTRIES.windows(2) {
        if let [a, b] = pair {
            assert!(a.code < b.code, "{} before {}", a.code, b.code);
        }
    }
}

#[test]
fn class_agrees_with_hundreds_digit() {
    for e in ENTRIES {
        let class = Class::of(e.code).expect("in range");
        assert_eq!(class.base_code(), e.code / 100 * 100, "code {}", e.code);
        assert_eq!(e.class(), class);
        assert_eq!(e.ends_call, e.code >= 300, "code {}", e.code);
        assert_eq!(class.is_final(), e.code >= 200);
    }
}

#[test]
fn no_empty_field_or_item() {
    for e in ENTRIES {
        assert!(!e.reason.trim().is_empty(), "reason of {}", e.code);
        assert!(!e.meaning.trim().is_empty(), "meaning of {}", e.code);
        assert!(e.when.len() >= 2, "when of {}", e.code);
        assert!(e.fix.len() >= 2, "fix of {}", e.code);
        assert!(!e.headers.is_empty(), "headers of {}", e.code);
        assert!(!e.refs.is_empty(), "refs of {}", e.code);
        for item in e.when.iter().chain(e.fix).chain(e.headers).chain(e.refs) {
            assert!(!item.trim().is_empty(), "empty item in {}", e.code);
            assert_eq!(item.trim(), *item, "untrimmed item in {}", e.code);
        }
        // Two spaces would betray a broken line continuation in the source.
        for text in [e.meaning].iter().chain(e.when).chain(e.fix) {
            assert!(!text.contains("  "), "double space in {}: {text}", e.code);
        }
    }
}

/// Matches `^RFC \d+( §\d+(\.\d+)*)?$` without a regex dependency.
fn is_well_formed_ref(r: &str) -> bool {
    let Some(rest) = r.strip_prefix("RFC ") else {
        return false;
    };
    let (number, section) = match rest.split_once(' ') {
        Some((n, s)) => (n, Some(s)),
        None => (rest, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(number) {
        return false;
    }
    match section {
        None => true,
        Some(s) => match s.strip_prefix('§') {
            Some(path) => path.split('.').all(digits),
            None => false,
        },
    }
}

#[test]
fn ref_checker_accepts_and_rejects() {
    assert!(is_well_formed_ref("RFC 3261"));
    assert!(is_well_formed_ref("RFC 3261 §21.4.15"));
    assert!(is_well_formed_ref("RFC 4028 §6"));
    assert!(!is_well_formed_ref("RFC3261"));
    assert!(!is_well_formed_ref("RFC 3261 21.4"));
    assert!(!is_well_formed_ref("RFC 3261 §21."));
    assert!(!is_well_formed_ref("RFC 3261 §"));
    assert!(!is_well_formed_ref("RFC 3261 §21.4 "));
}

#[test]
fn every_ref_is_well_formed() {
    for e in ENTRIES {
        for r in e.refs {
            assert!(is_well_formed_ref(r), "{} has ref {r:?}", e.code);
        }
    }
}

#[test]
fn every_header_is_known() {
    for e in ENTRIES {
        for h in e.headers {
            assert!(
                KNOWN_HEADERS.contains(h),
                "{} names unknown header {h}",
                e.code
            );
        }
    }
    let mut sorted = KNOWN_HEADERS.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        KNOWN_HEADERS.len(),
        "duplicate in KNOWN_HEADERS"
    );
}

#[test]
fn headers_the_brief_names_are_listed() {
    let has = |code: u16, names: &[&str]| {
        let e = lookup(code).expect("registered");
        for n in names {
            assert!(e.headers.contains(n), "{code} lacks {n}");
        }
    };
    has(
        420,
        &["Unsupported", "Require", "Proxy-Require", "Supported"],
    );
    has(422, &["Min-SE", "Session-Expires"]);
    has(405, &["Allow"]);
    has(501, &["Allow"]);
    has(423, &["Min-Expires", "Expires"]);
    has(415, &["Accept", "Accept-Encoding", "Accept-Language"]);
    has(401, &["WWW-Authenticate"]);
    has(407, &["Proxy-Authenticate"]);
    for code in [300, 301, 302, 305, 380] {
        has(code, &["Contact"]);
    }
    for code in [503, 480, 486, 600] {
        has(code, &["Retry-After"]);
    }
    has(488, &["Warning"]);
    has(606, &["Warning"]);
}

#[test]
fn lookup_finds_exact_codes_only() {
    let e = lookup(422).expect("422");
    assert_eq!(e.reason, "Session Interval Too Small");
    assert_eq!(e.refs.first(), Some(&"RFC 4028 §6"));
    assert_eq!(lookup(183).map(|e| e.reason), Some("Session Progress"));
    assert_eq!(
        lookup(481).map(|e| e.reason),
        Some("Call/Transaction Does Not Exist")
    );
    assert!(lookup(499).is_none());
    assert!(lookup(0).is_none());
    assert!(lookup(u16::MAX).is_none());
}

#[test]
fn resolve_falls_back_to_the_class() {
    let r = resolve(499).expect("499");
    assert_eq!(r.entry.code, 400);
    assert!(!r.exact);
    assert_eq!(r.code, 499);
    assert_eq!(r.label(), "499 (treated as 400 Bad Request)");

    let r = resolve(422).expect("422");
    assert!(r.exact);
    assert_eq!(r.entry.code, 422);
    assert_eq!(r.label(), "422 Session Interval Too Small");

    assert_eq!(resolve(299).map(|r| r.entry.code), Some(200));
    assert_eq!(resolve(399).map(|r| r.entry.code), Some(300));
    assert_eq!(resolve(599).map(|r| r.entry.code), Some(500));
    assert_eq!(resolve(699).map(|r| r.entry.code), Some(600));
    // RFC 3261 §8.1.3.2: an unknown provisional response is read as 183.
    assert_eq!(resolve(150).map(|r| r.entry.code), Some(183));
    assert!(resolve(999).is_none());
    assert!(resolve(99).is_none());
    assert!(resolve(700).is_none());
    assert!(resolve(0).is_none());
}

#[test]
fn parse_code_accepts_three_digits_in_range() {
    assert_eq!(parse_code("422"), Some(422));
    assert_eq!(parse_code(" 183\n"), Some(183));
    assert_eq!(parse_code("699"), Some(699));
    assert_eq!(parse_code("abc"), None);
    assert_eq!(parse_code("99"), None);
    assert_eq!(parse_code("1000"), None);
    assert_eq!(parse_code("099"), None);
    assert_eq!(parse_code("700"), None);
    assert_eq!(parse_code("+42"), None);
    assert_eq!(parse_code("4 2"), None);
    assert_eq!(parse_code(""), None);
    assert_eq!(parse_code("٤٢٢"), None);
}

#[test]
fn class_helpers() {
    assert_eq!(Class::of(99), None);
    assert_eq!(Class::of(100), Some(Class::Provisional));
    assert_eq!(Class::of(699), Some(Class::GlobalFailure));
    assert_eq!(Class::of(700), None);
    assert_eq!(Class::ClientError.name(), "client failure (4xx)");
    assert_eq!(Class::Provisional.name(), "provisional (1xx)");
    assert!(!Class::Provisional.is_final());
    assert!(Class::Success.is_final());
    assert!(Class::ClientError.summary().contains("RFC 3261 §21.4"));
    assert!(Class::GlobalFailure.summary().contains("RFC 3261 §21.6"));
}

#[test]
fn compare_gives_two_differences_for_every_pair() {
    for a in ENTRIES {
        for b in ENTRIES {
            let c = compare(a.code, b.code).expect("registered");
            assert!(
                c.differences.len() >= 2,
                "{} vs {}: {:?}",
                a.code,
                b.code,
                c.differences
            );
            assert!(c.differences.iter().all(|d| !d.trim().is_empty()));
            assert!(!c.when_a.is_empty() && !c.when_b.is_empty());
        }
    }
    assert!(compare(499, 498).is_some_and(|c| c.differences.len() >= 2));
    assert!(compare(100, 99).is_none());
    assert!(compare(1000, 200).is_none());
}

#[test]
fn compare_explains_well_known_pairs() {
    let c = compare(183, 420).expect("pair");
    assert!(c.differences.iter().any(|d| d.contains("provisional")));
    assert!(c.differences.iter().any(|d| d.contains("final")));

    let c = compare(486, 600).expect("pair");
    assert!(c.differences.iter().any(|d| d.contains("busy everywhere")));

    let c = compare(407, 401).expect("pair");
    assert!(
        c.differences
            .iter()
            .any(|d| d.contains("Proxy-Authenticate"))
    );
    assert_eq!(c.a.entry.code, 407);
    assert!(c.when_a.starts_with("407 Proxy Authentication Required: "));

    let c = compare(501, 405).expect("pair");
    assert!(c.differences.iter().any(|d| d.contains("Allow")));

    let c = compare(486, 486).expect("same");
    assert!(c.differences.iter().any(|d| d.starts_with("same code")));
}

#[test]
fn pair_table_is_ordered_and_registered() {
    for (a, b, text) in PAIRS {
        assert!(a < b, "pair ({a}, {b}) must be written low code first");
        assert!(lookup(*a).is_some() && lookup(*b).is_some());
        assert!(!text.is_empty());
    }
}

#[test]
fn gist_is_the_first_sentence() {
    let e = lookup(405).expect("405");
    assert_eq!(
        e.gist(),
        "The server knows the method but does not allow it for this Request-URI."
    );
}
