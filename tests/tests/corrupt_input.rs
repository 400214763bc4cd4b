//! Proof that bad files, bad paths, bad keys and a full disk give a typed
//! `StoreError` (never a panic), and that a refused open changes no file: what
//! was stored before is still there once the right key or file is back.

mod common;

use std::ffi::CString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{Rng, existing_vault, snapshot, vault};
use laowu_core::store::{
    DB_FILE, DataCategory, KeyVault, OpenMode, RecordId, Store, StoreError, VAULT_FILE,
};
use rusqlite::Connection;

const MODES: [OpenMode; 2] = [OpenMode::Existing, OpenMode::Create];

/// What `Store::open` refused with; a panic if it opened.
fn open_err(dir: &Path, vault: Arc<dyn KeyVault>, mode: OpenMode) -> StoreError {
    match Store::open(dir, vault, mode) {
        Ok(_) => panic!("{mode:?} open of {} should have failed", dir.display()),
        Err(e) => e,
    }
}

/// A store in `dir` with records in several categories, checkpointed and
/// closed; returns (id, category, value, at_ms) of each.
fn build_store(home: &Path, dir: &Path) -> Vec<(RecordId, DataCategory, Vec<u8>, i64)> {
    let store = Store::open(dir, vault(home), OpenMode::Create).unwrap();
    let mut written = Vec::new();
    for i in 0..300u32 {
        let category = DataCategory::ALL[i as usize % DataCategory::ALL.len()];
        let value = format!("记录{i}：{}", "数据".repeat(i as usize % 40)).into_bytes();
        let at = 1_700_000_000_000 + i64::from(i);
        let id = store
            .put_record(
                &common::permit(category),
                category,
                "entry",
                &value,
                at,
                i % 3 == 0,
            )
            .unwrap();
        written.push((id, category, value, at));
    }
    store.checkpoint().unwrap();
    drop(store);
    written
}

fn assert_reads_back(store: &Store, written: &[(RecordId, DataCategory, Vec<u8>, i64)]) {
    for (id, category, value, at) in written {
        let rec = store
            .get_record(id)
            .unwrap()
            .unwrap_or_else(|| panic!("{id} is lost"));
        assert_eq!(
            (rec.category, rec.value.as_slice(), rec.at_ms),
            (*category, value.as_slice(), *at)
        );
    }
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

/// Refused in both modes with the expected error, and no file changed.
fn assert_refused_untouched(
    dir: &Path,
    vault: impl Fn() -> Arc<dyn KeyVault>,
    expect: impl Fn(&StoreError) -> bool,
    what: &str,
) {
    let before = snapshot(dir);
    for mode in MODES {
        let err = open_err(dir, vault(), mode);
        assert!(expect(&err), "{what}, {mode:?}: unexpected {err:?}");
        assert!(
            snapshot(dir) == before,
            "{what}, {mode:?}: a refused open changed the files"
        );
    }
}

#[test]
fn truncated_store_is_corrupt_and_left_alone() {
    let home = tempfile::tempdir().unwrap();
    let built = home.path().join("built");
    build_store(home.path(), &built);
    let full = fs::read(built.join(DB_FILE)).unwrap();
    assert!(full.len() > 64 * 1024, "{} bytes", full.len());

    for len in [full.len() / 2, 3 * full.len() / 4, 4096, 100] {
        let dir = home.path().join(format!("truncated-{len}"));
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join(DB_FILE), &full[..len]).unwrap();
        assert!(!dir.join(format!("{DB_FILE}-wal")).exists());
        assert!(!dir.join(format!("{DB_FILE}-shm")).exists());
        assert_refused_untouched(
            &dir,
            || vault(home.path()),
            |e| matches!(e, StoreError::Corrupt { .. }),
            &format!("truncated to {len} bytes"),
        );
    }
}

#[test]
fn random_bytes_are_corrupt_and_left_alone() {
    let seed = Rng::seed_from_env_or_time("LAOWU_CORRUPT_SEED");
    println!("random file seed {seed}");
    let mut rng = Rng::new(seed);
    let home = tempfile::tempdir().unwrap();
    for len in [64 * 1024, 4096, 1000] {
        let dir = home.path().join(format!("random-{len}"));
        fs::create_dir(&dir).unwrap();
        let mut bytes = vec![0u8; len];
        rng.fill(&mut bytes);
        fs::write(dir.join(DB_FILE), &bytes).unwrap();
        assert_refused_untouched(
            &dir,
            || vault(home.path()),
            |e| matches!(e, StoreError::Corrupt { .. }),
            &format!("{len} random bytes"),
        );
    }
}

#[test]
fn small_garbage_files_are_corrupt_and_left_alone() {
    let home = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>); 5] = [
        ("two bytes", vec![0, 1]),
        ("a line of text", b"not a database\n".to_vec()),
        ("99 bytes of 0xff", vec![0xff; 99]),
        ("a page of zeros", vec![0; 4096]),
        // The right magic and nothing after it.
        ("a bare SQLite magic", b"SQLite format 3\0".to_vec()),
    ];
    for (n, (what, bytes)) in cases.into_iter().enumerate() {
        let dir = home.path().join(format!("garbage-{n}"));
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join(DB_FILE), &bytes).unwrap();
        assert_refused_untouched(
            &dir,
            || vault(home.path()),
            |e| matches!(e, StoreError::Corrupt { .. }),
            what,
        );
    }
}

#[test]
fn an_empty_file_is_not_a_store_yet() {
    // Zero bytes is what SQLite itself leaves when creation is interrupted
    // before the first page: not a store to open, but one may be created.
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("store");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join(DB_FILE), b"").unwrap();
    let before = snapshot(&dir);
    assert!(matches!(
        open_err(&dir, vault(home.path()), OpenMode::Existing),
        StoreError::NotInitialised
    ));
    assert!(snapshot(&dir) == before);
    // SQLite's unix VFS counts a one-byte file as empty (it writes such a byte
    // itself on some file systems): not a store, and left alone when only an
    // existing store may be opened.
    let one = home.path().join("one-byte");
    fs::create_dir(&one).unwrap();
    fs::write(one.join(DB_FILE), b"x").unwrap();
    assert!(matches!(
        open_err(&one, vault(home.path()), OpenMode::Existing),
        StoreError::NotInitialised
    ));
    assert_eq!(fs::read(one.join(DB_FILE)).unwrap(), b"x");
    let store = Store::open(&dir, vault(home.path()), OpenMode::Create).unwrap();
    let id = store
        .put_record(
            &common::permit(DataCategory::Consent),
            DataCategory::Consent,
            "receipt",
            b"ok",
            1,
            false,
        )
        .unwrap();
    drop(store);
    let store = Store::open(&dir, vault(home.path()), OpenMode::Existing).unwrap();
    assert_eq!(
        store.get_record(&id).unwrap().unwrap().value.as_slice(),
        b"ok"
    );
}

#[test]
fn another_apps_database_is_foreign_and_left_alone() {
    let home = tempfile::tempdir().unwrap();

    // A contacts app's database, rollback journal (SQLite's default).
    let plain = home.path().join("plain");
    fs::create_dir(&plain).unwrap();
    {
        let conn = Connection::open(plain.join(DB_FILE)).unwrap();
        conn.execute_batch(
            "CREATE TABLE contact (name TEXT, phone TEXT);
             INSERT INTO contact VALUES ('张伟', '13800138000'), ('李娜', '13900139000');",
        )
        .unwrap();
    }
    // The same in WAL mode.
    let wal = home.path().join("wal");
    fs::create_dir(&wal).unwrap();
    {
        let conn = Connection::open(wal.join(DB_FILE)).unwrap();
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .unwrap();
        conn.execute_batch("CREATE TABLE note (body TEXT); INSERT INTO note VALUES ('买菜');")
            .unwrap();
    }
    // No tables, but another application's id.
    let other_id = home.path().join("other-id");
    fs::create_dir(&other_id).unwrap();
    {
        let conn = Connection::open(other_id.join(DB_FILE)).unwrap();
        conn.pragma_update(None, "application_id", 0x1234_5678)
            .unwrap();
    }
    // No tables, but another application's schema version.
    let other_version = home.path().join("other-version");
    fs::create_dir(&other_version).unwrap();
    {
        let conn = Connection::open(other_version.join(DB_FILE)).unwrap();
        conn.pragma_update(None, "user_version", 7).unwrap();
    }

    for dir in [&plain, &wal, &other_id, &other_version] {
        assert_refused_untouched(
            dir,
            || vault(home.path()),
            |e| matches!(e, StoreError::Foreign),
            &format!("foreign database {}", dir.display()),
        );
    }
    // The other app's data is intact.
    let conn = Connection::open(plain.join(DB_FILE)).unwrap();
    let phone: String = conn
        .query_row("SELECT phone FROM contact WHERE name = '李娜'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(phone, "13900139000");
}

#[test]
fn a_store_from_another_installation_is_wrong_key_until_its_vault_is_back() {
    // Installation B: its own home, vault.key and store.
    let b = tempfile::tempdir().unwrap();
    let b_store = b.path().join("store");
    let written = build_store(b.path(), &b_store);

    // Installation A, with its own vault, receives a copy of B's store.
    let a = tempfile::tempdir().unwrap();
    vault(a.path());
    let a_store = a.path().join("store");
    fs::create_dir(&a_store).unwrap();
    for (name, bytes) in snapshot(&b_store) {
        fs::write(a_store.join(name), bytes).unwrap();
    }
    assert_ne!(
        fs::read(a.path().join(VAULT_FILE)).unwrap(),
        fs::read(b.path().join(VAULT_FILE)).unwrap()
    );
    assert_refused_untouched(
        &a_store,
        || existing_vault(a.path()),
        |e| matches!(e, StoreError::WrongKey { .. }),
        "another installation's store",
    );

    // With B's vault restored in A's home, everything reads back.
    fs::copy(b.path().join(VAULT_FILE), a.path().join(VAULT_FILE)).unwrap();
    let store = Store::open(&a_store, existing_vault(a.path()), OpenMode::Existing).unwrap();
    assert_reads_back(&store, &written);
}

#[test]
fn a_missing_or_malformed_vault_key_is_key_unavailable_and_touches_nothing() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("store");
    let written = build_store(home.path(), &dir);
    let key_path = home.path().join(VAULT_FILE);
    let key = fs::read(&key_path).unwrap();

    fs::remove_file(&key_path).unwrap();
    assert_refused_untouched(
        &dir,
        || existing_vault(home.path()),
        |e| matches!(e, StoreError::KeyUnavailable { .. }),
        "vault.key missing",
    );
    fs::write(&key_path, &key[..16]).unwrap();
    assert_refused_untouched(
        &dir,
        || existing_vault(home.path()),
        |e| matches!(e, StoreError::KeyUnavailable { .. }),
        "vault.key cut short",
    );

    fs::write(&key_path, &key).unwrap();
    let store = Store::open(&dir, existing_vault(home.path()), OpenMode::Existing).unwrap();
    assert_reads_back(&store, &written);
}

#[test]
fn a_store_path_that_is_a_regular_file_is_io() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("store");
    fs::write(&path, b"a file, not a directory").unwrap();
    for mode in MODES {
        let err = open_err(&path, vault(home.path()), mode);
        assert!(
            matches!(err, StoreError::Io { .. }),
            "{mode:?}: expected Io, got {err:?}"
        );
        assert_eq!(fs::read(&path).unwrap(), b"a file, not a directory");
    }
    // Nor can a path under a regular file hold a store.
    let below = path.join("store");
    for mode in MODES {
        let err = open_err(&below, vault(home.path()), mode);
        assert!(
            matches!(err, StoreError::Io { .. }),
            "below a file, {mode:?}: expected Io, got {err:?}"
        );
    }
}

/// A tmpfs mounted for the life of the guard; unmounted on drop, even when the
/// test panics.
struct TmpfsMount {
    path: PathBuf,
}

impl TmpfsMount {
    fn mount(path: &Path, size: &str) -> io::Result<Self> {
        let target = CString::new(path.as_os_str().as_bytes()).unwrap();
        let options = CString::new(format!("size={size},mode=0700")).unwrap();
        let rc = unsafe {
            libc::mount(
                c"tmpfs".as_ptr(),
                target.as_ptr(),
                c"tmpfs".as_ptr(),
                libc::MS_NOSUID | libc::MS_NODEV,
                options.as_ptr().cast(),
            )
        };
        if rc == 0 {
            Ok(Self {
                path: path.to_path_buf(),
            })
        } else {
            Err(io::Error::last_os_error())
        }
    }
}

impl Drop for TmpfsMount {
    fn drop(&mut self) {
        let target = CString::new(self.path.as_os_str().as_bytes()).unwrap();
        // Lazy detach: succeeds even if a file is still open on it.
        let rc = unsafe { libc::umount2(target.as_ptr(), libc::MNT_DETACH) };
        if rc != 0 {
            eprintln!(
                "could not unmount {}: {}",
                self.path.display(),
                io::Error::last_os_error()
            );
        }
    }
}

/// Fills the store with 16 KiB values until a write fails; returns the error
/// and the ids written before it.
fn fill_until_error(store: &Store) -> (StoreError, Vec<RecordId>) {
    let blob = vec![0x5au8; 16 * 1024];
    let mut ids = Vec::new();
    loop {
        match store.put_record(
            &common::permit(DataCategory::Face),
            DataCategory::Face,
            "template",
            &blob,
            5,
            false,
        ) {
            Ok(id) => ids.push(id),
            Err(e) => return (e, ids),
        }
        assert!(ids.len() < 10_000, "the disk never filled");
    }
}

/// How the store is made to run out of space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Limit {
    /// The file system itself is full (a small tmpfs).
    Disk,
    /// `Store::set_size_limit`.
    SizeLimit,
}

/// Writes two records, fills the store until a write fails, and checks the
/// failure is `Full`, that nothing acknowledged is lost, and that the store is
/// intact, open and after a reopen.
fn fill_and_check(dir: &Path, v: &Arc<dyn KeyVault>, limit: Limit) {
    let store = Store::open(dir, v.clone(), OpenMode::Create).unwrap();
    let first = store
        .put_record(
            &common::permit(DataCategory::Identity),
            DataCategory::Identity,
            "name",
            "张三".as_bytes(),
            11,
            true,
        )
        .unwrap();
    let second = store
        .put_record(
            &common::permit(DataCategory::Location),
            DataCategory::Location,
            "fix",
            b"39.9087,116.3975",
            12,
            false,
        )
        .unwrap();
    if limit == Limit::SizeLimit {
        store.set_size_limit(256 * 1024).unwrap();
    }
    let (err, filled) = fill_until_error(&store);
    println!(
        "{limit:?}: full after {} 16 KiB writes: {err:?}",
        filled.len()
    );
    assert!(
        matches!(err, StoreError::Full),
        "{limit:?}: expected Full, got {err:?}"
    );
    assert!(
        !filled.is_empty(),
        "some writes fit before the store filled"
    );

    // The store still answers, and what was written before is there.
    let check = |store: &Store| {
        let rec = store.get_record(&first).unwrap().unwrap();
        assert_eq!((rec.value.as_slice(), rec.at_ms), ("张三".as_bytes(), 11));
        assert_eq!(
            store.get_record(&second).unwrap().unwrap().value.as_slice(),
            b"39.9087,116.3975"
        );
        assert_eq!(
            store
                .find_records(DataCategory::Identity, "name", "张三".as_bytes())
                .unwrap()
                .len(),
            1
        );
        let faces = store.list_records(DataCategory::Face).unwrap();
        assert_eq!(
            faces.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
            filled
        );
    };
    check(&store);
    // Another attempt fails the same way and changes nothing.
    let again = store.put_record(
        &common::permit(DataCategory::Face),
        DataCategory::Face,
        "template",
        &[1u8; 16 * 1024],
        5,
        false,
    );
    assert!(matches!(again, Err(StoreError::Full)), "{again:?}");
    check(&store);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    drop(store);

    // Reopened (a full disk is still full): intact, everything acknowledged there.
    let store = Store::open(dir, v.clone(), OpenMode::Existing).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    check(&store);
}

#[test]
fn a_full_disk_is_full_and_keeps_earlier_writes() {
    let home = tempfile::tempdir().unwrap();
    let mount_point = home.path().join("disk");
    fs::create_dir(&mount_point).unwrap();
    let v = vault(home.path());

    let mount = match TmpfsMount::mount(&mount_point, "512k") {
        Ok(m) => m,
        Err(e) => {
            println!(
                "disk full: mounting a tmpfs is not permitted here ({e}); \
                 falling back to Store::set_size_limit"
            );
            fill_and_check(&mount_point.join("store"), &v, Limit::SizeLimit);
            return;
        }
    };
    println!(
        "disk full: a 512 KiB tmpfs is mounted at {}",
        mount_point.display()
    );
    fill_and_check(&mount_point.join("store"), &v, Limit::Disk);

    // Creating a store on a disk with no room left is Full too, and works
    // once room is made.
    let mut chunk = 0;
    loop {
        match fs::write(mount_point.join(format!("filler-{chunk}")), [7u8; 4096]) {
            Ok(()) => chunk += 1,
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => break,
            Err(e) => panic!("filling the tmpfs: {e}"),
        }
        assert!(chunk < 1_000, "the tmpfs never filled");
    }
    let fresh = mount_point.join("fresh");
    let err = open_err(&fresh, v.clone(), OpenMode::Create);
    assert!(
        matches!(err, StoreError::Full),
        "create on a full disk: {err:?}"
    );
    for n in 0..chunk {
        fs::remove_file(mount_point.join(format!("filler-{n}"))).unwrap();
    }
    fs::remove_dir_all(mount_point.join("store")).unwrap();
    let store = Store::open(&fresh, v.clone(), OpenMode::Create).unwrap();
    let id = store
        .put_record(
            &common::permit(DataCategory::Consent),
            DataCategory::Consent,
            "receipt",
            b"ok",
            1,
            false,
        )
        .unwrap();
    drop(store);
    let store = Store::open(&fresh, v, OpenMode::Existing).unwrap();
    assert_eq!(
        store.get_record(&id).unwrap().unwrap().value.as_slice(),
        b"ok"
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
    drop(store);
    drop(mount);
}

#[test]
fn a_size_limit_is_full_and_keeps_earlier_writes() {
    let home = tempfile::tempdir().unwrap();
    let v = vault(home.path());
    fill_and_check(&home.path().join("store"), &v, Limit::SizeLimit);
}
