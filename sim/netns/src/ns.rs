//! Network namespaces: anonymous ones, which the kernel removes with the last file that refers
//! to them (nothing is left behind even after `kill -9`), and named ones (`ip netns add`), which a
//! user can enter with `ip netns exec NAME ...` and which [`Netns`] deletes when dropped.
//!
//! A namespace is entered per thread (`setns` changes only the calling thread): [`Netns::run`]
//! and [`Netns::spawn`] run code on a new thread inside it, so the caller's thread never leaves
//! the namespace it started in. Sockets and TAP devices made there stay in the namespace; their
//! file descriptors can be used from any thread.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::Command;
use std::thread::JoinHandle;

use crate::NetError;

/// Where `ip netns add` puts named namespaces.
const NETNS_RUN_DIR: &str = "/run/netns";

/// A network namespace this process created; named ones are deleted on drop.
#[derive(Debug)]
pub struct Netns {
    file: File,
    name: Option<String>,
}

/// Enters the namespace `ns` on the calling thread.
fn enter(ns: &File) -> Result<(), NetError> {
    // SAFETY: setns on a valid namespace fd; it changes only this thread's namespace.
    if unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(NetError::last_os("setns(CLONE_NEWNET)"));
    }
    Ok(())
}

/// Runs `program args` (in the caller's namespace) and returns its stdout.
fn command(program: &str, args: &[&str]) -> Result<String, NetError> {
    let line = format!("{program} {}", args.join(" "));
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| NetError::io(format!("cannot run `{line}`"), e))?;
    if !out.status.success() {
        return Err(NetError::Command {
            command: line,
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl Netns {
    /// A new namespace with no name: only its loopback device, down. It lives as long as this
    /// value (and the sockets and devices made in it).
    pub fn anonymous() -> Result<Netns, NetError> {
        let file = std::thread::spawn(|| {
            // SAFETY: unshare(CLONE_NEWNET) moves only this short-lived thread into a new
            // namespace.
            if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
                return Err(NetError::last_os("unshare(CLONE_NEWNET)"));
            }
            File::open("/proc/thread-self/ns/net")
                .map_err(|e| NetError::io("open /proc/thread-self/ns/net", e))
        })
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
        Ok(Netns { file, name: None })
    }

    /// A new namespace called `name` (`ip netns add`), deleted when this value is dropped.
    /// Refuses a name that exists already rather than sharing or removing someone's namespace.
    pub fn named(name: &str) -> Result<Netns, NetError> {
        let path = PathBuf::from(NETNS_RUN_DIR).join(name);
        if path.exists() {
            return Err(NetError::NameTaken(name.to_string()));
        }
        command("ip", &["netns", "add", name])?;
        match File::open(&path) {
            Ok(file) => Ok(Netns {
                file,
                name: Some(name.to_string()),
            }),
            Err(e) => {
                let _ = command("ip", &["netns", "del", name]);
                Err(NetError::io(format!("open {}", path.display()), e))
            }
        }
    }

    /// The name of a named namespace.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Runs `f` on a new thread inside the namespace and returns its result (a panic in `f`
    /// is passed on).
    pub fn run<R: Send>(&self, f: impl FnOnce() -> R + Send) -> Result<R, NetError> {
        let ns = &self.file;
        std::thread::scope(|s| {
            s.spawn(move || {
                enter(ns)?;
                Ok(f())
            })
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    }

    /// Starts a thread called `name` inside the namespace, running `f`.
    pub fn spawn<R, F>(&self, name: &str, f: F) -> Result<JoinHandle<Result<R, NetError>>, NetError>
    where
        R: Send + 'static,
        F: FnOnce() -> R + Send + 'static,
    {
        let ns = self
            .file
            .try_clone()
            .map_err(|e| NetError::io("dup namespace fd", e))?;
        std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                enter(&ns)?;
                Ok(f())
            })
            .map_err(|e| NetError::io(format!("spawn thread {name}"), e))
    }

    /// Runs `program args` inside the namespace; its stdout.
    pub fn command(&self, program: &str, args: &[&str]) -> Result<String, NetError> {
        self.run(|| command(program, args))?
    }

    /// Runs `ip` inside the namespace with the whitespace-separated `args`; its stdout.
    pub fn ip(&self, args: &str) -> Result<String, NetError> {
        let args: Vec<&str> = args.split_whitespace().collect();
        self.command("ip", &args)
    }

    /// Sets the namespace's sysctl at `path` below `/proc/sys` (slashes, as interface names may
    /// hold dots: `net/ipv6/conf/tap0.101/accept_dad`) and reads it back.
    pub fn sysctl(&self, path: &str, value: &str) -> Result<(), NetError> {
        let file = format!("/proc/sys/{path}");
        let got = self.run(|| {
            std::fs::write(&file, value)?;
            std::fs::read_to_string(&file)
        })?;
        match got {
            Ok(v) if v.split_whitespace().eq(value.split_whitespace()) => Ok(()),
            Ok(v) => Err(NetError::io(
                format!("sysctl {path}"),
                std::io::Error::other(format!("wrote {value}, reads {}", v.trim())),
            )),
            Err(e) => Err(NetError::io(format!("sysctl {path} = {value}"), e)),
        }
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if let Some(name) = &self.name {
            if let Err(e) = command("ip", &["netns", "del", name]) {
                eprintln!("warning: could not remove network namespace {name}: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Root only: a namespace of its own, entered by threads, with its own sysctls.
    #[test]
    fn anonymous_namespace_is_separate() {
        if let Err(why) = crate::check_available() {
            eprintln!("SKIPPED (needs root and /dev/net/tun): {why}");
            return;
        }
        let ns = Netns::anonymous().unwrap();
        let inside = ns.ip("-o link show").unwrap();
        assert_eq!(
            inside.lines().count(),
            1,
            "only lo in a new namespace: {inside}"
        );
        ns.sysctl("net/ipv4/ipfrag_high_thresh", "33554432")
            .unwrap();
        let outside = std::fs::read_to_string("/proc/sys/net/ipv4/ipfrag_high_thresh").unwrap();
        assert_ne!(
            outside.trim(),
            "33554432",
            "the sysctl leaked out of the namespace"
        );
    }
}
