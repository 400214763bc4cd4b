//! The privacy centre's export: everything the phone holds about the user, as
//! one JSON document (PIPL Art. 45, the right to a copy).

use serde_json::{Value, json};

use super::{AppError, Phone};
use crate::store::DataCategory;

impl Phone {
    /// Every personal value, consent receipt and grant on the phone. The core's
    /// own records (the standing decision, the receipts) appear once, under
    /// `consent` and `receipts`; the device's private key is never exported.
    pub fn export(&self, at_ms: i64) -> Result<Value, AppError> {
        let consent = self.consent_status();
        let receipts: Vec<Value> = self
            .receipts()?
            .into_iter()
            .map(|(r, valid)| json!({"receipt": r, "signature_valid": valid}))
            .collect();
        let mut categories = serde_json::Map::new();
        for category in DataCategory::ALL {
            let records: Vec<Value> = self
                .store()
                .list_records(category)?
                .into_iter()
                .filter(|r| r.purpose.is_some())
                .map(|r| {
                    let mut row = json!({"id": r.id.as_str(), "kind": r.kind, "at_ms": r.at_ms});
                    match std::str::from_utf8(&r.value) {
                        Ok(text) => row["value"] = json!(text),
                        Err(_) => row["value_hex"] = json!(hex::encode(&*r.value)),
                    }
                    row
                })
                .collect();
            categories.insert(category.as_str().to_string(), Value::Array(records));
        }
        let holdings: serde_json::Map<String, Value> = self
            .store()
            .record_counts()?
            .into_iter()
            .map(|(c, n)| (c.as_str().to_string(), json!(n)))
            .collect();
        Ok(json!({
            "format": "laowu-export/1",
            "holdings": holdings,
            "exported_at_ms": at_ms,
            "policy": {"version": consent.policy_version, "hash": consent.policy_hash},
            "consent": consent,
            "receipts": receipts,
            "data": categories,
            "ledger": self.store().export_ledger()?,
        }))
    }
}
