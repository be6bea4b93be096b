//! sip stage (being written).
