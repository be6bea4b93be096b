//! kb stage (being written).
