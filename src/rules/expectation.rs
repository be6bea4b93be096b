//! SD9000 expectation-failed: what `--expect FILE` states about a recorded flow
//! and the capture does not show. Raised by the expectations stage
//! ([`crate::expect`]), not by the per-call checks.

use super::{Rule, Severity};

pub const RULE: Rule = Rule {
    id: "SD9000",
    name: "expectation-failed",
    default_severity: Severity::Error,
    summary: "the capture does not show what the expectations file (--expect) states",
    explanation: EXPLANATION,
    check: super::Check::External,
};

const EXPLANATION: &str = "\
What it checks
  The expectations given with --expect FILE (TOML): the number of calls, and per call
  (selected by Call-ID, From/To user or order) the final response code or outcome, methods
  that must or must not appear, response codes that must never appear and the longest
  acceptable post-dial delay. Each expectation the capture does not meet is one finding,
  with the frames that contradict it.

Why it matters
  A QA team records a call flow once it works; replayed in CI, the same scenario must give
  the same flow. An expectation turns \"the call is answered and PRACK is used\" into a
  check that fails the pipeline when a new build changes the flow.

Example
  [[call]]
  index = 1
  final = 200
  methods = [\"PRACK\"]
  A capture where the call ends with 420 fails with: call 1 ended with 420, expected 200.

How to fix
  Either the flow regressed (fix the system under test) or the flow changed on purpose
  (update the expectations file).

References
  RFC 3261 §13, RFC 3261 §17, RFC 6076 §4.1";
