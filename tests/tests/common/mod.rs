//! Helpers shared by the proof tests: vaults, raw file snapshots, a byte scanner
//! and a small deterministic PRNG. Each test binary uses only some of them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use laowu_core::store::{KeyVault, SoftwareVault};

// Not every test binary checks in.
#[allow(unused_imports)]
pub use laowu_tests::sensors;
pub mod server;

/// The software vault of `home`, creating its master key if there is none.
pub fn vault(home: &Path) -> Arc<dyn KeyVault> {
    Arc::new(SoftwareVault::open_or_create(home).expect("create vault.key"))
}

/// The software vault of `home` as it is: never creates a key.
pub fn existing_vault(home: &Path) -> Arc<dyn KeyVault> {
    Arc::new(SoftwareVault::open(home))
}

/// Every regular file under `dir` (recursively), path relative to `dir` → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    collect(dir, dir, &mut out);
    out
}

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read_dir {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let meta = fs::symlink_metadata(&path).expect("metadata");
        if meta.is_dir() {
            collect(root, &path, out);
        } else if meta.is_file() {
            // A file may vanish between listing and reading (SQLite deletes its
            // WAL on close); only files that exist are scanned.
            if let Ok(bytes) = fs::read(&path) {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
}

/// A byte pattern to look for, with a label for failure messages.
#[derive(Clone, Debug)]
pub struct Marker {
    pub label: String,
    pub bytes: Vec<u8>,
}

impl Marker {
    pub fn new(label: impl Into<String>, bytes: impl AsRef<[u8]>) -> Self {
        let bytes = bytes.as_ref().to_vec();
        assert!(
            bytes.len() >= 6,
            "marker too short to rule out chance matches"
        );
        Self {
            label: label.into(),
            bytes,
        }
    }

    /// The string as UTF-8, UTF-16LE and UTF-16BE.
    pub fn text_forms(label: &str, text: &str) -> Vec<Self> {
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        vec![
            Self::new(format!("{label} (UTF-8)"), text.as_bytes()),
            Self::new(format!("{label} (UTF-16LE)"), le),
            Self::new(format!("{label} (UTF-16BE)"), be),
        ]
    }
}

/// Every (file, marker label, occurrences) where a marker occurs in a file of `dir`.
pub fn scan(dir: &Path, markers: &[Marker]) -> Vec<(PathBuf, String, usize)> {
    let files = snapshot(dir);
    let mut hits = Vec::new();
    for (path, bytes) in &files {
        for m in markers {
            let n = memchr::memmem::find_iter(bytes, &m.bytes).count();
            if n > 0 {
                hits.push((path.clone(), m.label.clone(), n));
            }
        }
    }
    hits
}

/// Occurrences of `needle` in all files of `dir` together.
pub fn count_in_dir(dir: &Path, needle: &[u8]) -> usize {
    snapshot(dir)
        .values()
        .map(|bytes| memchr::memmem::find_iter(bytes, needle).count())
        .sum()
}

/// SplitMix64: small, deterministic, good enough to pick kill points and garbage.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A seed from `var` if set (to replay a failure), else from the clock.
    pub fn seed_from_env_or_time(var: &str) -> u64 {
        match std::env::var(var) {
            Ok(s) => s
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("{var} must be a u64")),
            Err(_) => {
                let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
                t.as_nanos() as u64 ^ u64::from(std::process::id()).rotate_left(32)
            }
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        assert!(lo <= hi);
        lo + self.next_u64() % (hi - lo + 1)
    }

    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

/// A consent gate with every purpose of the bundled policy granted, so the
/// proof tests can store data of every category.
static GATE: std::sync::LazyLock<laowu_core::consent::Gate> = std::sync::LazyLock::new(|| {
    use laowu_core::consent::{Gate, Policy};
    let policy = Policy::bundled();
    let all = policy.purposes.iter().map(|p| p.id.to_string()).collect();
    let decision = Gate::new(policy.clone(), None).decide(&all, 0).unwrap();
    Gate::new(policy, Some(decision))
});

/// A permit for a granted purpose that covers `category`.
#[allow(dead_code)] // not every test binary stores data
pub fn permit(category: laowu_core::store::DataCategory) -> laowu_core::consent::Permit<'static> {
    let purpose = GATE
        .policy()
        .purposes
        .iter()
        .find(|p| p.categories.contains(&category))
        .expect("the bundled policy covers every category");
    GATE.permit(purpose.id.as_str()).unwrap()
}
