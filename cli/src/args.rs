//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "laowu",
    version,
    about = "laowu: a simulated labour-services phone over the laowu core"
)]
pub struct Cli {
    /// The simulated phone's data directory.
    #[arg(
        long,
        global = true,
        default_value = "./laowu-phone",
        value_name = "DIR"
    )]
    pub home: PathBuf,
    /// Print one JSON document per command (errors too).
    #[arg(long, global = true)]
    pub json: bool,
    /// The privacy policy in force (a TOML policy file), as a newer app
    /// version would ship it; default: the policy bundled with this build.
    #[arg(long, global = true, value_name = "PATH")]
    pub policy: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the phone's vault key and sealed store (and every category's key).
    Init,
    /// Show the store's path, schema version and which category keys are present.
    Status,
    /// Sealed records: personal values stored under a category's key.
    #[command(subcommand)]
    Record(RecordCommand),
    /// The privacy policy as data.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// The consent gate: what the user agreed to, accept, withdraw.
    #[command(subcommand)]
    Consent(ConsentCommand),
    /// Third-party SDKs: ask the gate whether one may start.
    #[command(subcommand)]
    Sdk(SdkCommand),
    /// The SDK-permission ledger: who accessed what, when and why.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// The privacy centre: export everything the phone holds about the user.
    #[command(subcommand)]
    Privacy(PrivacyCommand),
    /// Print a disclosure generated from the policy: the zh-CN third-party SDK
    /// list, Google Play's Data safety answers or Apple's privacy manifest.
    Disclosures {
        /// sdk-list, play-data-safety or privacy-manifest.
        #[arg(long)]
        format: String,
    },
    /// Destroy a category: its key and every row of it.
    Shred {
        /// identity, location, face, financial, consent, ledger, device or support.
        #[arg(long)]
        category: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum RecordCommand {
    /// Seal and store a value collected for a purpose; prints the new record's id.
    /// Refused (exit 3) unless the user granted the purpose.
    Put {
        /// The purpose it is collected for (see `laowu policy show`).
        #[arg(long)]
        purpose: String,
        #[arg(long)]
        category: String,
        /// What the value is: 1 to 64 of a-z, 0-9, '_', '.', '-'.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        value: String,
        /// When the event happened, in milliseconds since the Unix epoch (default: now).
        #[arg(long, allow_negative_numbers = true)]
        at_ms: Option<i64>,
        /// Also store a keyed hash so `record find` can find it by value.
        #[arg(long)]
        lookup: bool,
    },
    /// Print one record.
    Get { id: String },
    /// Print every record of a category, oldest first.
    List {
        #[arg(long)]
        category: String,
    },
    /// Print the records of a kind whose value equals --value (needs --lookup at put).
    Find {
        #[arg(long)]
        category: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        value: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Show a policy version's terms: purposes, data categories, SDKs, retention, content hash.
    Show {
        /// A policy file (TOML) to validate and show instead of the bundled one.
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
        /// Include the full policy text.
        #[arg(long)]
        text: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConsentCommand {
    /// The gate's state and each purpose's grant.
    Status,
    /// Grant purposes: every purpose with --all, or exactly those named.
    /// Pending purposes not named are refused; nothing is pre-granted.
    Accept {
        #[arg(long, conflicts_with = "purpose")]
        all: bool,
        /// A purpose to grant (repeatable).
        #[arg(long, required_unless_present = "all")]
        purpose: Vec<String>,
    },
    /// Withdraw an optional purpose: collection stops and its data is shredded.
    Withdraw {
        #[arg(long)]
        purpose: String,
    },
    /// Every signed consent receipt on the phone, oldest first.
    Receipts,
}

#[derive(Subcommand, Debug)]
pub enum PrivacyCommand {
    /// Everything the phone holds about the user, as one JSON document.
    Export,
}

#[derive(Subcommand, Debug)]
pub enum SdkCommand {
    /// Whether the SDK may initialise now (only while a purpose using it is
    /// granted); the answer is recorded in the ledger.
    MayStart {
        /// The SDK's id in the policy (e.g. amap-location).
        #[arg(long)]
        sdk: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum LedgerCommand {
    /// Record an access a shell made (or attempted): refused (exit 3, and
    /// recorded as refused) unless the purpose is granted and covers the category.
    Record {
        /// `sdk:<id>` or `capability:<location|wifi_scan|camera|device_identifiers|biometric>`.
        #[arg(long)]
        accessor: String,
        #[arg(long)]
        purpose: String,
        #[arg(long)]
        category: String,
        /// A short note without personal data (e.g. "single fix").
        #[arg(long)]
        detail: Option<String>,
    },
    /// Every entry, oldest first, optionally for one accessor and/or category.
    List {
        #[arg(long)]
        accessor: Option<String>,
        #[arg(long)]
        category: Option<String>,
    },
    /// Check every seal, link and the head: exit 4 (ledger_tampered) naming the first problem.
    Verify,
    /// The whole ledger as one JSON document.
    Export,
}
