//! ITU-T Q.850 cause values, as carried in `Reason: Q.850;cause=N` (RFC 3326 §2)
//! by gateways that map an ISDN/SS7 release to SIP.

/// A Q.850 cause value and its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cause {
    pub value: u16,
    pub name: &'static str,
}

/// The cause values sipdiag names, in ascending order.
pub static CAUSES: &[Cause] = &[
    c(1, "unallocated (unassigned) number"),
    c(2, "no route to specified transit network"),
    c(3, "no route to destination"),
    c(6, "channel unacceptable"),
    c(16, "normal call clearing"),
    c(17, "user busy"),
    c(18, "no user responding"),
    c(19, "no answer from user (user alerted)"),
    c(20, "subscriber absent"),
    c(21, "call rejected"),
    c(22, "number changed"),
    c(26, "non-selected user clearing"),
    c(27, "destination out of order"),
    c(28, "invalid number format (address incomplete)"),
    c(29, "facility rejected"),
    c(31, "normal, unspecified"),
    c(34, "no circuit/channel available"),
    c(38, "network out of order"),
    c(41, "temporary failure"),
    c(42, "switching equipment congestion"),
    c(43, "access information discarded"),
    c(44, "requested circuit/channel not available"),
    c(47, "resource unavailable, unspecified"),
    c(50, "requested facility not subscribed"),
    c(55, "incoming calls barred within CUG"),
    c(57, "bearer capability not authorized"),
    c(58, "bearer capability not presently available"),
    c(63, "service or option not available, unspecified"),
    c(65, "bearer capability not implemented"),
    c(69, "requested facility not implemented"),
    c(79, "service or option not implemented, unspecified"),
    c(87, "user not member of CUG"),
    c(88, "incompatible destination"),
    c(95, "invalid message, unspecified"),
    c(102, "recovery on timer expiry"),
    c(111, "protocol error, unspecified"),
    c(127, "interworking, unspecified"),
];

const fn c(value: u16, name: &'static str) -> Cause {
    Cause { value, name }
}

/// The name of a cause value, if sipdiag knows it.
pub fn name(value: u16) -> Option<&'static str> {
    CAUSES.iter().find(|c| c.value == value).map(|c| c.name)
}

/// Causes of the normal class that say the callee or the caller ended the
/// call on purpose (busy, no answer, rejected, normal clearing).
pub fn is_normal_outcome(value: u16) -> bool {
    matches!(value, 16 | 17 | 18 | 19 | 21 | 26 | 31)
}

/// Causes 32 and above: resources, network, service, protocol or interworking
/// failures, never a person's decision.
pub fn is_network_failure(value: u16) -> bool {
    value >= 32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_named() {
        assert!(CAUSES.windows(2).all(|w| w[0].value < w[1].value));
        assert!(CAUSES.iter().all(|c| !c.name.is_empty() && c.value <= 127));
        assert_eq!(name(17), Some("user busy"));
        assert_eq!(name(34), Some("no circuit/channel available"));
        assert_eq!(name(200), None);
        assert!(is_normal_outcome(17) && !is_normal_outcome(34));
        assert!(is_network_failure(41) && !is_network_failure(21));
    }
}
