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
    /// Log everything the core does to stderr (the most verbose level); the
    /// `LAOWU_LOG` variable (env_logger syntax) chooses other levels.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// The privacy policy in force (a TOML policy file), as a newer app
    /// version would ship it; default: the policy bundled with this build.
    #[arg(long, global = true, value_name = "PATH")]
    pub policy: Option<PathBuf>,
    /// The server to talk to (`http://127.0.0.1:8080`); remembered by the
    /// phone, so later commands need it only to switch servers.
    #[arg(long, global = true, value_name = "URL")]
    pub server: Option<String>,
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
    /// Work sites: fences, WiFi access points and rules (local until sync supplies them).
    #[command(subcommand)]
    Site(SiteCommand),
    /// Check in at a site with a simulated fix and WiFi scan. Refused (exit 3)
    /// without the attendance grant; prints the verdict and why.
    Checkin(Box<CheckinArgs>),
    /// Every check-in and make-up request, oldest first, and the days they make.
    History,
    /// Make-up requests (补卡) for a missed clock-in or clock-out.
    #[command(subcommand)]
    Makeup(MakeupCommand),
    /// Apply a supervisor's decision on a field check-in or make-up request,
    /// as sync delivers it.
    Review {
        /// The record's id (from `checkin` or `history`).
        #[arg(long)]
        id: String,
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        approve: bool,
        #[arg(long)]
        reject: bool,
        #[arg(long)]
        note: Option<String>,
    },
    /// The attendance records' chain, trusted time and retention.
    #[command(subcommand)]
    Attendance(AttendanceCommand),
    /// Registration and real-name data (shown masked).
    #[command(subcommand)]
    Identity(IdentityCommand),
    /// The account on the server (register, verify, login, reset-password) and deleting it.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Push the outbox to the server and pull sites, decisions and the time.
    Sync(SyncArgs),
    /// A supervisor's review of their sites (on the server).
    #[command(subcommand)]
    Supervisor(SupervisorCommand),
    /// The whole product in one command: a server in-process, a worker and a
    /// supervisor, every step printed.
    Demo {
        /// Keep the demo's server and phone directories here (default: a
        /// temporary directory, removed at the end).
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },
    /// The Chinese working-day calendar that deadlines are counted on.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Fingerprint quick login, with a simulated biometric prompt.
    #[command(subcommand)]
    QuickLogin(QuickLoginCommand),
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

#[derive(Subcommand, Debug)]
pub enum SiteCommand {
    /// Add a site: a circle fence from flags, or a whole site (polygons, shifts,
    /// rules) from a JSON file in the format sync delivers.
    Add(Box<SiteAddArgs>),
    /// Every site on the phone.
    List,
}

#[derive(clap::Args, Debug)]
pub struct SiteAddArgs {
    /// A site JSON file; the other flags are then not needed.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["name", "lat", "lon", "radius"])]
    pub file: Option<PathBuf>,
    #[arg(long, required_unless_present = "file")]
    pub name: Option<String>,
    /// The site's id (default: generated).
    #[arg(long)]
    pub id: Option<String>,
    #[arg(long, allow_negative_numbers = true, required_unless_present = "file")]
    pub lat: Option<f64>,
    #[arg(long, allow_negative_numbers = true, required_unless_present = "file")]
    pub lon: Option<f64>,
    /// The circle's radius in metres, 100 to 3000.
    #[arg(long, allow_negative_numbers = true, required_unless_present = "file")]
    pub radius: Option<f64>,
    /// The datum of --lat/--lon: wgs84 (GPS) or gcj02 (Amap and Chinese maps).
    #[arg(long, default_value = "wgs84")]
    pub datum: String,
    /// A known access point, `BSSID,SSID` (repeatable).
    #[arg(long)]
    pub wifi: Vec<String>,
    /// location, wifi, either or both (default either).
    #[arg(long)]
    pub rule: Option<String>,
    /// A fixed daily shift, `HH:MM-HH:MM` (default 09:00-18:00).
    #[arg(long)]
    pub shift: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct CheckinArgs {
    #[arg(long, allow_negative_numbers = true)]
    pub lat: f64,
    #[arg(long, allow_negative_numbers = true)]
    pub lon: f64,
    /// The fix's accuracy radius in metres.
    #[arg(long, allow_negative_numbers = true)]
    pub accuracy: f64,
    /// wgs84 (GPS) or gcj02 (Amap).
    #[arg(long, default_value = "wgs84")]
    pub datum: String,
    /// gps, network or fused.
    #[arg(long, default_value = "gps")]
    pub provider: String,
    /// A scanned access point, `BSSID,SSID,RSSI` (repeatable).
    #[arg(long)]
    pub wifi: Vec<String>,
    /// The OS flags the position as mock.
    #[arg(long)]
    pub mock: bool,
    /// How old the fix is, in seconds.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub age_s: i64,
    /// Speed over ground reported with the fix, m/s.
    #[arg(long, allow_negative_numbers = true)]
    pub speed: Option<f64>,
    /// Why the worker checks in away from the site (a field check-in).
    #[arg(long)]
    pub reason: Option<String>,
    /// The site's name or id (default: the site the fix fits best).
    #[arg(long)]
    pub site: Option<String>,
    /// Show what the check-in would be without recording it.
    #[arg(long)]
    pub dry_run: bool,
    /// The phone's wall clock, ms since the epoch (default: now); the
    /// simulated monotonic clock keeps real time, so this is a user setting
    /// their clock.
    #[arg(long, allow_negative_numbers = true)]
    pub at_ms: Option<i64>,
    /// The phone's time since boot, ms (default: the real clock).
    #[arg(long, allow_negative_numbers = true)]
    pub elapsed_ms: Option<i64>,
}

#[derive(Subcommand, Debug)]
pub enum MakeupCommand {
    /// File a make-up request for a day (within the site's monthly quota and deadline).
    Request {
        /// The day, YYYY-MM-DD (the site's local date).
        #[arg(long)]
        date: String,
        #[arg(long)]
        reason: String,
        /// The site's name or id (needed when there are several).
        #[arg(long)]
        site: Option<String>,
        /// in or out (default: the one missing that day).
        #[arg(long)]
        punch: Option<String>,
        /// The phone's wall clock, ms since the epoch (default: now).
        #[arg(long, allow_negative_numbers = true)]
        at_ms: Option<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AttendanceCommand {
    /// Check every record's signature and link: exit 4 (attendance_tampered) on a break.
    Verify,
    /// Delete raw coordinates older than the location retention period.
    Purge {
        /// Treat this as now, ms since the epoch (default: now).
        #[arg(long, allow_negative_numbers = true)]
        now_ms: Option<i64>,
    },
    /// Anchor trusted time at the server's time (as a verified time token sets it).
    Anchor {
        #[arg(long)]
        server_ms: i64,
        /// The phone's time since boot, ms (default: the real clock).
        #[arg(long)]
        elapsed_ms: Option<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum IdentityCommand {
    /// The name and mobile number given at registration.
    Register {
        #[arg(long)]
        name: String,
        #[arg(long)]
        mobile: String,
    },
    /// Real-name data: the ID-card path (with the face SDK's verdict) or the
    /// bank-card path, each under its own sensitive grant.
    Set(Box<IdentitySetArgs>),
    /// A company account's name and unified social credit code.
    Company {
        #[arg(long)]
        name: String,
        #[arg(long)]
        credit_code: String,
    },
    /// Everything held, masked.
    Show,
    /// Correct one field, where the rules allow it (the reason is shown where not).
    Correct {
        /// name, mobile, id_number, bank_card, bank, occupation, address,
        /// company_name or credit_code.
        #[arg(long)]
        field: String,
        #[arg(long)]
        value: String,
    },
}

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("path").required(true).args(["id_number", "bank_card"])))]
pub struct IdentitySetArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub id_number: Option<String>,
    /// A photo of the ID card's front (only its digest is kept).
    #[arg(long, value_name = "PATH", requires = "id_number")]
    pub id_front: Option<PathBuf>,
    #[arg(long, value_name = "PATH", requires = "id_number")]
    pub id_back: Option<PathBuf>,
    #[arg(long, requires_all = ["bank", "occupation", "address"])]
    pub bank_card: Option<String>,
    #[arg(long, requires = "bank_card")]
    pub bank: Option<String>,
    #[arg(long, requires = "bank_card")]
    pub occupation: Option<String>,
    #[arg(long, requires = "bank_card")]
    pub address: Option<String>,
    /// The face SDK's liveness verdict: pass or fail.
    #[arg(long, requires_all = ["id_number", "face_score"])]
    pub face_verdict: Option<String>,
    /// The face SDK's liveness score, 0 to 1.
    #[arg(long, requires = "face_verdict")]
    pub face_score: Option<f64>,
    #[arg(long, default_value = "8.4.1", requires = "face_verdict")]
    pub face_sdk_version: String,
    /// The image the face SDK judged (only its digest is kept).
    #[arg(long, value_name = "PATH", requires = "face_verdict")]
    pub face_image: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum AccountCommand {
    /// Ask the server to text a registration code to this number (sms.log on
    /// the embedded server).
    Register {
        #[arg(long, value_name = "P")]
        phone: String,
    },
    /// Create the account with the texted code and a password, then sign in
    /// and register this phone's device key.
    Verify {
        #[arg(long, value_name = "P")]
        phone: String,
        #[arg(long, value_name = "C")]
        code: String,
        #[arg(long, value_name = "W")]
        password: String,
    },
    /// Sign in with the number and password.
    Login {
        #[arg(long, value_name = "P")]
        phone: String,
        #[arg(long, value_name = "W")]
        password: String,
    },
    /// Without --code: text a reset code. With --code and --new-password:
    /// set the new password (sign in again afterwards).
    ResetPassword {
        #[arg(long, value_name = "P")]
        phone: String,
        #[arg(long, value_name = "C", requires = "new_password")]
        code: Option<String>,
        #[arg(long, value_name = "W", requires = "code")]
        new_password: Option<String>,
    },
    /// Delete the account on this phone: every key shredded, the store and the
    /// vault key removed; prints the server's deadline (15 working days) and,
    /// when the phone is linked to a server, hands it the signed request.
    Delete,
    /// After `account delete`: hands the request to the server if that failed,
    /// then shows whether the server has deleted the account, with its signed
    /// certificate once done.
    DeletionStatus,
}

#[derive(clap::Args, Debug)]
pub struct SyncArgs {
    /// Only show the outbox, the refusals and the link; send nothing.
    #[arg(long)]
    pub status: bool,
    /// Items per push.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub batch_size: usize,
    /// Tries of each request before giving up (the rest stays queued).
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub max_attempts: u32,
    /// The first retry's longest wait, in milliseconds (doubling, with jitter).
    #[arg(long, default_value_t = 250, value_name = "MS")]
    pub base_delay_ms: u64,
}

#[derive(Subcommand, Debug)]
pub enum SupervisorCommand {
    /// Every check-in and make-up request at a site on a day.
    Day {
        #[arg(long, value_name = "S")]
        site: String,
        /// YYYY-MM-DD (default: today in China).
        #[arg(long, value_name = "D")]
        date: Option<String>,
    },
    /// Approve a field check-in or make-up request.
    Approve {
        id: String,
        #[arg(long, value_name = "T")]
        note: Option<String>,
    },
    /// Reject a field check-in or make-up request.
    Reject {
        id: String,
        #[arg(long, value_name = "T")]
        note: Option<String>,
    },
    /// The month's attendance at a site as CSV (for wages).
    Export {
        #[arg(long, value_name = "S")]
        site: String,
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// Write the CSV here instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum CalendarCommand {
    /// The calendar in force and the deletion deadline for a request made on --from.
    Show {
        /// YYYY-MM-DD (default: today in China).
        #[arg(long)]
        from: Option<String>,
    },
    /// Install a newer calendar file (TOML, as core/calendars/cn.toml).
    Update {
        #[arg(long, value_name = "PATH")]
        file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum QuickLoginCommand {
    /// Turn fingerprint login on (needs the fingerprint_login grant).
    Enable {
        /// What the simulated prompt answers: pass, fail or unavailable.
        #[arg(long, default_value = "pass")]
        simulate: String,
    },
    /// Log in by fingerprint.
    Login {
        #[arg(long, default_value = "pass")]
        simulate: String,
    },
    /// Turn fingerprint login off.
    Disable,
}
