//! rules stage (being written).
