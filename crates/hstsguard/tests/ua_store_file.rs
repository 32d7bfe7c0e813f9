//! Saving and loading HSTS cache files: concurrent writers (threads of one process, and
//! two real processes) lose no entry; a deletion by another process stays deleted; a
//! store file that is a directory or cannot be written is a clear error naming the path,
//! with nothing lost.

use std::path::{Path, PathBuf};
use std::process::Command;

use hstsguard::ua::{KnownHosts, KnownHostsOptions};

const NOW: u64 = 1_800_000_000;
const WRITES: usize = 40;

fn store() -> KnownHosts {
    KnownHosts::with_options(KnownHostsOptions {
        preload: None,
        ..KnownHostsOptions::default()
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hstsguard-ua-{name}-{}-{}",
        std::process::id(),
        NOW
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One writer: receives `WRITES` hosts named after `tag` and saves after each.
fn writer(path: &Path, tag: &str) {
    let s = store();
    for i in 0..WRITES {
        let out = s
            .receive(
                &format!("{tag}-{i}.example"),
                &["max-age=31536000"],
                true,
                NOW,
            )
            .unwrap();
        assert_eq!(out.result.as_str(), "added");
        s.save(path, NOW).unwrap();
    }
}

fn hosts_in(path: &Path) -> Vec<String> {
    let s = store();
    let report = s.load(path, NOW).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    s.entries(NOW).into_iter().map(|e| e.host).collect()
}

#[test]
fn threads_saving_one_file_lose_no_entry() {
    let dir = scratch("threads");
    let path = dir.join("hsts.txt");
    std::thread::scope(|scope| {
        for tag in ["t1", "t2", "t3"] {
            let path = &path;
            scope.spawn(move || writer(path, tag));
        }
    });
    let hosts = hosts_in(&path);
    assert_eq!(hosts.len(), 3 * WRITES, "{hosts:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The body of a child process of `processes_saving_one_file_lose_no_entry`; does
/// nothing when run on its own.
#[test]
fn child_writer() {
    if let (Some(path), Some(tag)) = (
        std::env::var_os("HSTSGUARD_UA_CHILD_FILE"),
        std::env::var("HSTSGUARD_UA_CHILD_TAG").ok(),
    ) {
        writer(Path::new(&path), &tag);
    }
}

#[test]
fn processes_saving_one_file_lose_no_entry() {
    let dir = scratch("processes");
    let path = dir.join("hsts.txt");
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["p1", "p2"]
        .iter()
        .map(|tag| {
            Command::new(&exe)
                .args(["--exact", "child_writer", "--test-threads", "1"])
                .env("HSTSGUARD_UA_CHILD_FILE", &path)
                .env("HSTSGUARD_UA_CHILD_TAG", tag)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let hosts = hosts_in(&path);
    assert_eq!(hosts.len(), 2 * WRITES, "{hosts:?}");
    assert!(
        hosts.iter().any(|h| h == "p1-0.example") && hosts.iter().any(|h| h == "p2-39.example")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn merging_keeps_other_processes_changes_and_deletions() {
    let dir = scratch("merge");
    let path = dir.join("hsts.txt");
    let setup = store();
    for h in ["keep.example", "gone.example"] {
        setup.receive(h, &["max-age=600"], true, NOW).unwrap();
    }
    setup.save(&path, NOW).unwrap();

    let a = store();
    let b = store();
    a.load(&path, NOW).unwrap();
    b.load(&path, NOW).unwrap();
    // B deletes gone.example and updates keep.example; A adds its own host.
    b.receive("gone.example", &["max-age=0"], true, NOW)
        .unwrap();
    b.receive(
        "keep.example",
        &["max-age=900; includeSubDomains"],
        true,
        NOW,
    )
    .unwrap();
    b.save(&path, NOW).unwrap();
    a.receive("a-only.example", &["max-age=600"], true, NOW)
        .unwrap();
    let report = a.save(&path, NOW).unwrap();
    assert_eq!(report.written, 2);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\na-only.example \""), "{text}");
    assert!(
        text.contains("\n.keep.example \""),
        "B's update was lost:\n{text}"
    );
    assert!(
        !text.contains("gone.example"),
        "B's deletion was undone:\n{text}"
    );
    // A now sees B's update too.
    assert!(a.lookup("www.keep.example", NOW).unwrap().is_some());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_directory_or_unwritable_path_is_a_clear_error_and_nothing_is_lost() {
    let dir = scratch("errors");
    let s = store();
    s.receive("example.com", &["max-age=600"], true, NOW)
        .unwrap();

    let e = s.save(&dir, NOW).unwrap_err();
    assert_eq!(e.code(), "ua.store.is_directory");
    assert!(e.to_string().contains(&*dir.to_string_lossy()), "{e}");
    let e = s.load(&dir, NOW).unwrap_err();
    assert_eq!(e.code(), "ua.store.is_directory");

    let missing_dir = dir.join("no-such-dir").join("hsts.txt");
    let e = s.save(&missing_dir, NOW).unwrap_err();
    assert_eq!(e.code(), "ua.store.io");
    assert!(e.to_string().contains("no-such-dir"), "{e}");

    // The store still has its entry and saves fine elsewhere.
    assert!(s.lookup("example.com", NOW).unwrap().is_some());
    let good = dir.join("hsts.txt");
    s.save(&good, NOW).unwrap();
    assert_eq!(hosts_in(&good), ["example.com"]);

    // Loading a file with bad lines reports them by number and keeps the rest.
    std::fs::write(
        &good,
        "bad\nok.example \"unlimited\"\n\u{1}x \"unlimited\"\n",
    )
    .unwrap();
    let s2 = store();
    let report = s2.load(&good, NOW).unwrap();
    assert_eq!(report.loaded, 1);
    let lines: Vec<usize> = report.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [1, 3]);
    // A missing file is an empty store.
    assert_eq!(s2.load(dir.join("absent.txt"), NOW).unwrap().loaded, 0);
    let _ = std::fs::remove_dir_all(&dir);
}
