//! Linux network plumbing for `ufo-sim kernel-check` and `ufo-sim live`: network namespaces
//! the tools create for themselves ([`Netns`]), TAP devices inside them ([`Tap`], optionally
//! with a `virtio_net_hdr` before every frame: [`VirtioNetHdr`]), the socket options the checks
//! need ([`sockopt`]), and a Ctrl-C flag ([`interrupt`]) so that a run interrupted from the
//! terminal still removes what it created.
//!
//! Everything here works inside namespaces the caller made: nothing touches the namespace the
//! process started in. It needs root (`CAP_NET_ADMIN`, `CAP_SYS_ADMIN`) and `/dev/net/tun`;
//! [`check_available`] says whether this machine has them.

pub mod interrupt;
mod ns;
pub mod sockopt;
mod tap;
mod vnet;

pub use ns::Netns;
pub use tap::Tap;
pub use vnet::{GsoType, VirtioNetHdr, VNET_HDR_LEN};

use thiserror::Error;

/// What can go wrong while setting up or using namespaces and TAP devices.
#[derive(Debug, Error)]
pub enum NetError {
    /// A system call or file operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// A command (`ip ...`) exited with an error.
    #[error("`{command}` failed ({status}): {stderr}")]
    Command {
        /// The command line.
        command: String,
        /// How it exited.
        status: String,
        /// What it printed on stderr.
        stderr: String,
    },
    /// A named namespace of that name exists already.
    #[error(
        "network namespace '{0}' exists already (left by an earlier run, or in use): remove it \
         with `ip netns del {0}` or choose another name"
    )]
    NameTaken(String),
    /// An interface name that does not fit `IFNAMSIZ`.
    #[error("interface name '{0}' is empty or longer than 15 bytes")]
    InterfaceName(String),
}

impl NetError {
    /// An [`NetError::Io`] for the last OS error.
    pub(crate) fn last_os(what: impl Into<String>) -> NetError {
        NetError::Io {
            what: what.into(),
            source: std::io::Error::last_os_error(),
        }
    }

    /// An [`NetError::Io`] for `source`.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> NetError {
        NetError::Io {
            what: what.into(),
            source,
        }
    }
}

/// Whether this process can create network namespaces and TAP devices: `Ok` or the reason it
/// cannot (for a loud SKIPPED line).
pub fn check_available() -> Result<(), String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err("not running as root".into());
    }
    if let Err(e) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/net/tun")
    {
        return Err(format!("cannot open /dev/net/tun: {e}"));
    }
    let ns = Netns::anonymous().map_err(|e| e.to_string())?;
    ns.ip("link set lo up").map_err(|e| e.to_string())?;
    Ok(())
}
