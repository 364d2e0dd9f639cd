//! The only files the helper writes, and how it writes them.
//!
//! - **What**: a closed set of [`Target`]s — a token or registration file in `~/.aws/sso/cache`, a
//!   role-credential file in `~/.aws/cli/cache` (both named by a 40-hex-digit SHA-1 computed by the
//!   core, never by a string from a request), the config and credentials files (where
//!   `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` say, default `~/.aws/…`) and their one backup
//!   each. There is no way to ask this module to write any other path.
//! - **How**: temp file in the same directory (created exclusively, mode 0600 for secrets), written,
//!   fsynced, renamed over the target, then the directory fsynced — so a reader (or a crash) sees
//!   either the old file or the new one, never a torn or missing one (botocore ≥ 1.42.11 does the
//!   same, spec §1.5). Missing directories are created 0700. On Windows a rename over a file another
//!   program is reading is retried briefly, then refused with the file unchanged (`rename_over`).
//! - **Where not**: before writing, the directory chain is resolved; if it (or the target itself)
//!   is a symbolic link leading out of `~/.aws`, nothing is written ([`ErrorCode::UnsafePath`]).
//!   A link that stays inside `~/.aws` is followed, and the link itself is kept.
//! - **Who**: one writer at a time among sso-bridge processes ([`AwsFiles::lock`]); a second one
//!   gets [`ErrorCode::Busy`] instead of interleaving its writes.

use crate::error_codes::{ErrorCode, HostError};
use crate::platform::{self, Env, Os};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// Suffix of the helper's temp files, so stale ones (left by a killed process) can be recognised.
const TEMP_SUFFIX: &str = ".sso-bridge.tmp";
/// Suffix of the one backup kept of the config and credentials files.
pub const BACKUP_SUFFIX: &str = ".sso-bridge.bak";
/// Files the helper reads whole (config, credentials, cache entries) are refused above this size.
pub const MAX_READ_BYTES: u64 = 16 * 1024 * 1024;
/// How long a writer waits for another sso-bridge process to finish before answering `Busy`.
pub const LOCK_WAIT: Duration = Duration::from_millis(1500);
/// How long a rename over a file that another program holds open is retried on Windows (see
/// [`rename_over`]); readers hold these small files for milliseconds.
#[cfg(windows)]
const RENAME_RETRY: Duration = Duration::from_millis(2000);

/// A file the helper may write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `~/.aws/sso/cache/<sha1>.json`: an SSO token or a client registration.
    SsoCache(CacheFileName),
    /// `~/.aws/cli/cache/<sha1>.json`: the CLI's role-credential cache entry.
    CliCache(CacheFileName),
    /// The shared config file.
    Config,
    /// The backup of the config file, next to it.
    ConfigBackup,
    /// The shared credentials file.
    Credentials,
    /// The backup of the credentials file, next to it.
    CredentialsBackup,
}

impl Target {
    /// Whether the file holds secrets (always mode 0600) or is the user's config (keeps its mode).
    fn holds_secrets(&self) -> bool {
        !matches!(self, Target::Config | Target::ConfigBackup)
    }
}

/// A cache file name: exactly 40 lowercase hex digits (a SHA-1) plus `.json`. The only way to
/// build one is from such a digest, so no request string can become a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheFileName(String);

impl CacheFileName {
    /// From a SHA-1 hex digest, as computed by the core's cache-key functions.
    pub fn from_sha1_hex(hex: &str) -> Result<Self, HostError> {
        if hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            Ok(CacheFileName(format!("{hex}.json")))
        } else {
            Err(HostError::new(ErrorCode::Internal, "a cache key is not a 40-digit lowercase SHA-1"))
        }
    }

    /// Recognise a file name found in a cache directory.
    pub fn parse(file_name: &str) -> Option<Self> {
        let hex = file_name.strip_suffix(".json")?;
        Self::from_sha1_hex(hex).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The AWS file locations for this user and the lock that serialises sso-bridge writers.
#[derive(Clone, Debug)]
pub struct AwsFiles {
    aws_dir: PathBuf,
    config_file: PathBuf,
    credentials_file: PathBuf,
    lock_file: PathBuf,
}

/// Held while writing; dropping it releases the lock.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl AwsFiles {
    /// Resolve the locations from the environment: `~/.aws` from the home directory; the config and
    /// credentials files as the core resolves them (`AWS_CONFIG_FILE` /
    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/…`); the lock in the helper's state directory.
    pub fn from_env(os: Os, env: &impl Env) -> Result<Self, HostError> {
        let home = platform::home_dir(os, env).ok_or_else(|| {
            HostError::new(
                ErrorCode::Internal,
                "cannot find your home directory: set HOME (or USERPROFILE on Windows)",
            )
        })?;
        let state = platform::state_dir(os, env)
            .ok_or_else(|| HostError::new(ErrorCode::Internal, "cannot find a state directory"))?;
        let locations = sso_bridge::config::file_locations(&platform::CoreEnv(env), os.core_platform());
        Ok(AwsFiles {
            aws_dir: home.join(".aws"),
            config_file: PathBuf::from(locations.config),
            credentials_file: PathBuf::from(locations.credentials),
            lock_file: state.join("write.lock"),
        })
    }

    /// Locations given explicitly (tests).
    pub fn new(
        aws_dir: PathBuf,
        config_file: PathBuf,
        credentials_file: PathBuf,
        lock_file: PathBuf,
    ) -> Self {
        AwsFiles { aws_dir, config_file, credentials_file, lock_file }
    }

    pub fn aws_dir(&self) -> &Path {
        &self.aws_dir
    }

    pub fn sso_cache_dir(&self) -> PathBuf {
        self.aws_dir.join("sso").join("cache")
    }

    pub fn cli_cache_dir(&self) -> PathBuf {
        self.aws_dir.join("cli").join("cache")
    }

    pub fn config_file(&self) -> &Path {
        &self.config_file
    }

    pub fn credentials_file(&self) -> &Path {
        &self.credentials_file
    }

    pub fn lock_file(&self) -> &Path {
        &self.lock_file
    }

    /// The path a target is written to (before following an in-tree symlink).
    pub fn path_of(&self, target: &Target) -> PathBuf {
        match target {
            Target::SsoCache(name) => self.sso_cache_dir().join(name.as_str()),
            Target::CliCache(name) => self.cli_cache_dir().join(name.as_str()),
            Target::Config => self.config_file.clone(),
            Target::ConfigBackup => with_suffix(&self.config_file, BACKUP_SUFFIX),
            Target::Credentials => self.credentials_file.clone(),
            Target::CredentialsBackup => with_suffix(&self.credentials_file, BACKUP_SUFFIX),
        }
    }

    /// Take the writer lock, waiting up to [`LOCK_WAIT`] for another sso-bridge process.
    pub fn lock(&self) -> Result<WriteLock, HostError> {
        self.lock_with_wait(LOCK_WAIT)
    }

    pub fn lock_with_wait(&self, wait: Duration) -> Result<WriteLock, HostError> {
        let dir = self.lock_file.parent().unwrap_or(Path::new("."));
        create_private_dirs(dir).map_err(|e| write_failed(dir, &e))?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock_file)
            .map_err(|e| write_failed(&self.lock_file, &e))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriteLock { _file: file }),
                Err(fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(25))
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(HostError::new(
                        ErrorCode::Busy,
                        "another sso-bridge process is writing the AWS files; try again in a moment",
                    ))
                }
                Err(fs::TryLockError::Error(e)) => return Err(write_failed(&self.lock_file, &e)),
            }
        }
    }

    /// Atomically replace `target` with `contents` (see the module docs). Returns the path written.
    pub fn write(&self, target: &Target, contents: &[u8]) -> Result<PathBuf, HostError> {
        let path = self.resolve_for_write(target)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mode = if target.holds_secrets() { 0o600 } else { existing_mode(&path).unwrap_or(0o600) };
        atomic_replace(dir, &path, contents, mode).map_err(|e| write_failed(&path, &e))?;
        remove_stale_temp_files(dir);
        Ok(path)
    }

    /// Delete `target` if it exists; returns whether it existed. The same confinement rules apply.
    pub fn remove(&self, target: &Target) -> Result<bool, HostError> {
        let path = self.path_of(target);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(write_failed(&path, &e)),
            Ok(_) => {}
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        self.check_dir_inside(target, dir)?;
        // Removing a symlink removes only the link, which lives inside ~/.aws: always safe.
        fs::remove_file(&path).map_err(|e| write_failed(&path, &e))?;
        sync_dir(dir);
        Ok(true)
    }

    /// Read a file the helper manages, refusing huge ones. `Ok(None)` when it does not exist.
    pub fn read(&self, path: &Path) -> Result<Option<Vec<u8>>, HostError> {
        read_limited(path, MAX_READ_BYTES)
    }

    /// The final path to write `target` to: directories created (0700) and checked, symlinks
    /// resolved only while they stay inside the allowed root.
    fn resolve_for_write(&self, target: &Target) -> Result<PathBuf, HostError> {
        let path = self.path_of(target);
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        if let Err(e) = create_private_dirs(&dir) {
            // A dangling symlink in the chain shows up here as "exists"/"not a directory".
            return Err(match fs::symlink_metadata(&dir) {
                Ok(m) if !m.is_dir() && !m.file_type().is_symlink() => write_failed(&dir, &e),
                _ => self.check_dir_inside(target, &dir).err().unwrap_or_else(|| write_failed(&dir, &e)),
            });
        }
        let root = self.check_dir_inside(target, &dir)?;
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let resolved = fs::canonicalize(&path).map_err(|_| unsafe_path(&path, "a dangling link"))?;
                if !resolved.starts_with(&root) {
                    return Err(unsafe_path(&path, &format!("a link to {}", resolved.display())));
                }
                match fs::metadata(&resolved) {
                    Ok(m) if m.is_file() => Ok(resolved),
                    _ => Err(unsafe_path(&path, "a link to something that is not a regular file")),
                }
            }
            Ok(meta) if !meta.is_file() => Err(unsafe_path(&path, "not a regular file")),
            _ => Ok(path),
        }
    }

    /// Check that `dir` (which exists) resolves inside the root this target belongs to; returns the
    /// canonical root. Cache files and the default config/credentials live under `~/.aws`; a config
    /// or credentials file named by an environment variable is confined to its own directory.
    fn check_dir_inside(&self, target: &Target, dir: &Path) -> Result<PathBuf, HostError> {
        let declared_root = match target {
            Target::SsoCache(_) | Target::CliCache(_) => self.aws_dir.clone(),
            _ if dir.starts_with(&self.aws_dir) => self.aws_dir.clone(),
            _ => dir.to_path_buf(),
        };
        let root = fs::canonicalize(&declared_root).map_err(|e| write_failed(&declared_root, &e))?;
        let resolved = fs::canonicalize(dir).map_err(|_| unsafe_path(dir, "a dangling link"))?;
        if resolved.starts_with(&root) {
            Ok(root)
        } else {
            Err(unsafe_path(dir, &format!("a link to {}, outside {}", resolved.display(), root.display())))
        }
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

fn write_failed(path: &Path, error: &io::Error) -> HostError {
    if is_held_open(error) {
        return HostError::new(
            ErrorCode::WriteFailed,
            format!(
                "could not replace {}: another program keeps it open ({error}); close that program \
                 (an editor, or an AWS tool still running) and try again. The file is unchanged",
                path.display()
            ),
        );
    }
    HostError::new(ErrorCode::WriteFailed, format!("could not write {}: {error}", path.display()))
}

/// Windows refuses to replace a file that another program opened without `FILE_SHARE_DELETE`
/// (Python's `open`, which the AWS CLI and SDKs read with, is one): access denied, sharing or lock
/// violation. Elsewhere a rename never fails for that reason.
fn is_held_open(error: &io::Error) -> bool {
    cfg!(windows) && matches!(error.raw_os_error(), Some(5 | 32 | 33))
}

/// `fs::rename(from, to)`, retried on Windows while another program holds `to` open (see
/// [`is_held_open`]) for at most [`RENAME_RETRY`], so that a write does not fail because the AWS CLI
/// happened to be reading the token cache at that moment.
fn rename_over(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(windows)]
    {
        let deadline = Instant::now() + RENAME_RETRY;
        loop {
            match fs::rename(from, to) {
                Err(error) if is_held_open(&error) && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(25));
                }
                result => return result,
            }
        }
    }
    #[cfg(not(windows))]
    fs::rename(from, to)
}

fn unsafe_path(path: &Path, what: &str) -> HostError {
    HostError::new(
        ErrorCode::UnsafePath,
        format!(
            "{} is {what}; sso-bridge only writes inside ~/.aws and never through links that lead \
             out of it. Replace the link with a real file or directory and try again",
            path.display()
        ),
    )
}

/// Read at most `limit` bytes; `Ok(None)` if the file does not exist.
pub fn read_limited(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, HostError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(HostError::new(
                ErrorCode::FileUnreadable,
                format!("could not read {}: {e}", path.display()),
            ))
        }
    };
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| {
        HostError::new(ErrorCode::FileUnreadable, format!("could not read {}: {e}", path.display()))
    })?;
    if bytes.len() as u64 > limit {
        return Err(HostError::new(
            ErrorCode::FileTooLarge,
            format!("{} is larger than {} MiB; sso-bridge does not read it", path.display(), limit >> 20),
        ));
    }
    Ok(Some(bytes))
}

/// `mkdir -p` with mode 0700 for every directory created (existing ones are left as they are).
pub fn create_private_dirs(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn existing_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Atomically write a file the helper owns outside `~/.aws` (host manifests, the install record):
/// directories created with `dir_mode`, the file with `file_mode`. System-wide manifests must be
/// world-readable (0644 in 0755 directories); per-user ones need not be.
pub fn write_owned_file(path: &Path, contents: &[u8], file_mode: u32, dir_mode: u32) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(dir_mode);
    }
    #[cfg(not(unix))]
    let _ = dir_mode;
    builder.create(dir)?;
    atomic_replace(dir, path, contents, file_mode)
}

/// Write `contents` to a fresh temp file in `dir`, fsync it, rename it over `path`, fsync `dir`.
fn atomic_replace(dir: &Path, path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    let base = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (temp_path, mut temp) = loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let candidate = dir.join(format!(".{base}.{}-{n}{TEMP_SUFFIX}", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(mode);
        }
        match options.open(&candidate) {
            Ok(file) => break (candidate, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        #[cfg(unix)]
        {
            // The umask may have narrowed the mode (fine) but never widens it; make it exact.
            use std::os::unix::fs::PermissionsExt;
            temp.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        temp.write_all(contents)?;
        temp.sync_all()?;
        drop(temp);
        rename_over(&temp_path, path)?;
        sync_dir(dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp_path);
    }
    result
}

/// fsync a directory so a rename or unlink in it survives a power cut (no-op where unsupported).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Remove temp files a killed sso-bridge left behind (older than a minute, so a concurrent writer's
/// live temp file is never touched).
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let cutoff = SystemTime::now() - Duration::from_secs(60);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with('.') && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        if let Ok(meta) = entry.metadata() {
            if meta.is_file() && meta.modified().map(|t| t < cutoff).unwrap_or(false) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(home: &Path) -> AwsFiles {
        let aws = home.join(".aws");
        AwsFiles::new(aws.clone(), aws.join("config"), aws.join("credentials"), home.join("state/write.lock"))
    }

    fn key(c: char) -> CacheFileName {
        CacheFileName::from_sha1_hex(&c.to_string().repeat(40)).unwrap()
    }

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn cache_names_are_sha1_only() {
        assert!(CacheFileName::from_sha1_hex("../../etc/passwd").is_err());
        assert!(CacheFileName::from_sha1_hex(&"A".repeat(40)).is_err());
        assert!(CacheFileName::parse("d033e22ae348aeb5660fc2140aec35850c4da997.json").is_some());
        assert!(CacheFileName::parse("d033e22ae348aeb5660fc2140aec35850c4da997.json.tmp").is_none());
    }

    #[test]
    fn writes_secret_files_0600_in_0700_dirs_and_replaces() {
        let home = tempfile::tempdir().unwrap();
        let f = files(home.path());
        let p = f.write(&Target::SsoCache(key('a')), b"one").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"one");
        f.write(&Target::SsoCache(key('a')), b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            assert_eq!(mode(&p), 0o600);
            assert_eq!(mode(&f.sso_cache_dir()), 0o700);
            assert_eq!(mode(&home.path().join(".aws")), 0o700);
        }
        let leftovers: Vec<_> = fs::read_dir(f.sso_cache_dir()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn config_keeps_its_mode_and_backup_sits_next_to_it() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let f = files(home.path());
        fs::create_dir_all(f.aws_dir()).unwrap();
        fs::write(f.config_file(), "[default]\n").unwrap();
        fs::set_permissions(f.config_file(), fs::Permissions::from_mode(0o644)).unwrap();
        f.write(&Target::Config, b"[default]\nregion = x\n").unwrap();
        assert_eq!(mode(f.config_file()), 0o644);
        let backup = f.write(&Target::ConfigBackup, b"[default]\n").unwrap();
        assert_eq!(backup, home.path().join(".aws/config.sso-bridge.bak"));
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_links_out_of_aws() {
        use std::os::unix::fs::symlink;
        let home = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let f = files(home.path());
        fs::create_dir_all(home.path().join(".aws/sso")).unwrap();
        symlink(outside.path(), home.path().join(".aws/sso/cache")).unwrap();
        let err = f.write(&Target::SsoCache(key('b')), b"x").unwrap_err();
        assert_eq!(err.code, ErrorCode::UnsafePath, "{err}");
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);

        // The target file itself linking out.
        fs::create_dir_all(home.path().join(".aws/cli/cache")).unwrap();
        let victim = outside.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        symlink(&victim, f.cli_cache_dir().join(key('c').as_str())).unwrap();
        let err = f.write(&Target::CliCache(key('c')), b"x").unwrap_err();
        assert_eq!(err.code, ErrorCode::UnsafePath);
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");

        // A dangling link.
        symlink(home.path().join("nowhere"), f.cli_cache_dir().join(key('d').as_str())).unwrap();
        assert_eq!(f.write(&Target::CliCache(key('d')), b"x").unwrap_err().code, ErrorCode::UnsafePath);
    }

    #[cfg(unix)]
    #[test]
    fn follows_links_that_stay_inside_aws_and_keeps_them() {
        use std::os::unix::fs::symlink;
        let home = tempfile::tempdir().unwrap();
        let f = files(home.path());
        fs::create_dir_all(home.path().join(".aws/dotfiles")).unwrap();
        fs::write(home.path().join(".aws/dotfiles/config"), "[default]\n").unwrap();
        symlink(home.path().join(".aws/dotfiles/config"), f.config_file()).unwrap();
        f.write(&Target::Config, b"[default]\nregion = y\n").unwrap();
        assert!(fs::symlink_metadata(f.config_file()).unwrap().file_type().is_symlink());
        assert_eq!(
            fs::read_to_string(home.path().join(".aws/dotfiles/config")).unwrap(),
            "[default]\nregion = y\n"
        );
    }

    #[test]
    fn second_writer_is_busy_not_interleaved() {
        let home = tempfile::tempdir().unwrap();
        let f = files(home.path());
        let held = f.lock().unwrap();
        let err = f.lock_with_wait(Duration::from_millis(50)).unwrap_err();
        assert_eq!(err.code, ErrorCode::Busy);
        drop(held);
        f.lock_with_wait(Duration::from_millis(50)).unwrap();
    }

    /// Opens `path` for reading as Python's `open` does on Windows: sharing read and write, not delete.
    #[cfg(windows)]
    fn open_like_python(path: &Path) -> File {
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_SHARE_READ: u32 = 1;
        const FILE_SHARE_WRITE: u32 = 2;
        OpenOptions::new().read(true).share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE).open(path).unwrap()
    }

    #[cfg(windows)]
    fn temp_files_in(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(TEMP_SUFFIX))
            .collect()
    }

    #[cfg(windows)]
    #[test]
    fn replaces_a_file_another_program_is_reading() {
        let home = tempfile::tempdir().unwrap();
        let f = files(home.path());
        let target = Target::SsoCache(key('a'));
        let path = f.write(&target, b"old").unwrap();
        let reader = open_like_python(&path);
        let closes = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(reader);
        });
        f.write(&target, b"new").unwrap();
        closes.join().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert!(temp_files_in(path.parent().unwrap()).is_empty());
    }

    #[cfg(windows)]
    #[test]
    fn a_file_held_open_too_long_is_left_whole_with_a_clear_error() {
        let home = tempfile::tempdir().unwrap();
        let f = files(home.path());
        let target = Target::SsoCache(key('b'));
        let path = f.write(&target, b"old").unwrap();
        let reader = open_like_python(&path);
        let error = f.write(&target, b"new").unwrap_err();
        drop(reader);
        assert_eq!(error.code, ErrorCode::WriteFailed);
        assert!(error.message.contains("another program keeps it open"), "{}", error.message);
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert!(temp_files_in(path.parent().unwrap()).is_empty());
    }

    #[test]
    fn remove_reports_whether_it_existed() {
        let home = tempfile::tempdir().unwrap();
        let f = files(home.path());
        assert!(!f.remove(&Target::SsoCache(key('e'))).unwrap());
        f.write(&Target::SsoCache(key('e')), b"x").unwrap();
        assert!(f.remove(&Target::SsoCache(key('e'))).unwrap());
        assert!(!f.sso_cache_dir().join(key('e').as_str()).exists());
    }

    #[test]
    fn refuses_to_read_huge_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        fs::write(&p, vec![b'x'; 2048]).unwrap();
        assert_eq!(read_limited(&p, 1024).unwrap_err().code, ErrorCode::FileTooLarge);
        assert_eq!(read_limited(&p, 4096).unwrap().unwrap().len(), 2048);
        assert!(read_limited(&dir.path().join("missing"), 10).unwrap().is_none());
    }

    #[test]
    fn env_overrides_and_tilde() {
        let env = |k: &str| match k {
            "HOME" => Some("/home/u".to_string()),
            "AWS_CONFIG_FILE" => Some("~/elsewhere/cfg".to_string()),
            "AWS_SHARED_CREDENTIALS_FILE" => Some("/abs/creds".to_string()),
            _ => None,
        };
        let f = AwsFiles::from_env(Os::Linux, &env).unwrap();
        assert_eq!(f.config_file(), Path::new("/home/u/elsewhere/cfg"));
        assert_eq!(f.credentials_file(), Path::new("/abs/creds"));
        assert_eq!(f.sso_cache_dir(), Path::new("/home/u/.aws/sso/cache"));
        assert_eq!(f.lock_file(), Path::new("/home/u/.local/state/sso-bridge/write.lock"));
    }
}
