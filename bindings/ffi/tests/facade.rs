//! The facade as a shell sees it, with a vault implemented on the foreign
//! trait: errors arrive as the variants a shell acts on.

use std::path::Path;
use std::sync::{Arc, Mutex};

use laowu_ffi::{ConsentState, DataCategory, KeyVault, LaowuError, LaowuStore, VaultError};

/// Wraps by XOR with a per-vault byte and a category tag: enough to tell
/// vaults apart; the real vaults are the Keystore and the Keychain.
struct XorVault {
    pad: u8,
    fail: Mutex<Option<VaultError>>,
    destroyed: Mutex<Vec<DataCategory>>,
}

impl XorVault {
    fn new(pad: u8) -> Arc<Self> {
        Arc::new(Self {
            pad,
            fail: Mutex::new(None),
            destroyed: Mutex::new(Vec::new()),
        })
    }
}

impl KeyVault for XorVault {
    fn wrap(&self, category: DataCategory, key: Vec<u8>) -> Result<Vec<u8>, VaultError> {
        let mut out: Vec<u8> = key.iter().map(|b| b ^ self.pad).collect();
        out.push(category as u8);
        Ok(out)
    }

    fn unwrap(&self, category: DataCategory, wrapped: Vec<u8>) -> Result<Vec<u8>, VaultError> {
        if let Some(e) = self.fail.lock().unwrap().clone() {
            return Err(e);
        }
        match wrapped.split_last() {
            Some((&tag, body)) if tag == category as u8 => {
                Ok(body.iter().map(|b| b ^ self.pad).collect())
            }
            _ => Err(VaultError::Rejected {
                reason: "category mismatch".into(),
            }),
        }
    }

    fn destroy(&self, category: DataCategory) -> Result<(), VaultError> {
        self.destroyed.lock().unwrap().push(category);
        Ok(())
    }
}

fn open(dir: &Path, vault: Arc<XorVault>) -> Result<Arc<LaowuStore>, LaowuError> {
    let store = LaowuStore::open(dir.display().to_string(), vault)?;
    if store.consent().state == ConsentState::NotDecided {
        let all = store.consent().purposes.into_iter().map(|p| p.id).collect();
        store.accept(all, 0)?;
    }
    Ok(store)
}

#[test]
fn round_trip_wrong_key_and_shred_through_the_facade() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = XorVault::new(0x21);
    let store = open(tmp.path(), vault.clone()).unwrap();
    let id = store
        .put(
            "registration".into(),
            DataCategory::Identity,
            "name".into(),
            "张伟".into(),
            1_795_456_789_123,
        )
        .unwrap();
    let rec = store.get(id.clone()).unwrap().unwrap();
    assert_eq!(
        (rec.value.as_str(), rec.at_ms, rec.category),
        ("张伟", 1_795_456_789_123, DataCategory::Identity)
    );
    let status = store.status().unwrap();
    assert!(status.schema_version >= 1);
    assert!(status.categories.iter().all(|c| c.key_present));
    drop(store);

    match open(tmp.path(), XorVault::new(0x42)) {
        Err(LaowuError::WrongKey { category }) => assert_eq!(category, "identity"),
        other => panic!("expected WrongKey, got {:?}", other.err()),
    }
    let locked = XorVault::new(0x21);
    *locked.fail.lock().unwrap() = Some(VaultError::Unavailable {
        reason: "device locked".into(),
    });
    assert!(matches!(
        open(tmp.path(), locked),
        Err(LaowuError::KeyUnavailable { .. })
    ));

    let store = open(tmp.path(), vault.clone()).unwrap();
    assert_eq!(store.get(id.clone()).unwrap().unwrap().value, "张伟");
    assert_eq!(store.shred(DataCategory::Identity).unwrap(), 1);
    assert!(store.get(id).unwrap().is_none());
    assert_eq!(
        *vault.destroyed.lock().unwrap(),
        vec![DataCategory::Identity]
    );
}

#[test]
fn bad_input_names_its_field() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path(), XorVault::new(1)).unwrap();
    match store.put(
        "real_name_id".into(),
        DataCategory::Face,
        "Bad Kind".into(),
        "x".into(),
        0,
    ) {
        Err(LaowuError::InvalidInput { field, .. }) => assert_eq!(field, "kind"),
        other => panic!("{other:?}"),
    }
    match store.get("../../etc/passwd".into()) {
        Err(LaowuError::InvalidInput { field, .. }) => assert_eq!(field, "id"),
        other => panic!("{other:?}"),
    }
    let file = tmp.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    assert!(matches!(
        open(&file, XorVault::new(1)),
        Err(LaowuError::StoreIo { .. })
    ));
    let garbage = tempfile::tempdir().unwrap();
    std::fs::write(garbage.path().join("laowu.db"), vec![0xA5u8; 4096]).unwrap();
    assert!(matches!(
        open(garbage.path(), XorVault::new(1)),
        Err(LaowuError::StoreCorrupt { .. })
    ));
}
