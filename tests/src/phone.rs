//! The phone every whole-system test, bench and load run starts from: the
//! real core on its own directory, consent given, and one work site whose
//! centre is where [`FixAt`] puts the phone.

use std::path::Path;
use std::sync::Arc;

use laowu_core::app::{AppError, CheckIn, CheckInRequest, Phone};
use laowu_core::attendance::{Datum, DeviceNow, SiteSpec};
use laowu_core::consent::Policy;
use laowu_core::store::{KeyVault, OpenMode};

use crate::sensors::{FixAt, NoWifi};

/// The site's centre (Shanghai), WGS-84.
pub const SITE_LAT: f64 = 31.2304;
pub const SITE_LON: f64 = 121.4737;

/// A 300 m circle around ([`SITE_LAT`], [`SITE_LON`]).
pub fn site() -> SiteSpec {
    SiteSpec::circle(
        "site-1".into(),
        "一号工地".into(),
        Datum::Wgs84,
        SITE_LAT,
        SITE_LON,
        300.0,
    )
}

/// A new phone in `home` with every purpose accepted and [`site`] added,
/// both at `now_ms`.
pub fn at_site(home: &Path, vault: Arc<dyn KeyVault>, now_ms: i64) -> Result<Phone, AppError> {
    let phone = Phone::open(home, vault, OpenMode::Create, Policy::bundled())?;
    phone.accept_all(now_ms)?;
    phone.add_site(site(), now_ms)?;
    Ok(phone)
}

/// A check-in at the site's centre with no WiFi, on a phone whose clocks
/// both read `now_ms`.
pub fn check_in_at_site(phone: &Phone, now_ms: i64) -> Result<CheckIn, AppError> {
    let request = CheckInRequest {
        site: None,
        reason: None,
        preview: false,
    };
    let clock = DeviceNow {
        device_ms: now_ms,
        elapsed_ms: now_ms,
    };
    phone.check_in(&request, &FixAt::new(SITE_LAT, SITE_LON), &NoWifi, clock)
}
