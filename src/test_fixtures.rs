//! The committed captures, for tests that run over all of them, and the
//! one-byte mutations differential tests feed to a fast path and its oracle.

use std::path::{Path, PathBuf};

/// The `fixtures/` directory of the crate.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every capture (`.pcap`, `.pcapng`) under `fixtures/`, subdirectories
/// included, sorted by path.
pub(crate) fn captures() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let mut dirs = vec![root()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "pcap" || e == "pcapng")
            {
                paths.push(path);
            }
        }
    }
    paths.sort();
    assert!(
        paths.len() > 50,
        "fixtures not found under {}",
        root().display()
    );
    paths
}

/// Every capture [`captures`] lists that opens, analysed with the default
/// options.
pub(crate) fn analyses() -> Vec<crate::analysis::InputAnalysis> {
    captures()
        .iter()
        .filter_map(|p| {
            let mut source = crate::capture::FileSource::open(p).ok()?;
            Some(crate::analysis::analyze(
                p.display().to_string(),
                &mut source,
            ))
        })
        .collect()
}

/// `base`, then every variant one byte away from it (each byte of `subs`
/// inserted at every position or put in place of every byte, every byte
/// deleted), then every proper prefix of `base`.
pub(crate) fn byte_mutations(base: &[u8], subs: &[u8]) -> Vec<Vec<u8>> {
    let mut variants = vec![base.to_vec()];
    for i in 0..=base.len() {
        for &b in subs {
            let mut v = base.to_vec();
            v.insert(i, b);
            variants.push(v);
            if i < base.len() {
                let mut v = base.to_vec();
                v[i] = b;
                variants.push(v);
            }
        }
        if i < base.len() {
            let mut v = base.to_vec();
            v.remove(i);
            variants.push(v);
        }
    }
    variants.extend((0..base.len()).map(|n| base[..n].to_vec()));
    variants
}
