//! Dialogs: what the INVITEs of a call established (RFC 3261 §12).
//!
//! A dialog is identified by the Call-ID, the caller's From tag and the
//! callee's To tag. A response to an INVITE with a To tag (other than 100)
//! creates an early dialog; a 2xx confirms it (RFC 3261 §12.1). One INVITE
//! answered with several To tags was forked by a proxy: each tag is its own
//! early dialog, and more than one of them may be confirmed (RFC 3261
//! §13.2.2.4). Responses to a re-INVITE (whose request already carries a To
//! tag) belong to the dialog they were sent in and create nothing new.

use super::{Call, from_tag_like, lacks_to_tag};
use crate::capture::FrameNo;
use crate::sip::{Method, StatusCode};

/// How far a dialog got, as far as the capture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogState {
    /// Created by a provisional response; no 2xx for this To tag was captured.
    Early,
    /// Confirmed by a 2xx.
    Confirmed,
    /// An early dialog ended by a final failure response with its To tag.
    Terminated,
}

impl DialogState {
    pub fn as_str(self) -> &'static str {
        match self {
            DialogState::Early => "early",
            DialogState::Confirmed => "confirmed",
            DialogState::Terminated => "terminated",
        }
    }
}

/// One dialog of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    pub call_id: String,
    /// The caller's tag (From of the INVITE), as seen from the caller.
    pub local_tag: String,
    /// The callee's tag (To of the responses).
    pub remote_tag: String,
    /// The INVITE transaction (index in [`Call::transactions`]) that created it.
    pub invite_tx: usize,
    /// The frame of the first response carrying `remote_tag`.
    pub created_frame: FrameNo,
    /// The status code of that first response.
    pub created_by: StatusCode,
    /// The frame of the 2xx that confirmed it.
    pub confirmed_frame: Option<FrameNo>,
    pub state: DialogState,
}

/// Most dialogs listed per call; further To tags are ignored.
pub const MAX_DIALOGS_PER_CALL: usize = 64;

pub(super) fn dialogs_of(call: &Call) -> Vec<Dialog> {
    let mut out: Vec<Dialog> = Vec::new();
    for (tx, t) in call.transactions.iter().enumerate() {
        if t.method != Method::Invite {
            continue;
        }
        // A re-INVITE (To tag in the request) stays in its dialog.
        let request = call.request_of(tx);
        if request.is_some_and(|r| !lacks_to_tag(&r.msg)) {
            continue;
        }
        for record in t.responses.iter().filter_map(|&i| call.records.get(i)) {
            let Some(status) = record.status() else {
                continue;
            };
            if status.0 == 100 || record.retransmission {
                continue;
            }
            // Tags are compared borrowed; a dialog copies them once, when created.
            let Some(remote_tag) = record.msg.to_tag() else {
                continue;
            };
            let local_tag = from_tag_like(&record.msg, request.map(|r| &r.msg)).unwrap_or_default();
            let existing = out.iter_mut().find(|d| {
                d.invite_tx == tx && d.remote_tag == remote_tag && d.local_tag == local_tag
            });
            let dialog = match existing {
                Some(d) => d,
                None if status.is_provisional() || status.is_success() => {
                    if out.len() >= MAX_DIALOGS_PER_CALL {
                        continue;
                    }
                    out.push(Dialog {
                        call_id: call.call_id.clone(),
                        local_tag: local_tag.to_string(),
                        remote_tag: remote_tag.to_string(),
                        invite_tx: tx,
                        created_frame: record.frame,
                        created_by: status,
                        confirmed_frame: None,
                        state: DialogState::Early,
                    });
                    match out.last_mut() {
                        Some(d) => d,
                        None => continue,
                    }
                }
                // A failure with a tag no provisional response used creates nothing.
                None => continue,
            };
            if status.is_success() {
                dialog.state = DialogState::Confirmed;
                dialog.confirmed_frame.get_or_insert(record.frame);
            } else if status.is_final() && dialog.state == DialogState::Early {
                dialog.state = DialogState::Terminated;
            }
        }
    }
    out
}
