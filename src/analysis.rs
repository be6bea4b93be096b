//! Wires the pipeline stages together.
