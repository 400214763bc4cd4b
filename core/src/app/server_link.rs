//! The phone's link to its server, kept sealed in the store, and the
//! authenticated calls made through it (refreshing the access token when it
//! is about to expire or was refused).

use laowu_protocol::{RefreshRequest, TokenPair};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{AppError, Phone};
use crate::store::DataCategory;
use crate::sync::{Api, Auth, Link, SyncError};

const LINK_KIND: &str = "sync.link";
/// Refresh this long before the access token expires, so a request does not
/// race its expiry.
const REFRESH_MARGIN_MS: i64 = 60_000;

impl Phone {
    /// The link to the server, if one was set.
    pub fn server_link(&self) -> Result<Option<Link>, AppError> {
        match self
            .store
            .latest_internal_record(DataCategory::Device, LINK_KIND)?
        {
            Some(r) => serde_json::from_slice(&r.value)
                .map(Some)
                .map_err(|_| super::attendance::corrupt("the server link")),
            None => Ok(None),
        }
    }

    /// Replaces the link: the new row is written before the old ones go, so
    /// a crash in between leaves the newest readable.
    pub(crate) fn save_link(&self, link: &Link, at_ms: i64) -> Result<(), AppError> {
        let old: Vec<_> = self
            .store
            .internal_records(DataCategory::Device, LINK_KIND)?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let json =
            zeroize::Zeroizing::new(serde_json::to_vec(link).expect("a link always serialises"));
        self.store
            .put_internal_records(&[(DataCategory::Device, LINK_KIND, &json)], at_ms)?;
        self.store.delete_records(&old)?;
        Ok(())
    }

    /// The link for `server` (or the stored one when `None`): switching to a
    /// different server starts a fresh link.
    pub(crate) fn link_for(&self, server: Option<&str>) -> Result<Link, AppError> {
        let stored = self.server_link()?;
        match (server, stored) {
            (Some(url), Some(link)) if same_server(url, &link.server) => Ok(link),
            (Some(url), _) => {
                Api::new(url)?;
                Ok(Link {
                    server: url.trim().trim_end_matches('/').to_string(),
                    ..Link::default()
                })
            }
            (None, Some(link)) => Ok(link),
            (None, None) => Err(SyncError::NoSession.into()),
        }
    }

    /// Calls the server with the session's access token, refreshing it first
    /// when it is about to expire and once more if it is refused.
    pub(crate) fn authed<T>(
        &self,
        link: &mut Link,
        now_ms: i64,
        call: impl Fn(&Api, &str) -> Result<T, SyncError>,
    ) -> Result<T, AppError> {
        let api = Api::new(&link.server)?;
        if link
            .auth
            .as_ref()
            .ok_or(SyncError::NoSession)?
            .access_expires_ms
            < now_ms + REFRESH_MARGIN_MS
        {
            self.refresh(&api, link, now_ms)?;
        }
        let token = link
            .auth
            .as_ref()
            .ok_or(SyncError::NoSession)?
            .access_token
            .clone();
        match call(&api, &token) {
            Err(e) if e.is_unauthorised() => {
                self.refresh(&api, link, now_ms)?;
                let token = link
                    .auth
                    .as_ref()
                    .ok_or(SyncError::NoSession)?
                    .access_token
                    .clone();
                Ok(call(&api, &token)?)
            }
            other => Ok(other?),
        }
    }

    fn refresh(&self, api: &Api, link: &mut Link, now_ms: i64) -> Result<(), AppError> {
        let auth = link.auth.as_ref().ok_or(SyncError::NoSession)?;
        let pair: TokenPair = api.post(
            "/v1/tokens/refresh",
            &RefreshRequest {
                refresh_token: auth.refresh_token.clone(),
            },
            None,
        )?;
        link.auth = Some(auth_from(pair, now_ms));
        self.save_link(link, now_ms)
    }
}

pub(crate) fn auth_from(pair: TokenPair, now_ms: i64) -> Auth {
    Auth {
        account_id: pair.account_id,
        role: pair.role.as_str().to_string(),
        device_id: pair.device_id,
        access_token: pair.access_token,
        access_expires_ms: now_ms.saturating_add(pair.expires_in_s as i64 * 1000),
        refresh_token: pair.refresh_token,
    }
}

fn same_server(a: &str, b: &str) -> bool {
    a.trim().trim_end_matches('/') == b.trim().trim_end_matches('/')
}

/// A JSON POST with the bearer token, for [`Phone::authed`] closures.
pub(crate) fn post<'a, Req: Serialize, Resp: DeserializeOwned>(
    path: &'static str,
    body: &'a Req,
) -> impl Fn(&Api, &str) -> Result<Resp, SyncError> + 'a {
    move |api, token| api.post(path, body, Some(token))
}
