use clap::Args;
use jiff::civil::Date;
use serde_json::{Value, json};

use super::AdminError;
use crate::AppState;
use crate::deletion;

#[derive(Args, Debug)]
pub struct DeletionsArgs {
    /// Carry out every queued request now, instead of only listing them.
    #[arg(long)]
    pub process: bool,
}

/// `{processed?, today, queued: [{request_id, requested_at_ms, deadline,
/// overdue}], overdue, done}`. A request is overdue once today (in China's
/// time zone, as deadlines are counted) is past its deadline.
pub async fn run(state: &AppState, args: DeletionsArgs) -> Result<Value, AdminError> {
    let processed = if args.process {
        Some(deletion::sweep(state).await?.certificates.len())
    } else {
        None
    };
    let today = deletion::today(state)
        .ok_or_else(|| AdminError::failed("the clock is outside the calendar's range"))?;
    let queue = state.store.deletion_queue().await?;
    let mut overdue = 0;
    let mut queued = Vec::with_capacity(queue.queued.len());
    for record in queue.queued {
        let deadline: Date = record
            .deadline
            .parse()
            .map_err(|_| AdminError::failed("a stored deadline is not a date"))?;
        let late = today > deadline;
        overdue += usize::from(late);
        queued.push(json!({
            "request_id": record.id,
            "requested_at_ms": record.requested_ms,
            "deadline": record.deadline,
            "overdue": late,
        }));
    }
    let mut report = json!({
        "today": today.to_string(),
        "queued": queued,
        "overdue": overdue,
        "done": queue.done,
    });
    if let Some(processed) = processed {
        report["processed"] = json!(processed);
    }
    Ok(report)
}
