//! The server's keys and randomness: one master secret in the data
//! directory, from which every purpose derives its own key.

mod keys;
mod random;
mod secret_file;

pub use keys::ServerKeys;
pub use random::{random_below, random_bytes, random_id};
pub use secret_file::{SecretFileError, load_or_create};
