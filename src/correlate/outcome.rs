//! The outcome of a call, judged from its messages.

use super::Call;
use crate::sip::{Method, StatusCode};

/// How a call ended, as far as the capture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The last initial INVITE got a 2xx.
    Answered(StatusCode),
    /// The last initial INVITE got a final failure (3xx–6xx).
    Rejected(StatusCode),
    /// The caller sent CANCEL and the INVITE ended with 487 (or no final response).
    Cancelled,
    /// A request was captured and got provisional responses only.
    NoFinalResponse,
    /// A request was captured and got no response at all.
    Unanswered,
    /// A call without INVITE whose first request got a 2xx (OPTIONS, MESSAGE ...).
    Completed(StatusCode),
    /// A call without INVITE whose first request got a failure.
    Failed(StatusCode),
    /// Only responses were captured.
    RequestNotCaptured,
}

impl Outcome {
    /// The name used in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered(_) => "answered",
            Outcome::Rejected(_) => "rejected",
            Outcome::Cancelled => "cancelled",
            Outcome::NoFinalResponse => "no-final-response",
            Outcome::Unanswered => "unanswered",
            Outcome::Completed(_) => "completed",
            Outcome::Failed(_) => "failed",
            Outcome::RequestNotCaptured => "request-not-captured",
        }
    }

    /// Every outcome, for reports that count calls by outcome.
    pub const NAMES: [&'static str; 8] = [
        "answered",
        "rejected",
        "cancelled",
        "no-final-response",
        "unanswered",
        "completed",
        "failed",
        "request-not-captured",
    ];

    /// Did the call or request end well (answered, completed, or cancelled by
    /// the caller)?
    pub fn is_success(self) -> bool {
        matches!(
            self,
            Outcome::Answered(_) | Outcome::Completed(_) | Outcome::Cancelled
        )
    }

    /// The final status code behind the outcome, if any.
    pub fn status(self) -> Option<StatusCode> {
        match self {
            Outcome::Answered(s)
            | Outcome::Rejected(s)
            | Outcome::Completed(s)
            | Outcome::Failed(s) => Some(s),
            Outcome::Cancelled
            | Outcome::NoFinalResponse
            | Outcome::Unanswered
            | Outcome::RequestNotCaptured => None,
        }
    }
}

pub(super) fn judge(call: &Call) -> Outcome {
    if let Some(tx) = call.last_initial_invite() {
        let cancelled = call
            .transactions
            .iter()
            .any(|t| matches!(t.method, Method::Cancel));
        return match call.final_response(tx).and_then(|r| r.status()) {
            Some(s) if s.is_success() => Outcome::Answered(s),
            Some(s) if s.0 == 487 && cancelled => Outcome::Cancelled,
            Some(s) => Outcome::Rejected(s),
            None if cancelled => Outcome::Cancelled,
            None if call
                .transactions
                .get(tx)
                .is_some_and(|t| t.responses.is_empty()) =>
            {
                Outcome::Unanswered
            }
            None => Outcome::NoFinalResponse,
        };
    }
    // A capture that starts after the INVITE: judge by the INVITE's responses.
    if let Some(s) = call
        .transactions
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, t)| t.method == Method::Invite && t.request.is_none())
        .find_map(|(tx, _)| call.final_response(tx).and_then(|r| r.status()))
    {
        return if s.is_success() {
            Outcome::Answered(s)
        } else {
            Outcome::Rejected(s)
        };
    }
    // The last attempt of the call's first request method: a REGISTER answered
    // 401 and retried with credentials ends with the retry's response.
    let first_request_tx = call
        .records
        .iter()
        .find(|r| r.msg.is_request() && r.msg.method() != Some(&Method::Ack))
        .map(|r| {
            call.later_attempts(r.tx)
                .filter(|(tx, _)| call.request_of(*tx).is_some())
                .map(|(tx, _)| tx)
                .last()
                .unwrap_or(r.tx)
        });
    match first_request_tx {
        Some(tx) => match call.final_response(tx).and_then(|r| r.status()) {
            Some(s) if s.is_success() => Outcome::Completed(s),
            Some(s) => Outcome::Failed(s),
            None if call
                .transactions
                .get(tx)
                .is_some_and(|t| t.responses.is_empty()) =>
            {
                Outcome::Unanswered
            }
            None => Outcome::NoFinalResponse,
        },
        None => Outcome::RequestNotCaptured,
    }
}
