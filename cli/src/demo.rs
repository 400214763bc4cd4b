//! `laowu demo`: the whole product in one command. A server runs in this
//! process on a free loopback port with its database in a temporary
//! directory; a worker's phone and a supervisor's phone are driven through
//! the same commands a person would type, and every step is printed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Parser;
use laowu_server::admin::{AdminCommand, execute};
use laowu_server::{AppState, Config};
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

use crate::args::Cli;
use crate::failure::Failure;
use crate::output::Report;

const SITE_ID: &str = "site-pudong-01";
const WORKER_PHONE: &str = "13800138000";
const SUPERVISOR_PHONE: &str = "13900139000";
const WORKER_PASSWORD: &str = "worker-demo-pass";
const SUPERVISOR_PASSWORD: &str = "supervisor-demo-pass";
const BSSID: &str = "a4:56:02:11:22:33";

/// The demo's site: a 300 m circle in Pudong with one access point.
fn site_spec() -> Value {
    json!({
        "id": SITE_ID,
        "name": "浦东示范工地",
        "fences": [{"type": "circle", "lat": 31.2304, "lon": 121.4737, "radius_m": 300.0}],
        "wifi": [{"bssid": BSSID, "ssid": "LAOWU-SITE"}],
        "rule": "either"
    })
}

pub fn run(keep: Option<&Path>, json_out: bool) -> Result<Report, Failure> {
    let temp;
    let root: PathBuf = match keep {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| io_failure("keep", e))?;
            dir.to_path_buf()
        }
        None => {
            temp = tempfile::tempdir().map_err(|e| io_failure("demo", e))?;
            temp.path().to_path_buf()
        }
    };
    let mut demo = Demo {
        server: DemoServer::start(&root.join("server"))?,
        root,
        steps: Vec::new(),
        print: !json_out,
    };
    let result = demo.walk();
    demo.server.stop();
    result?;
    Ok(Report {
        text: "demo complete: every step above ran against a real server over HTTP".into(),
        json: json!({"ok": true, "steps": demo.steps}),
    })
}

struct Demo {
    server: DemoServer,
    root: PathBuf,
    steps: Vec<Value>,
    print: bool,
}

impl Demo {
    fn walk(&mut self) -> Result<(), Failure> {
        let url = self.server.url();
        let worker = self.root.join("worker");
        let boss = self.root.join("supervisor");
        self.say(&format!(
            "the server listens on {url} (embedded SQLite in {})",
            self.root.join("server").display()
        ));

        let site_file = self.root.join("site.json");
        std::fs::write(&site_file, site_spec().to_string()).map_err(|e| io_failure("site", e))?;
        self.admin(
            &["site", "add", "--file", &path(&site_file)],
            "the operator adds the site 浦东示范工地 (300 m fence, one WiFi access point)",
        )?;

        self.section("worker");
        self.laowu(
            &worker,
            &["init"],
            "a new phone: the sealed store is created",
        )?;
        self.laowu(&worker, &["policy", "show"], "the privacy policy is shown")?;
        self.laowu(
            &worker,
            &["consent", "accept", "--all"],
            "the worker accepts it",
        )?;
        self.laowu(
            &worker,
            &[
                "--server",
                &url,
                "account",
                "register",
                "--phone",
                WORKER_PHONE,
            ],
            "registration: the server texts a code",
        )?;
        let code = self.server.last_code(WORKER_PHONE)?;
        self.laowu(&worker, &["account", "verify", "--phone", WORKER_PHONE, "--code", &code, "--password", WORKER_PASSWORD], &format!("the code from the SMS ({code}) and a password create the account; the phone's key is registered"))?;
        self.laowu(
            &worker,
            &[
                "identity",
                "register",
                "--name",
                "张三",
                "--mobile",
                WORKER_PHONE,
            ],
            "real-name data, sealed on the phone",
        )?;
        self.laowu(
            &worker,
            &["sync"],
            "first sync: the site and the server's signed time arrive",
        )?;
        let wifi = format!("{BSSID},LAOWU-SITE,-48");
        self.laowu(
            &worker,
            &[
                "checkin",
                "--lat",
                "31.2306",
                "--lon",
                "121.4739",
                "--accuracy",
                "15",
                "--wifi",
                &wifi,
            ],
            "a check-in inside the fence, with the site's WiFi",
        )?;
        self.laowu(
            &worker,
            &[
                "checkin",
                "--lat",
                "31.2480",
                "--lon",
                "121.4900",
                "--accuracy",
                "20",
                "--reason",
                "到材料市场采购钢筋",
            ],
            "a field check-in 2.5 km away, with a reason",
        )?;
        self.laowu(
            &worker,
            &["sync"],
            "sync: both signed check-ins go to the server",
        )?;

        self.section("supervisor");
        self.laowu(&boss, &["init"], "the supervisor's phone")?;
        self.laowu(
            &boss,
            &["consent", "accept", "--all"],
            "the supervisor accepts the policy",
        )?;
        self.laowu(
            &boss,
            &[
                "--server",
                &url,
                "account",
                "register",
                "--phone",
                SUPERVISOR_PHONE,
            ],
            "registration code",
        )?;
        let code = self.server.last_code(SUPERVISOR_PHONE)?;
        self.laowu(
            &boss,
            &[
                "account",
                "verify",
                "--phone",
                SUPERVISOR_PHONE,
                "--code",
                &code,
                "--password",
                SUPERVISOR_PASSWORD,
            ],
            "the supervisor's account",
        )?;
        self.admin(
            &[
                "supervisor",
                "add",
                "--phone",
                SUPERVISOR_PHONE,
                "--site",
                SITE_ID,
            ],
            "the operator makes them supervisor of the site",
        )?;
        self.laowu(
            &boss,
            &[
                "account",
                "login",
                "--phone",
                SUPERVISOR_PHONE,
                "--password",
                SUPERVISOR_PASSWORD,
            ],
            "they sign in again, now as supervisor",
        )?;
        let day = self.laowu(
            &boss,
            &["supervisor", "day", "--site", SITE_ID],
            "the day view of the site",
        )?;
        let pending = day.json["entries"]
            .as_array()
            .and_then(|entries| entries.iter().find(|e| e["review"] == "pending"))
            .and_then(|e| e["event_id"].as_str())
            .map(str::to_string)
            .ok_or_else(|| {
                Failure::invalid("demo", "the field check-in did not reach the day view")
            })?;
        self.laowu(
            &boss,
            &["supervisor", "approve", &pending, "--note", "已核实采购单"],
            "the field check-in is approved",
        )?;

        self.section("worker");
        self.laowu(
            &worker,
            &["sync"],
            "sync: the decision comes back to the worker's phone",
        )?;
        self.laowu(
            &worker,
            &["history"],
            "the worker's history shows it approved",
        )?;
        let month = laowu_core::app::china_date(crate::commands::now_ms())?
            .strftime("%Y-%m")
            .to_string();
        self.laowu(
            &boss,
            &["supervisor", "export", "--site", SITE_ID, "--month", &month],
            "the month's CSV for wages",
        )?;
        Ok(())
    }

    /// Runs one `laowu` command exactly as typed, prints it and its answer.
    fn laowu(&mut self, home: &Path, args: &[&str], what: &str) -> Result<Report, Failure> {
        let mut argv = vec!["laowu", "--home"];
        let home_text = path(home);
        argv.push(&home_text);
        argv.extend_from_slice(args);
        let shown = format!("laowu {}", args.join(" "));
        let cli = Cli::try_parse_from(&argv).map_err(|_| {
            Failure::invalid("demo", format!("the demo's own command is wrong: {shown}"))
        })?;
        let report = crate::commands::run(&cli)?;
        self.record(what, &shown, &report.text, report.json.clone());
        Ok(report)
    }

    fn admin(&mut self, args: &[&str], what: &str) -> Result<Value, Failure> {
        #[derive(Parser)]
        struct Admin {
            #[command(subcommand)]
            command: AdminCommand,
        }
        let shown = format!("laowu-server admin {}", args.join(" "));
        let mut argv = vec!["admin"];
        argv.extend_from_slice(args);
        let command = Admin::try_parse_from(&argv)
            .map_err(|_| {
                Failure::invalid("demo", format!("the demo's own command is wrong: {shown}"))
            })?
            .command;
        let value = self.server.admin(command)?;
        let text = serde_json::to_string(&value).unwrap_or_default();
        self.record(what, &shown, &text, value.clone());
        Ok(value)
    }

    fn record(&mut self, what: &str, command: &str, answer: &str, json: Value) {
        if self.print {
            println!("\n▶ {what}\n  $ {command}");
            for line in answer.lines() {
                println!("    {line}");
            }
        }
        self.steps
            .push(json!({"step": what, "command": command, "result": json}));
    }

    fn say(&mut self, text: &str) {
        if self.print {
            println!("● {text}");
        }
        self.steps.push(json!({"step": text}));
    }

    fn section(&mut self, who: &str) {
        if self.print {
            println!("\n━━ the {who} ━━");
        }
    }
}

/// The server, on a runtime of its own so the phones' blocking calls run on
/// this thread as they would on a real phone.
struct DemoServer {
    runtime: Runtime,
    state: AppState,
    addr: SocketAddr,
    data: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl DemoServer {
    fn start(data: &Path) -> Result<Self, Failure> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| io_failure("demo", e))?;
        let state = runtime
            .block_on(AppState::open(Config::new(data)))
            .map_err(|e| Failure::invalid("demo", format!("the server cannot start: {e}")))?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .map_err(|e| io_failure("demo", e))?;
        let addr = listener.local_addr().map_err(|e| io_failure("demo", e))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = runtime.spawn(laowu_server::serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Ok(DemoServer {
            runtime,
            state,
            addr,
            data: data.to_path_buf(),
            stop: Some(stop),
            task: Some(task),
        })
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn admin(&self, command: AdminCommand) -> Result<Value, Failure> {
        self.runtime
            .block_on(execute(&self.state, command))
            .map_err(|e| Failure::invalid("demo", format!("an admin command failed: {e}")))
    }

    /// The newest code texted to `phone`, from the embedded SMS log.
    fn last_code(&self, phone: &str) -> Result<String, Failure> {
        let log = std::fs::read_to_string(self.data.join("sms.log"))
            .map_err(|e| io_failure("sms.log", e))?;
        log.lines()
            .rev()
            .find_map(|line| {
                let (to, code) = line.split_once(' ')?;
                (to.trim_start_matches("+86") == phone).then(|| code.trim().to_string())
            })
            .ok_or_else(|| Failure::invalid("demo", "no SMS code was sent"))
    }

    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = self.runtime.block_on(task);
        }
    }
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

fn io_failure(field: &str, e: std::io::Error) -> Failure {
    Failure::invalid(field, format!("cannot prepare the demo ({})", e.kind()))
}
