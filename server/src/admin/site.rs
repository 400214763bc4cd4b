//! `laowu-server admin site add|list`: the sites phones check in at. A site
//! is checked by the same code the phones evaluate it with, so a site the
//! server takes is one every phone takes.

use clap::Subcommand;
use laowu_core::attendance::{Site, SiteSpec};
use serde_json::{Value, json};

use super::AdminError;
use crate::AppState;
use crate::store::{SiteRecord, Upserted};

#[derive(Subcommand, Debug)]
pub enum SiteCommand {
    /// Adds or replaces a site: from a site spec file (JSON, the phone's
    /// `site add --file` format), or a circle given by flags.
    Add {
        #[arg(long, value_name = "FILE", conflicts_with_all = ["id", "name", "lat", "lon", "radius"])]
        file: Option<std::path::PathBuf>,
        #[arg(long, required_unless_present = "file")]
        id: Option<String>,
        #[arg(long, required_unless_present = "file")]
        name: Option<String>,
        #[arg(long, allow_negative_numbers = true, required_unless_present = "file")]
        lat: Option<f64>,
        #[arg(long, allow_negative_numbers = true, required_unless_present = "file")]
        lon: Option<f64>,
        /// The fence's radius in metres.
        #[arg(long, required_unless_present = "file")]
        radius: Option<f64>,
        /// wgs84 (GPS) or gcj02 (Amap and Chinese maps).
        #[arg(long, default_value = "wgs84")]
        datum: String,
        /// A known access point, `BSSID,SSID` (repeatable).
        #[arg(long)]
        wifi: Vec<String>,
        /// location, wifi, either or both.
        #[arg(long, default_value = "either")]
        rule: String,
    },
    /// Every site, as JSON.
    List,
}

pub async fn run(state: &AppState, command: SiteCommand) -> Result<Value, AdminError> {
    match command {
        SiteCommand::Add {
            file: Some(path), ..
        } => {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                AdminError::invalid(format!("file: cannot read the site file ({})", e.kind()))
            })?;
            add(state, &text).await
        }
        SiteCommand::Add {
            id,
            name,
            lat,
            lon,
            radius,
            datum,
            wifi,
            rule,
            ..
        } => {
            let wifi: Vec<Value> = wifi
                .iter()
                .map(|w| {
                    let (bssid, ssid) = w.split_once(',').unwrap_or((w.as_str(), ""));
                    json!({"bssid": bssid, "ssid": ssid})
                })
                .collect();
            let spec = json!({
                "id": id, "name": name, "datum": datum, "rule": rule, "wifi": wifi,
                "fences": [{"type": "circle", "lat": lat, "lon": lon, "radius_m": radius}],
            });
            add(state, &spec.to_string()).await
        }
        SiteCommand::List => {
            let sites = state.store.sites().await?;
            let sites: Vec<Value> = sites
                .iter()
                .map(|s| serde_json::from_str(&s.spec).unwrap_or(Value::Null))
                .collect();
            Ok(json!({ "sites": sites }))
        }
    }
}

async fn add(state: &AppState, text: &str) -> Result<Value, AdminError> {
    let refuse = |e: laowu_core::attendance::AttendanceError| {
        AdminError::invalid(format!("{}: {}", e.field(), e.reason()))
    };
    let spec = SiteSpec::from_json(text).map_err(refuse)?;
    let site = Site::new(spec).map_err(refuse)?;
    let spec = site.spec();
    let record = SiteRecord {
        id: spec.id.clone(),
        spec: serde_json::to_string(spec).expect("a site spec always serialises"),
        time_zone: spec.time_zone.clone(),
    };
    let upserted = state.store.put_site(record, state.now_ms()).await?;
    Ok(json!({
        "site": spec.id,
        "name": spec.name,
        "replaced": upserted == Upserted::Replaced,
    }))
}
