//! correlate stage (being written).
