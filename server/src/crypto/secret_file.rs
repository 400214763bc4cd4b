//! `<data dir>/server.key`: 32 random bytes, created on first start with
//! mode 0600 and refused afterwards if anyone else may read it.

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

use zeroize::Zeroizing;

use super::random_bytes;

pub const SECRET_LEN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum SecretFileError {
    #[error("cannot read or create the server key file ({0})")]
    Io(io::ErrorKind),
    #[error("the server key file is not {SECRET_LEN} bytes: restore it from a backup")]
    WrongLength,
    #[error("the server key file is readable by other users (mode {0:o}): run `chmod 600` on it")]
    TooOpen(u32),
}

impl From<io::Error> for SecretFileError {
    fn from(e: io::Error) -> Self {
        SecretFileError::Io(e.kind())
    }
}

pub fn load_or_create(path: &Path) -> Result<Zeroizing<[u8; SECRET_LEN]>, SecretFileError> {
    match open_existing(path) {
        Ok(secret) => Ok(secret),
        Err(SecretFileError::Io(io::ErrorKind::NotFound)) => create(path),
        Err(e) => Err(e),
    }
}

fn open_existing(path: &Path) -> Result<Zeroizing<[u8; SECRET_LEN]>, SecretFileError> {
    let mut file = fs::File::open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(SecretFileError::TooOpen(mode));
        }
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(SECRET_LEN));
    file.read_to_end(&mut bytes)?;
    let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
    if bytes.len() != SECRET_LEN {
        return Err(SecretFileError::WrongLength);
    }
    secret.copy_from_slice(&bytes);
    Ok(secret)
}

fn create(path: &Path) -> Result<Zeroizing<[u8; SECRET_LEN]>, SecretFileError> {
    let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
    random_bytes(&mut secret[..]);
    let mut options = OpenOptions::new();
    // create_new: two processes starting at once must not both write a key.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(&secret[..])?;
            file.sync_all()?;
            if let Some(dir) = path.parent() {
                // The new directory entry must survive a crash too.
                fs::File::open(dir)?.sync_all()?;
            }
            Ok(secret)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => open_existing(path),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.key");
        let first = load_or_create(&path).unwrap();
        let again = load_or_create(&path).unwrap();
        assert_eq!(*first, *again);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn refuses_a_truncated_or_open_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.key");
        load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                load_or_create(&path),
                Err(SecretFileError::TooOpen(0o644))
            ));
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        }
        fs::write(&path, b"short").unwrap();
        assert!(matches!(
            load_or_create(&path),
            Err(SecretFileError::WrongLength)
        ));
    }
}
