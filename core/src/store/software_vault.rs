//! A key vault in software, for the CLI's simulated phone and for tests.
//!
//! Its master key lives in `<home>/vault.key` (32 random bytes, mode 0600).
//! On a phone the same role is played by the Android Keystore or the Keychain,
//! whose keys never leave the secure hardware.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::aead::KEY_LEN;
use super::{DataCategory, KeyVault, VaultError};

/// The file name of the master key inside a phone's home directory.
pub const VAULT_FILE: &str = "vault.key";

/// A vault whose master key is a file. Missing or malformed files make every
/// call fail with [`VaultError::Unavailable`]; a different key makes unwrap
/// fail with [`VaultError::Rejected`].
pub struct SoftwareVault {
    path: PathBuf,
    master: Result<Zeroizing<[u8; KEY_LEN]>, String>,
    rng: SystemRandom,
}

impl SoftwareVault {
    /// Opens the vault in `home`, never creating a key.
    pub fn open(home: &Path) -> Self {
        let path = home.join(VAULT_FILE);
        let master = read_master(&path);
        Self {
            path,
            master,
            rng: SystemRandom::new(),
        }
    }

    /// Opens the vault in `home`, creating a new random master key (mode 0600)
    /// if there is none.
    pub fn open_or_create(home: &Path) -> io::Result<Self> {
        let path = home.join(VAULT_FILE);
        if !path.exists() {
            fs::create_dir_all(home)?;
            let mut key = Zeroizing::new([0u8; KEY_LEN]);
            SystemRandom::new()
                .fill(key.as_mut())
                .map_err(|_| io::Error::other("random source failed"))?;
            // Written to a temporary file, synced, then renamed into place, so
            // a crash never leaves an empty or partial key behind.
            let tmp = home.join(format!("{VAULT_FILE}.tmp"));
            let mut options = OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp)?;
            file.write_all(key.as_ref())?;
            file.sync_all()?;
            drop(file);
            fs::rename(&tmp, &path)?;
            if let Ok(dir) = fs::File::open(home) {
                let _ = dir.sync_all();
            }
        }
        Ok(Self::open(home))
    }

    /// Whether the master key file is present and well formed.
    pub fn is_available(&self) -> bool {
        self.master.is_ok()
    }

    /// Where the master key lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn key(&self) -> Result<LessSafeKey, VaultError> {
        let master = self
            .master
            .as_ref()
            .map_err(|reason| VaultError::Unavailable {
                reason: reason.clone(),
            })?;
        Ok(LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, master.as_ref()).expect("key length is 32"),
        ))
    }
}

fn read_master(path: &Path) -> Result<Zeroizing<[u8; KEY_LEN]>, String> {
    let bytes = Zeroizing::new(fs::read(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => format!("{VAULT_FILE} is missing"),
        _ => format!("{VAULT_FILE} cannot be read ({})", e.kind()),
    })?);
    let key: [u8; KEY_LEN] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| format!("{VAULT_FILE} is not a {KEY_LEN}-byte key"))?;
    Ok(Zeroizing::new(key))
}

fn aad(category: DataCategory) -> Aad<Vec<u8>> {
    Aad::from([b"laowu.vault.v1\0".as_slice(), category.as_str().as_bytes()].concat())
}

impl KeyVault for SoftwareVault {
    fn wrap(&self, category: DataCategory, key: &[u8]) -> Result<Vec<u8>, VaultError> {
        let sealing = self.key()?;
        let mut nonce = [0u8; NONCE_LEN];
        self.rng
            .fill(&mut nonce)
            .map_err(|_| VaultError::Unavailable {
                reason: "random source failed".into(),
            })?;
        let mut out = nonce.to_vec();
        let mut body = key.to_vec();
        sealing
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                aad(category),
                &mut body,
            )
            .map_err(|_| VaultError::Unavailable {
                reason: "sealing failed".into(),
            })?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    fn unwrap(
        &self,
        category: DataCategory,
        wrapped: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let opening = self.key()?;
        let rejected = || VaultError::Rejected {
            reason: "wrapped key does not authenticate under this vault".into(),
        };
        if wrapped.len() < NONCE_LEN {
            return Err(rejected());
        }
        let nonce =
            Nonce::try_assume_unique_for_key(&wrapped[..NONCE_LEN]).map_err(|_| rejected())?;
        let mut body = Zeroizing::new(wrapped[NONCE_LEN..].to_vec());
        let len = opening
            .open_in_place(nonce, aad(category), body.as_mut_slice())
            .map_err(|_| rejected())?
            .len();
        body.truncate(len);
        Ok(body)
    }

    fn destroy(&self, _category: DataCategory) -> Result<(), VaultError> {
        // One master key serves every category; the store's deletion of the
        // wrapped key (with secure_delete and a WAL truncation) is the shredding.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_unwrap_and_refusals() {
        let home = tempfile::tempdir().unwrap();
        let vault = SoftwareVault::open_or_create(home.path()).unwrap();
        let wrapped = vault.wrap(DataCategory::Identity, &[7u8; 32]).unwrap();
        assert_eq!(
            vault
                .unwrap(DataCategory::Identity, &wrapped)
                .unwrap()
                .as_slice(),
            &[7u8; 32]
        );
        // Bound to its category.
        assert!(matches!(
            vault.unwrap(DataCategory::Location, &wrapped),
            Err(VaultError::Rejected { .. })
        ));
        // Another home's vault rejects it.
        let other_home = tempfile::tempdir().unwrap();
        let other = SoftwareVault::open_or_create(other_home.path()).unwrap();
        assert!(matches!(
            other.unwrap(DataCategory::Identity, &wrapped),
            Err(VaultError::Rejected { .. })
        ));
        // Reopening reads the same key; a missing file is Unavailable.
        let again = SoftwareVault::open(home.path());
        assert!(again.unwrap(DataCategory::Identity, &wrapped).is_ok());
        fs::remove_file(home.path().join(VAULT_FILE)).unwrap();
        let gone = SoftwareVault::open(home.path());
        assert!(!gone.is_available());
        assert!(matches!(
            gone.unwrap(DataCategory::Identity, &wrapped),
            Err(VaultError::Unavailable { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let vault = SoftwareVault::open_or_create(home.path()).unwrap();
        let mode = fs::metadata(vault.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn malformed_key_file_is_unavailable() {
        let home = tempfile::tempdir().unwrap();
        fs::write(home.path().join(VAULT_FILE), b"short").unwrap();
        let vault = SoftwareVault::open(home.path());
        assert!(matches!(
            vault.wrap(DataCategory::Identity, &[0; 32]),
            Err(VaultError::Unavailable { .. })
        ));
    }
}
