//! The peers the benchmark times beside claimls, installed by the bench itself from the
//! registries, pinned by the files under `xtask/peers/`: the npm X12 parsers `x12-parser` and
//! `node-x12` (`package-lock.json`, `npm ci` into `target/bench/peers/node`), and pyx12's full
//! 837 validation, python-hl7 and hl7apy (`requirements.txt`, a virtual environment in
//! `target/bench/peers/python`). Each install is kept while its pin file is unchanged (the copy
//! beside it is compared), so a second run installs nothing. Each peer runs through a small
//! driver script of `xtask/peers/` on the same generated files as claimls.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

/// One peer: what it reads and how it is run on a file.
pub struct Peer {
    pub name: &'static str,
    /// The format of the files it is given: `837P` or `HL7`.
    pub format: &'static str,
    /// What it does with a file, in the table's words.
    pub does: &'static str,
    pub version: String,
    /// Runs only on files up to this size (pyx12 takes about 5 s a MB, hl7apy a minute).
    pub max_bytes: usize,
    /// How it is run; `Err` says why it cannot be.
    command: Result<Invocation, String>,
}

/// A program, its arguments before the file, and where `node` finds the installed modules.
#[derive(Clone)]
struct Invocation {
    program: PathBuf,
    args: Vec<String>,
    node_path: Option<PathBuf>,
}

/// One run of a peer on a file.
pub enum Outcome {
    /// Seconds, and the exit code (pyx12 exits 1 on an invalid file).
    Ran(f64, Option<i32>),
    /// The peer gave up on the file: its message.
    Failed(String),
}

/// Installs every peer that is not installed yet; a peer that cannot be installed is listed
/// with the reason, never fatal.
pub fn install(root: &Path, dir: &Path) -> Vec<Peer> {
    let pins = root.join("xtask/peers");
    let node = install_node(&pins, &dir.join("node"));
    let python = install_python(&pins, &dir.join("python"));
    let npm_version = |name: &str| pinned(&pins.join("package.json"), name, "\"", "\": \"");
    let pip_version = |name: &str| pinned(&pins.join("requirements.txt"), name, "", "==");
    let script = |name: &str| pins.join(name).display().to_string();
    let on_node = |driver: &str| {
        node.clone().map(|modules| Invocation {
            program: PathBuf::from("node"),
            args: vec![script(driver)],
            node_path: Some(modules),
        })
    };
    let in_venv = |program: &str, args: Vec<String>| {
        python.clone().map(|venv| Invocation {
            program: venv.join("bin").join(program),
            args,
            node_path: None,
        })
    };
    vec![
        Peer {
            name: "x12-parser",
            format: "837P",
            does: "splits segments (npm, no checks)",
            version: npm_version("x12-parser"),
            max_bytes: usize::MAX,
            command: on_node("x12-parser.js"),
        },
        Peer {
            name: "node-x12",
            format: "837P",
            does: "parses into objects, strict envelope (npm)",
            version: npm_version("node-x12"),
            max_bytes: usize::MAX,
            command: on_node("node-x12.js"),
        },
        Peer {
            name: "pyx12",
            format: "837P",
            does: "x12valid, full 837 validation",
            version: pip_version("pyx12"),
            max_bytes: 9_000_000,
            command: in_venv("x12valid", Vec::new()),
        },
        Peer {
            name: "python-hl7",
            format: "HL7",
            does: "parses every message (pip `hl7`)",
            version: pip_version("hl7"),
            max_bytes: usize::MAX,
            command: in_venv("python", vec![script("hl7_peer.py"), "python-hl7".into()]),
        },
        Peer {
            name: "hl7apy",
            format: "HL7",
            does: "parses every message, no group search",
            version: pip_version("hl7apy"),
            // About a minute a MB on this machine: the 1 MB file only.
            max_bytes: 1_500_000,
            command: in_venv("python", vec![script("hl7_peer.py"), "hl7apy".into()]),
        },
    ]
}

impl Peer {
    /// Why the peer cannot be run, if so.
    pub fn missing(&self) -> Option<&str> {
        self.command.as_ref().err().map(String::as_str)
    }

    /// Runs the peer once on `file`, its output thrown away (its error message kept).
    pub fn run(&self, file: &Path) -> Result<Outcome, String> {
        let Invocation { program, args, node_path } =
            self.command.as_ref().map_err(Clone::clone)?;
        let mut command = Command::new(program);
        command.args(args);
        if let Some(modules) = node_path {
            command.env("NODE_PATH", modules);
        }
        command.arg(file).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
        let started = Instant::now();
        let output = command.output().map_err(|e| format!("{}: {e}", program.display()))?;
        let seconds = started.elapsed().as_secs_f64();
        match output.status.code() {
            // The drivers exit 3 when the peer throws; pyx12 exits 1 on an invalid file.
            Some(3) | None => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let first = stderr.lines().next().unwrap_or("killed by a signal");
                Ok(Outcome::Failed(first.chars().take(160).collect()))
            }
            code => Ok(Outcome::Ran(seconds, code)),
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "name": self.name,
            "version": self.version,
            "format": self.format,
            "does": self.does,
            "installed": self.missing().is_none(),
            "not_installed_because": self.missing(),
        })
    }
}

/// The version pinned for `name` in a pin file: the text after `name` + `separator` on its line
/// (`"x12-parser": "1.3.0"`, `hl7==0.4.5`).
fn pinned(file: &Path, name: &str, quote: &str, separator: &str) -> String {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let key = format!("{quote}{name}{separator}");
    text.lines()
        .find_map(|line| line.trim().strip_prefix(&key))
        .map(|rest| rest.trim_end_matches([',', '"']).to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Whether `installed` holds a copy of each pin file equal to the source: the install is current.
fn current(pins: &Path, installed: &Path, files: &[&str]) -> bool {
    files.iter().all(|name| {
        let read = |dir: &Path| std::fs::read(dir.join(name)).ok();
        read(installed).is_some_and(|copy| Some(copy) == read(pins))
    })
}

/// Marks the install current: copies the pin files beside it.
fn mark_current(pins: &Path, installed: &Path, files: &[&str]) -> Result<(), String> {
    for name in files {
        std::fs::copy(pins.join(name), installed.join(name)).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

fn quiet(command: &mut Command) -> Result<(), String> {
    let status = command.stdout(Stdio::null()).stderr(Stdio::inherit()).status();
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{command:?} failed ({status})")),
        Err(e) => Err(format!("{command:?}: {e}")),
    }
}

/// `npm ci` of the pinned parsers into `dir`: the `node_modules` folder.
fn install_node(pins: &Path, dir: &Path) -> Result<PathBuf, String> {
    const FILES: &[&str] = &["package.json", "package-lock.json"];
    let modules = dir.join("node_modules");
    if current(pins, dir, FILES) && modules.exists() {
        return Ok(modules);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // The lock file is written last: an interrupted install is not taken as current.
    std::fs::copy(pins.join("package.json"), dir.join("package.json"))
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(dir.join("package-lock.json"));
    std::fs::copy(pins.join("package-lock.json"), dir.join("package-lock.json.pinned"))
        .map_err(|e| e.to_string())?;
    std::fs::rename(dir.join("package-lock.json.pinned"), dir.join("package-lock.json"))
        .map_err(|e| e.to_string())?;
    eprintln!("peers: npm ci into {}", dir.display());
    quiet(
        Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(dir),
    )
    .map_err(|why| format!("npm ci: {why}"))?;
    Ok(modules)
}

/// A virtual environment in `dir` with the pinned Python peers: its folder.
fn install_python(pins: &Path, dir: &Path) -> Result<PathBuf, String> {
    const FILES: &[&str] = &["requirements.txt"];
    if current(pins, dir, FILES) && dir.join("bin/python").exists() {
        return Ok(dir.to_path_buf());
    }
    eprintln!("peers: pip install -r xtask/peers/requirements.txt into {}", dir.display());
    quiet(Command::new("python3").args(["-m", "venv", "--clear"]).arg(dir))
        .map_err(|why| format!("python3 -m venv: {why}"))?;
    quiet(
        Command::new(dir.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(pins.join("requirements.txt")),
    )
    .map_err(|why| format!("pip install: {why}"))?;
    mark_current(pins, dir, FILES)?;
    Ok(dir.to_path_buf())
}

/// What one run of a command used: its peak RSS and its CPU time (user + system).
pub struct Usage {
    pub peak_rss_mb: f64,
    /// Less sensitive than the wall time to a machine shared with other work.
    pub cpu_s: f64,
}

/// Peak RSS and CPU time of one run of `command` (its output thrown away), read by a Python
/// parent that has no other child: `resource.getrusage(RUSAGE_CHILDREN)` is then exactly that
/// run's (Rust's standard library does not report it, and the workspace forbids the `unsafe`
/// a `wait4` would take).
pub fn usage(command: &Command) -> Result<Usage, String> {
    const SCRIPT: &str = "import resource, subprocess, sys\n\
        subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n\
        u = resource.getrusage(resource.RUSAGE_CHILDREN)\n\
        print(u.ru_maxrss, u.ru_utime + u.ru_stime)";
    let output = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(command.get_program())
        .args(command.get_args())
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<f64> = text.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    match numbers[..] {
        [kib, cpu_s] => Ok(Usage { peak_rss_mb: kib * 1024.0 / 1e6, cpu_s }),
        _ => Err(format!("resource use of {command:?}: no numbers")),
    }
}
