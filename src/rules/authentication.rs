//! SD0401 authentication-challenge: 401/407 digest challenges, answered or looping.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, answered_method, meaning, next_attempt,
    push_describe, push_status_text, request_and_response, responses_in, status_text,
};
use std::borrow::Cow;

use crate::correlate::Record;
use crate::sip::{AuthView, HeaderName};

pub(super) const RULE: Rule = Rule {
    id: "SD0401",
    name: "authentication-challenge",
    default_severity: Severity::Warning,
    summary: "401/407 challenge: answered by a successful retry, repeated, or refused with 403",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 401 Unauthorized and 407 Proxy Authentication Required. It quotes the challenge
  (scheme, realm, nonce, stale, algorithm, qop), follows the client's retry with credentials
  (Authorization or Proxy-Authorization) and looks at how that retry ended.

Why it matters
  A challenge answered by a retry that succeeds is how digest authentication works: nothing
  is wrong. A second challenge after the retry, or a 403 Forbidden, means the credentials
  were refused: a wrong password or user name, a realm the client has no account for, or a
  nonce the server no longer accepts. With `stale=true` the server says only the nonce was
  old and the client should retry with the new nonce without asking the user again
  (RFC 3261 §22.4, RFC 7616 §3.3).

Severity
  info when the retry with credentials succeeded; error when the retry was challenged again
  or refused (401/407 again, 403); warning when the challenge was not answered in the capture.

Example
  REGISTER → 401 (realm=\"sipdiag.test\", nonce=\"4f9a\") → REGISTER (Authorization, nonce=\"4f9a\")
  → 401 (same realm, stale=FALSE): the password is wrong.

How to fix
  Check the user name, password and realm configured on the client against the server's
  account; make the client answer `stale=true` with a fresh computation on the new nonce;
  a 403 after credentials means the account exists but is not allowed (wrong password,
  blocked, IP not permitted).

References
  RFC 3261 §8.1.3.5, RFC 3261 §22.2, RFC 3261 §22.3, RFC 3261 §22.4, RFC 7616 §3.3";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_in(scope.call, &[401, 407]) {
        // A challenge that is itself the answer to a retry with credentials is
        // reported with the first challenge of the chain.
        if scope
            .call
            .request_for(response)
            .is_some_and(has_credentials)
            && earlier_challenge(scope, response)
        {
            continue;
        }
        out.push(diagnose(scope, response));
    }
}

fn challenge_header(code: u16) -> HeaderName {
    if code == 407 {
        HeaderName::ProxyAuthenticate
    } else {
        HeaderName::WwwAuthenticate
    }
}

/// The request's credentials (Authorization, then Proxy-Authorization), read
/// in place (not collected: most diagnostics read them once).
fn credentials(request: &Record) -> impl Iterator<Item = AuthView<'_>> {
    request
        .msg
        .auth_views(HeaderName::Authorization)
        .chain(request.msg.auth_views(HeaderName::ProxyAuthorization))
}

fn has_credentials(request: &Record) -> bool {
    credentials(request).next().is_some()
}

/// Is there a challenge earlier in the call for the same method?
fn earlier_challenge(scope: &Scope<'_>, response: &Record) -> bool {
    let method = answered_method(scope.call, response);
    responses_in(scope.call, &[401, 407])
        .any(|r| r.frame < response.frame && answered_method(scope.call, r) == method)
}

/// The challenge parameters quoted in the evidence, read in one pass.
const CHALLENGE_PARAMS: [&str; 5] = ["realm", "nonce", "stale", "algorithm", "qop"];

/// How the notes introduce each of [`CHALLENGE_PARAMS`]: one copy per
/// parameter instead of three.
const CHALLENGE_LABELS: [&str; 5] = [" realm=", " nonce=", " stale=", " algorithm=", " qop="];

/// `challenge: Digest realm=... nonce=... stale=... algorithm=... qop=...`,
/// the parameters present.
fn challenge_note(auth: &AuthView<'_>, params: &[Option<Cow<'_, str>>; 5]) -> String {
    let mut note = String::with_capacity(128);
    note.push_str("challenge: ");
    note.push_str(auth.scheme());
    for (label, value) in CHALLENGE_LABELS.iter().zip(params) {
        if let Some(v) = value {
            note.push_str(label);
            note.push_str(v);
        }
    }
    note
}

/// `credentials: Digest username=... realm=... nonce=...`, `?` for what is
/// missing.
fn credentials_note(auth: &AuthView<'_>) -> String {
    let mut note = String::with_capacity(128);
    note.push_str("credentials: ");
    note.push_str(auth.scheme());
    let labels = [" username=", " realm=", " nonce="];
    for (label, value) in labels
        .iter()
        .zip(auth.params_named(["username", "realm", "nonce"]))
    {
        note.push_str(label);
        note.push_str(value.as_deref().unwrap_or("?"));
    }
    note
}

fn diagnose(scope: &Scope<'_>, response: &Record) -> Diagnostic {
    let mut d = Diagnostic::about(&RULE, scope, response);
    // The usual evidence at once (two start lines, the challenge and its
    // note, the retry's start line, its credentials and how it ended):
    // growing the list step by step costs more.
    d.evidence.reserve_exact(7);
    let code = response.status().map_or(401, |s| s.0);
    d.why = response.status().map(meaning).unwrap_or_default();
    let method = answered_method(scope.call, response);
    request_and_response(&mut d, scope.call, response);
    let header = challenge_header(code);
    d.evidence.extend(Evidence::headers(response, header));
    // Each challenge's parameters read once: its note, and the first realm
    // and nonce among them. The first challenge (nearly always the only
    // one) is kept, so that its realm and nonce are borrowed, not copied.
    let mut views = response.msg.auth_views(header);
    let first = views.next();
    let first_params = first.as_ref().map(|c| c.params_named(CHALLENGE_PARAMS));
    let mut realm: Option<Cow<'_, str>> = None;
    let mut nonce: Option<Cow<'_, str>> = None;
    let mut challenges = 0;
    if let (Some(c), Some(params)) = (&first, &first_params) {
        challenges += 1;
        d.evidence
            .push(Evidence::note(response.frame, challenge_note(c, params)));
        realm = params[0].as_deref().map(Cow::Borrowed);
        nonce = params[1].as_deref().map(Cow::Borrowed);
    }
    for c in views {
        challenges += 1;
        let params = c.params_named(CHALLENGE_PARAMS);
        d.evidence
            .push(Evidence::note(response.frame, challenge_note(&c, &params)));
        let [later_realm, later_nonce, ..] = params;
        if realm.is_none() {
            realm = later_realm.map(|r| Cow::Owned(r.into_owned()));
        }
        if nonce.is_none() {
            nonce = later_nonce.map(|n| Cow::Owned(n.into_owned()));
        }
    }
    let realm = realm.unwrap_or_default();
    if challenges == 0 {
        d.evidence.push(Evidence::note(
            response.frame,
            format!("the {code} carries no {header} challenge (RFC 3261 §22.1 requires one)"),
        ));
    }
    d.message = String::with_capacity(128);
    push_status_text(&mut d.message, response);
    d.message.push_str(" to ");
    d.message.push_str(method);
    if !realm.is_empty() {
        d.message.push_str(" (realm \"");
        d.message.push_str(&realm);
        d.message.push_str("\")");
    }

    // Follow the chain of retries with credentials.
    let mut current = response;
    // The nonces the server sent: the first challenge's, then those of
    // later challenges (a list allocated only when there are some).
    let mut later_nonces: Vec<String> = Vec::new();
    let mut rounds = 0;
    loop {
        let Some(attempt) = next_attempt(scope.call, current) else {
            if rounds == 0 {
                d.evidence.push(Evidence::note(
                    response.frame,
                    "the challenge was not answered in the capture",
                ));
                d.message.push_str("; not answered in the capture");
                d.fix = Some(format!(
                    "configure credentials for realm \"{realm}\" on the client so that it answers the challenge"
                ).into());
            }
            break;
        };
        rounds += 1;
        let retry = attempt.request;
        d.evidence.push(Evidence::start_line(retry));
        let mut creds = 0;
        for c in credentials(retry) {
            creds += 1;
            d.evidence
                .push(Evidence::note(retry.frame, credentials_note(&c)));
        }
        if creds == 0 {
            d.evidence.push(Evidence::note(
                retry.frame,
                "the retry carries no Authorization or Proxy-Authorization",
            ));
        }
        let Some(fin) = attempt.final_response else {
            d.evidence.push(Evidence::note(
                retry.frame,
                "the retry has no final response in the capture",
            ));
            break;
        };
        let status = fin.status().map_or(0, |s| s.0);
        let mut got = String::with_capacity(64);
        got.push_str("the retry got ");
        push_describe(&mut got, fin);
        d.evidence.push(Evidence::note(fin.frame, got));
        match status {
            200..=299 if rounds == 1 => {
                d.severity = Severity::Info;
                d.message
                    .push_str("; the authenticated retry succeeded (normal digest challenge)");
                d.fix = None;
                break;
            }
            200..=299 => {
                d.message.push_str(&format!(
                    "; succeeded only after {rounds} authenticated retries"
                ));
                break;
            }
            401 | 407 => {
                let again: Vec<AuthView<'_>> =
                    fin.msg.auth_views(challenge_header(status)).collect();
                d.evidence
                    .extend(Evidence::headers(fin, challenge_header(status)));
                let stale = again.iter().any(|c| {
                    c.param("stale")
                        .is_some_and(|s| s.eq_ignore_ascii_case("true"))
                });
                let new_nonce = again.iter().find_map(|c| c.param("nonce"));
                let creds: Vec<AuthView<'_>> = credentials(retry).collect();
                let used: Vec<Cow<'_, str>> =
                    creds.iter().filter_map(|c| c.param("nonce")).collect();
                if let Some(n) = new_nonce {
                    let mut seen_nonces = nonce
                        .iter()
                        .map(|s| s.as_ref())
                        .chain(later_nonces.iter().map(String::as_str));
                    if seen_nonces.any(|s| *s == *n) {
                        d.evidence.push(Evidence::note(
                            fin.frame,
                            format!("the server repeats nonce {n}: it is not asking for a new computation, it refuses the credentials"),
                        ));
                    }
                    later_nonces.push(n.into_owned());
                }
                if used.len() == 1
                    && nonce
                        .iter()
                        .map(|s| s.as_ref())
                        .chain(later_nonces.iter().map(String::as_str))
                        .filter(|s| used.iter().any(|u| u.as_ref() == *s))
                        .count()
                        > 1
                {
                    d.evidence.push(Evidence::note(
                        retry.frame,
                        format!("the client reuses nonce {}", used.join(", ")),
                    ));
                }
                if stale {
                    d.evidence.push(Evidence::note(
                        fin.frame,
                        "stale=true: only the nonce was outdated; the client should retry with the new nonce",
                    ));
                    current = fin;
                    if rounds < 4 {
                        continue;
                    }
                }
                d.severity = Severity::Error;
                d.message.push_str(&format!(
                    "; the credentials were refused: challenged again ({}){}",
                    status_text(fin),
                    if stale { "" } else { ", stale=FALSE" }
                ));
                d.fix = Some(format!(
                    "check the user name and password configured for realm \"{realm}\"; the server refused the digest response"
                ).into());
                break;
            }
            403 => {
                d.severity = Severity::Error;
                d.message
                    .push_str("; the credentials were refused with 403 Forbidden");
                d.fix = Some(format!(
                    "check the account for realm \"{realm}\": wrong password, blocked user or a source address the server does not accept"
                ).into());
                break;
            }
            _ => {
                d.message.push_str(&format!(
                    "; the authenticated retry got {}",
                    status_text(fin)
                ));
                break;
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_labels_name_the_challenge_params() {
        for (label, name) in CHALLENGE_LABELS.iter().zip(CHALLENGE_PARAMS) {
            assert_eq!(*label, format!(" {name}="));
        }
    }

    #[test]
    fn notes_quote_the_parameters_present() {
        let challenge = AuthView::parse(Cow::Borrowed(
            r#"Digest realm="sipdiag.test", nonce="4f9a", algorithm=MD5, qop="auth""#,
        ))
        .unwrap();
        let params = challenge.params_named(CHALLENGE_PARAMS);
        assert_eq!(
            challenge_note(&challenge, &params),
            "challenge: Digest realm=sipdiag.test nonce=4f9a algorithm=MD5 qop=auth"
        );
        let credentials =
            AuthView::parse(Cow::Borrowed(r#"Digest username="alice", nonce="4f9a""#)).unwrap();
        assert_eq!(
            credentials_note(&credentials),
            "credentials: Digest username=alice realm=? nonce=4f9a"
        );
    }
}
