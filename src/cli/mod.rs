//! cli stage (being written).
