//! The sweep engines the tests run for real: GNU parallel and a single-node Slurm (Debian's
//! `parallel`, `slurmctld`, `slurmd`, `slurm-client`, `munge`). `ensure()` installs the
//! missing ones with apt-get when it can (root on Debian), so a fresh machine and CI run the
//! engine tests of `tests/sweep_engines.rs` instead of skipping them.

use crate::Status;
use std::process::{Command, Stdio};

/// Programs the engine tests call, with the Debian package of each.
const PROGRAMS: [(&str, &str); 7] = [
    ("parallel", "parallel"),
    ("slurmctld", "slurmctld"),
    ("slurmd", "slurmd"),
    ("sbatch", "slurm-client"),
    ("sinfo", "slurm-client"),
    ("munged", "munge"),
    ("mungekey", "munge"),
];

fn found(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn apt_get(args: &[&str]) -> bool {
    eprintln!("\n==> apt-get {}", args.join(" "));
    Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .is_ok_and(|s| s.success())
}

/// Installs the missing engines (Passed when all are present afterwards).
pub fn ensure() -> Status {
    let mut missing: Vec<&str> = PROGRAMS
        .iter()
        .filter(|(p, _)| !found(p))
        .map(|(_, pkg)| *pkg)
        .collect();
    missing.dedup();
    if missing.is_empty() {
        return Status::Passed;
    }
    if !found("apt-get") {
        return Status::Skipped(format!("no apt-get to install {missing:?}"));
    }
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend(&missing);
    // a fresh machine may need the package lists first
    let installed = apt_get(&install) || (apt_get(&["update", "-q"]) && apt_get(&install));
    if !installed {
        eprintln!("could not install {missing:?}: the engine tests will fail under CI");
        return Status::Failed;
    }
    // Debian starts munge and the Slurm daemons as services on install; the tests start
    // their own on private sockets and ports, so the system ones are stopped.
    for service in ["slurmctld", "slurmd", "munge"] {
        let _ = Command::new("sh")
            .args(["-c", &format!("service {service} stop >/dev/null 2>&1")])
            .status();
    }
    passed_if_all_found()
}

fn passed_if_all_found() -> Status {
    let still: Vec<&str> = PROGRAMS
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| !found(p))
        .collect();
    if still.is_empty() {
        Status::Passed
    } else {
        Status::Failed
    }
}
