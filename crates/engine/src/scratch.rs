//! Scratch databases are named so that dbwarden can tell its own and whether their owner is
//! gone: `dbw_<purpose>_<host>_<pid>_<started>`, with `host` a short hash of the host name and
//! `started` the owning process's start time (Unix seconds), so a reused process id is not
//! taken for the owner. A scratch database whose owner died (SIGKILL, power loss) holds copies
//! of production rows: the next run, or `dbwarden clean`, drops it.

/// Who made a scratch database, read back from its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScratchOwner {
    /// What it was for (`scratch`, `dryrun`, ...).
    pub purpose: String,
    /// The hash of the host name it was made on.
    pub host: String,
    /// The process id of its maker.
    pub pid: u32,
    /// That process's start time (Unix seconds).
    pub started: u64,
}

/// Whether the maker of a scratch database is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerState {
    /// Its process still runs on this host: leave it alone.
    Running,
    /// Its process is gone from this host: safe to drop.
    Gone,
    /// Made on another host: this one cannot tell.
    OtherHost,
    /// A name in an older format that does not say enough (`dbw_<purpose>_<pid>_<nanos>`).
    Unknown,
}

/// A scratch database name no other run uses, carrying its owner.
pub fn scratch_name(purpose: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() % 1000)
        .unwrap_or(0);
    let pid = std::process::id();
    format!(
        "dbw_{purpose}_{}_{pid}_{}_{nanos}",
        host_hash(),
        process_started(pid).unwrap_or(0)
    )
}

/// The owner a scratch name records, when it is in the current format.
pub fn owner_of(name: &str) -> Option<ScratchOwner> {
    let rest = name.strip_prefix("dbw_")?;
    let parts: Vec<&str> = rest.split('_').collect();
    let [purpose, host, pid, started, _nanos] = parts.as_slice() else {
        return None;
    };
    (host.len() == 8 && host.chars().all(|c| c.is_ascii_hexdigit())).then_some(())?;
    Some(ScratchOwner {
        purpose: (*purpose).to_owned(),
        host: (*host).to_owned(),
        pid: pid.parse().ok()?,
        started: started.parse().ok()?,
    })
}

/// The purposes dbwarden makes scratch databases for.
const PURPOSES: [&str; 2] = ["scratch", "dryrun"];

/// Whether `name` is one of dbwarden's scratch databases, in the current format or the older
/// `dbw_<purpose>_<pid>_<nanos>`; a user's database that merely starts with `dbw_` is not.
pub fn is_scratch(name: &str) -> bool {
    if owner_of(name).is_some_and(|o| PURPOSES.contains(&o.purpose.as_str())) {
        return true;
    }
    let Some(rest) = name.strip_prefix("dbw_") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('_').collect();
    matches!(parts.as_slice(), [purpose, pid, nanos]
        if PURPOSES.contains(purpose)
            && pid.chars().all(|c| c.is_ascii_digit())
            && nanos.chars().all(|c| c.is_ascii_digit()))
}

/// The state of the owner of scratch database `name`.
pub fn owner_state(name: &str) -> OwnerState {
    let Some(owner) = owner_of(name) else {
        return OwnerState::Unknown;
    };
    if owner.host != host_hash() {
        return OwnerState::OtherHost;
    }
    // Gone only when this host can see its processes and that one is not among them (or its
    // id now belongs to a later process); without /proc (macOS, hidepid) nothing is known.
    if !std::path::Path::new("/proc/self/stat").exists() {
        return OwnerState::Unknown;
    }
    if owner.started == 0 {
        return OwnerState::Unknown;
    }
    match process_started(owner.pid) {
        Some(started) if started.abs_diff(owner.started) <= 1 => OwnerState::Running,
        Some(_) => OwnerState::Gone,
        None if std::path::Path::new(&format!("/proc/{}", owner.pid)).exists() => {
            OwnerState::Unknown
        }
        None => OwnerState::Gone,
    }
}

/// Eight hex digits of a hash of this host's name.
fn host_hash() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_owned())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "unknown-host".into());
    format!("{:08x}", crate::stable_hash(&host) & 0xffff_ffff)
}

/// When process `pid` started (Unix seconds), from `/proc` (Linux); `None` when it is not
/// running or this is not Linux.
fn process_started(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 22, after the command name in parentheses (which may hold spaces).
    let after = stat.rsplit_once(')')?.1;
    let ticks: u64 = after.split_whitespace().nth(19)?.parse().ok()?;
    let boot: u64 = std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    // /proc counts in USER_HZ, which Linux fixes at 100 for this interface.
    Some(boot + ticks / 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_name_names_a_running_owner() {
        let name = scratch_name("scratch");
        assert!(name.len() <= 63, "{name}");
        let owner = owner_of(&name).unwrap_or_else(|| panic!("unparsed: {name}"));
        assert_eq!(owner.pid, std::process::id());
        assert_eq!(owner_state(&name), OwnerState::Running);
    }

    #[test]
    fn a_dead_owner_is_gone_and_old_names_are_unknown() {
        let name = scratch_name("dryrun");
        let owner = owner_of(&name).unwrap_or_else(|| panic!("{name}"));
        // A process id that no process has (above Linux's pid_max).
        let dead = format!(
            "dbw_dryrun_{}_{}_{}_1",
            owner.host, 99_999_999u32, owner.started
        );
        assert_eq!(owner_state(&dead), OwnerState::Gone);
        let elsewhere = format!("dbw_dryrun_00000000_{}_{}_1", owner.pid, owner.started);
        if owner.host != "00000000" {
            assert_eq!(owner_state(&elsewhere), OwnerState::OtherHost);
        }
        assert_eq!(owner_state("dbw_scratch_1234_998877"), OwnerState::Unknown);
        assert!(is_scratch("dbw_scratch_1234_998877"));
        assert!(is_scratch(&name));
        // A user's database, and the test suite's own, are not scratch databases.
        assert!(!is_scratch("dbw_production"));
        assert!(!is_scratch("dbw_test_1234_5_678"));
    }
}
