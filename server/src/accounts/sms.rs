//! Sending SMS codes. [`SmsSender`] is the seam for a real provider; the
//! embedded [`FileSmsSender`] appends `"<phone> <code>"` lines to a file that
//! demos and tests read.

use std::fs::OpenOptions;
use std::future::Future;
use std::io::{self, Write};
use std::path::PathBuf;
use std::pin::Pin;

use super::Phone;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("the SMS log could not be written ({0})")]
    Io(io::ErrorKind),
    #[error("the SMS provider refused the message: {0}")]
    Provider(String),
}

pub trait SmsSender: Send + Sync + 'static {
    /// Delivers `code` to `phone`. Implementations must not log either.
    fn send_code<'a>(
        &'a self,
        phone: &'a Phone,
        code: &'a str,
    ) -> BoxFuture<'a, Result<(), SmsError>>;
}

/// Appends to `<data dir>/sms.log`, created 0600: it holds phone numbers.
#[derive(Debug, Clone)]
pub struct FileSmsSender {
    path: PathBuf,
}

impl FileSmsSender {
    pub fn new(path: PathBuf) -> Self {
        FileSmsSender { path }
    }
}

impl SmsSender for FileSmsSender {
    fn send_code<'a>(
        &'a self,
        phone: &'a Phone,
        code: &'a str,
    ) -> BoxFuture<'a, Result<(), SmsError>> {
        let path = self.path.clone();
        // One write of one short line on an O_APPEND file: concurrent
        // senders never interleave within a line.
        let line = format!("{} {code}\n", phone.digits());
        Box::pin(async move {
            tokio::task::spawn_blocking(move || -> io::Result<()> {
                let mut options = OpenOptions::new();
                options.append(true).create(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                options.open(&path)?.write_all(line.as_bytes())
            })
            .await
            .map_err(|_| SmsError::Io(io::ErrorKind::Interrupted))?
            .map_err(|e| SmsError::Io(e.kind()))
        })
    }
}
