//! A supervisor's calls: the day view of a site, decisions, the monthly
//! export. The server checks the role and the site; the phone only asks.

use laowu_protocol::{DayView, DecisionRequest, DecisionResponse};

use super::server_link::post;
use super::{AppError, Phone};

/// What a decision did.
pub type Decided = DecisionResponse;

impl Phone {
    /// Every check-in and make-up request at `site` on `date` (YYYY-MM-DD).
    pub fn supervisor_day(&self, site: &str, date: &str, now_ms: i64) -> Result<DayView, AppError> {
        let path = format!(
            "/v1/supervisor/sites/{}/days/{}",
            path_segment("site", site)?,
            path_segment("date", date)?
        );
        let mut link = self.link_for(None)?;
        self.authed(&mut link, now_ms, |api, token| api.get(&path, Some(token)))
    }

    /// Approves or rejects a field check-in or make-up request; the worker's
    /// phone receives it at its next sync.
    pub fn supervisor_decide(
        &self,
        event_id: &str,
        approved: bool,
        note: Option<&str>,
        now_ms: i64,
    ) -> Result<Decided, AppError> {
        let request = DecisionRequest {
            event_id: path_segment("id", event_id)?.to_string(),
            approved,
            note: note.map(str::to_string),
        };
        let mut link = self.link_for(None)?;
        self.authed(
            &mut link,
            now_ms,
            post("/v1/supervisor/decisions", &request),
        )
    }

    /// The month's attendance at `site` as CSV, for wages.
    pub fn supervisor_export(
        &self,
        site: &str,
        month: &str,
        now_ms: i64,
    ) -> Result<String, AppError> {
        let path = format!(
            "/v1/supervisor/sites/{}/export?month={}",
            path_segment("site", site)?,
            path_segment("month", month)?
        );
        let mut link = self.link_for(None)?;
        self.authed(&mut link, now_ms, |api, token| {
            api.get_text(&path, Some(token))
        })
    }
}

/// Ids, dates and months are plain tokens; anything else could change the
/// path, so it is refused before any request.
fn path_segment<'a>(field: &'static str, value: &'a str) -> Result<&'a str, AppError> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(value)
    } else {
        Err(AppError::InvalidInput {
            field,
            reason: "must be 1 to 64 letters, digits, '-' or '_'".into(),
        })
    }
}
