//! Sweeps run by the real engines: GNU parallel on the emitted job list, and a Slurm job array
//! on a single-node Slurm (munged, slurmctld, slurmd) that this test starts under a private
//! `slurm.conf` and stops by pid. Both must merge to the same bytes as the local runner.
//!
//! The engines are Debian's `parallel`, `slurmctld`, `slurmd`, `slurm-client` and `munge`
//! (`cargo xtask verify` installs them when missing). Where they are missing, or the test
//! is not root (Slurm), the test says so loudly on stderr and returns; with `CI` set in the
//! environment a missing engine is a failure instead.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{EXE, curve_sweep, s};

fn ok(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn giantstep(args: &[&str]) -> Output {
    ok(Command::new(EXE).args(args))
}

fn found(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `true` if the engine can run here; otherwise a loud skip (or, under CI, a failure).
fn engine_available(name: &str, programs: &[&str], needs_root: bool) -> bool {
    let missing: Vec<&&str> = programs.iter().filter(|p| !found(p)).collect();
    let root = !needs_root || is_root();
    if missing.is_empty() && root {
        return true;
    }
    let why = if missing.is_empty() {
        "the test is not running as root".to_string()
    } else {
        format!("missing {missing:?} (Debian packages; `cargo xtask verify` installs them)")
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "{name} test cannot run in CI: {why}"
    );
    eprintln!("\n!!!!! SKIPPED: the {name} sweep test did not run: {why} !!!!!\n");
    false
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn scratch(name: &str) -> PathBuf {
    // short: munge's socket path must fit in a Unix socket address
    let d = PathBuf::from(format!("/tmp/gs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Plans the curve into `dir/name`; returns the sweep directory.
fn planned(dir: &Path, name: &str) -> PathBuf {
    let file = dir.join("curve.toml");
    std::fs::write(&file, curve_sweep(4)).unwrap();
    let sw = dir.join(name);
    giantstep(&["sweep", "plan", s(&file), "--out", s(&sw)]);
    sw
}

/// The merged CSV of a local run of the same sweep.
fn local_merge(dir: &Path) -> Vec<u8> {
    let sw = planned(dir, "local");
    giantstep(&["sweep", "run", s(&sw), "--jobs", "2", "--quiet"]);
    giantstep(&["sweep", "merge", s(&sw), "--out", s(&sw.join("m.csv"))]);
    std::fs::read(sw.join("m.csv")).unwrap()
}

fn merged(sw: &Path) -> Vec<u8> {
    giantstep(&["sweep", "merge", s(sw), "--out", s(&sw.join("m.csv"))]);
    std::fs::read(sw.join("m.csv")).unwrap()
}

#[test]
fn gnu_parallel_runs_the_emitted_job_list_and_merges_identically() {
    if !engine_available("GNU parallel", &["parallel"], false) {
        return;
    }
    let dir = scratch("par");
    let sw = planned(&dir, "par");
    giantstep(&["sweep", "emit", s(&sw), "--gnu-parallel"]);
    let list = sw.join("parallel-jobs.txt");
    assert_eq!(std::fs::read_to_string(&list).unwrap().lines().count(), 6);
    let joblog = sw.join("parallel.log");
    let run = |log: &Path| {
        ok(Command::new("parallel")
            .args(["--joblog", s(log), "--resume", "-j", "2"])
            .stdin(std::fs::File::open(&list).unwrap()))
    };
    run(&joblog);
    // the joblog: a header and one line per job, every exit value 0
    let log = std::fs::read_to_string(&joblog).unwrap();
    let rows: Vec<&str> = log.lines().skip(1).collect();
    assert_eq!(rows.len(), 6, "{log}");
    assert!(
        rows.iter().all(|r| r.split('\t').nth(6) == Some("0")),
        "{log}"
    );
    // --resume with the same joblog runs nothing again
    let before = std::fs::metadata(&joblog).unwrap().len();
    run(&joblog);
    assert_eq!(std::fs::metadata(&joblog).unwrap().len(), before);
    assert_eq!(merged(&sw), local_merge(&dir));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The daemons of a private single-node Slurm; stopped (by pid) on drop.
struct Slurm {
    dir: PathBuf,
    conf: PathBuf,
    children: Vec<(&'static str, Child)>,
}

impl Drop for Slurm {
    fn drop(&mut self) {
        for (name, child) in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
            eprintln!("stopped {name} (pid {})", child.id());
        }
    }
}

impl Slurm {
    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }

    fn start(dir: &Path) -> Slurm {
        let host = String::from_utf8(ok(Command::new("hostname").arg("-s")).stdout)
            .unwrap()
            .trim()
            .to_string();
        for d in ["state", "spool", "logs"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        let key = dir.join("munge.key");
        let socket = dir.join("munge.sock");
        ok(Command::new("mungekey").args(["-c", "-f", "-k", s(&key)]));
        let mut slurm = Slurm {
            dir: dir.to_path_buf(),
            conf: dir.join("slurm.conf"),
            children: Vec::new(),
        };
        let munged = Command::new("munged")
            .args(["-F", "-f", "--socket", s(&socket), "--key-file", s(&key)])
            .arg(format!("--pid-file={}", s(&dir.join("munged.pid"))))
            .arg(format!("--log-file={}", s(&dir.join("munged.log"))))
            .arg(format!("--seed-file={}", s(&dir.join("munged.seed"))))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        slurm.children.push(("munged", munged));
        wait_for(|| socket.exists(), "munged's socket", &slurm, "munged.log");
        // private ports from the pid, so two runs on one machine do not meet
        let port = 20000 + 2 * (std::process::id() % 10000);
        let conf = format!(
            "ClusterName=giantstep-test\nSlurmctldHost={host}\nSlurmctldPort={port}\n\
             SlurmdPort={}\nAuthType=auth/munge\nAuthInfo=socket={sock}\nCredType=cred/munge\n\
             SlurmUser=root\nSlurmdUser=root\nStateSaveLocation={d}/state\n\
             SlurmdSpoolDir={d}/spool\nSlurmctldPidFile={d}/slurmctld.pid\n\
             SlurmdPidFile={d}/slurmd.pid\nSlurmctldLogFile={d}/slurmctld.log\n\
             SlurmdLogFile={d}/slurmd.log\nProctrackType=proctrack/linuxproc\n\
             TaskPlugin=task/none\nSelectType=select/cons_tres\nSelectTypeParameters=CR_CPU\n\
             SchedulerType=sched/builtin\nReturnToService=2\nMpiDefault=none\n\
             JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n\
             NodeName={host} CPUs=2 State=UNKNOWN\n\
             PartitionName=test Nodes={host} Default=YES MaxTime=INFINITE State=UP\n",
            port + 1,
            sock = s(&socket),
            d = s(dir),
        );
        std::fs::write(&slurm.conf, conf).unwrap();
        for (name, program, args) in [
            ("slurmctld", "slurmctld", vec!["-D", "-i"]),
            ("slurmd", "slurmd", vec!["-D"]),
        ] {
            let child = Command::new(program)
                .args(&args)
                .env("SLURM_CONF", &slurm.conf)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            slurm.children.push((name, child));
        }
        wait_for(
            || {
                Command::new("sinfo")
                    .args(["-h", "-o", "%T"])
                    .env("SLURM_CONF", &slurm.conf)
                    .output()
                    .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "idle")
            },
            "the node to be idle",
            &slurm,
            "slurmctld.log",
        );
        slurm
    }
}

fn wait_for(ready: impl Fn() -> bool, what: &str, slurm: &Slurm, log: &str) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}; {log}:\n{}",
            slurm.log(log)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_slurm_job_array_runs_the_emitted_script_and_merges_identically() {
    let programs = [
        "slurmctld",
        "slurmd",
        "sbatch",
        "sinfo",
        "munged",
        "mungekey",
    ];
    if !engine_available("Slurm", &programs, true) {
        return;
    }
    let dir = scratch("slurm");
    let slurm = Slurm::start(&dir.join("slurm"));
    let expected = local_merge(&dir);
    // one array task per job, then fewer tasks than jobs (each task runs a shard)
    for (name, extra) in [("array", vec![]), ("shards", vec!["--array-max", "4"])] {
        let sw = planned(&dir, name);
        let mut args = vec!["sweep", "emit", s(&sw), "--slurm", "--time", "00:10:00"];
        args.extend(extra);
        giantstep(&args);
        let script = std::fs::read_to_string(sw.join("sweep.slurm")).unwrap();
        let tasks = if name == "array" { 6 } else { 4 };
        assert!(
            script.contains(&format!("#SBATCH --array=0-{}", tasks - 1)),
            "{script}"
        );
        let submit = Command::new("sbatch")
            .args(["--wait", s(&sw.join("sweep.slurm"))])
            .env("SLURM_CONF", &slurm.conf)
            .output()
            .unwrap();
        assert!(
            submit.status.success(),
            "sbatch --wait failed: {}\nslurmctld.log:\n{}",
            String::from_utf8_lossy(&submit.stderr),
            slurm.log("slurmctld.log")
        );
        let logs = std::fs::read_dir(sw.join("logs")).unwrap().count();
        assert_eq!(logs, tasks, "one log per array task");
        let status = String::from_utf8(giantstep(&["sweep", "status", s(&sw)]).stdout).unwrap();
        assert!(
            status.contains("6 jobs: 6 done, 0 pending, 0 failed"),
            "{status}"
        );
        assert_eq!(
            merged(&sw),
            expected,
            "{name}: merged file differs from the local run"
        );
    }
    drop(slurm);
    std::fs::remove_dir_all(&dir).unwrap();
}
