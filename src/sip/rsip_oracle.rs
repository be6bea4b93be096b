//! Differential tests against rsip (being written).
