//! reassembly stage (being written).
