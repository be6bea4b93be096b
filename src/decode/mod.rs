//! decode stage (being written).
