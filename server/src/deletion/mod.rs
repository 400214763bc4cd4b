//! Account deletion: `POST /v1/deletions` queues a signed request with its
//! deadline in working days; the sweep deletes and anonymises, and signs a
//! certificate `GET /v1/deletions/{id}` hands back.

mod status;
mod submit;
mod sweep;

pub use status::status;
pub use submit::submit;
pub use sweep::sweep;

use jiff::civil::Date;
use laowu_protocol::DeletionCertificate;

use crate::app::AppState;

/// The server's date in China's time zone, the one the phone dates its
/// request in and the policy's working days are counted in. `None` only for
/// a clock outside jiff's range.
pub(crate) fn today(state: &AppState) -> Option<Date> {
    laowu_core::app::china_date(state.now_ms()).ok()
}

/// The certificate with the server's signature over its fields.
fn signed(state: &AppState, mut certificate: DeletionCertificate) -> DeletionCertificate {
    certificate.signature = state.keys.sign_hex(&certificate.signed_bytes());
    certificate
}
