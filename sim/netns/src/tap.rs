//! TAP devices: `/dev/net/tun` with `TUNSETIFF` (`IFF_TAP | IFF_NO_PI`). What the kernel sends
//! on the device is read from the file, what is written to the file arrives on the device as if
//! received from the wire. With `IFF_VNET_HDR` every packet, both ways, starts with a 12-byte
//! little-endian `virtio_net_hdr_v1` (`TUNSETVNETHDRSZ` 12, `TUNSETVNETLE`), and
//! `TUNSETOFFLOAD` tells the kernel which offloads the reader performs (checksum, USO), so it
//! hands over `CHECKSUM_PARTIAL` packets and USO super-frames instead of doing the work itself.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::time::Duration;

use crate::{NetError, VNET_HDR_LEN};

/// A TAP device, removed when this value is dropped (the device is not persistent).
#[derive(Debug)]
pub struct Tap {
    file: File,
    name: String,
    vnet_hdr: bool,
}

/// `ioctl(fd, request, arg)` with an error naming the request.
fn ioctl<T>(file: &File, request: libc::Ioctl, arg: T, what: &str) -> Result<(), NetError> {
    // SAFETY: every caller passes the argument type its request expects (a pointer to an
    // `ifreq` or an `int`, or an integer by value).
    if unsafe { libc::ioctl(file.as_raw_fd(), request, arg) } < 0 {
        return Err(NetError::last_os(what));
    }
    Ok(())
}

impl Tap {
    /// Creates the TAP device `name` in the calling thread's network namespace (call it inside
    /// [`crate::Netns::run`]). `vnet_hdr`: frames carry a 12-byte little-endian
    /// `virtio_net_hdr_v1` both ways. The device is down, with a random MAC address.
    pub fn create(name: &str, vnet_hdr: bool) -> Result<Tap, NetError> {
        if name.is_empty() || name.len() >= libc::IFNAMSIZ {
            return Err(NetError::InterfaceName(name.to_string()));
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/net/tun")
            .map_err(|e| NetError::io("open /dev/net/tun", e))?;
        // SAFETY: ifreq is plain data; all zeroes is a valid value.
        let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
        for (dst, src) in ifr.ifr_name.iter_mut().zip(name.bytes()) {
            *dst = src as libc::c_char;
        }
        let mut flags = libc::IFF_TAP | libc::IFF_NO_PI;
        if vnet_hdr {
            flags |= libc::IFF_VNET_HDR;
        }
        ifr.ifr_ifru.ifru_flags = flags as libc::c_short;
        ioctl(
            &file,
            libc::TUNSETIFF,
            &mut ifr as *mut libc::ifreq,
            &format!("TUNSETIFF {name}"),
        )?;
        if vnet_hdr {
            let len: libc::c_int = VNET_HDR_LEN as libc::c_int;
            ioctl(
                &file,
                libc::TUNSETVNETHDRSZ,
                &len as *const _,
                "TUNSETVNETHDRSZ 12",
            )?;
            let little_endian: libc::c_int = 1;
            ioctl(
                &file,
                libc::TUNSETVNETLE,
                &little_endian as *const _,
                "TUNSETVNETLE",
            )?;
        }
        Ok(Tap {
            file,
            name: name.to_string(),
            vnet_hdr,
        })
    }

    /// The interface name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether packets carry a `virtio_net_hdr`.
    pub fn vnet_hdr(&self) -> bool {
        self.vnet_hdr
    }

    /// `TUNSETOFFLOAD`: the offloads (`TUN_F_CSUM`, `TUN_F_USO4`, `TUN_F_USO6`, ...) this reader
    /// performs on what it reads. Needs `IFF_VNET_HDR`.
    pub fn set_offload(&self, flags: libc::c_uint) -> Result<(), NetError> {
        ioctl(
            &self.file,
            libc::TUNSETOFFLOAD,
            flags as libc::c_ulong,
            &format!("TUNSETOFFLOAD {flags:#x} on {}", self.name),
        )
    }

    /// Waits up to `timeout` for a packet the kernel sent on the device and reads it into
    /// `buf` (with its `virtio_net_hdr` when there is one); `None` on timeout. `buf` must hold
    /// the largest packet (64 KiB plus headers): a shorter buffer truncates it.
    pub fn recv(&self, buf: &mut [u8], timeout: Duration) -> Result<Option<usize>, NetError> {
        let mut pfd = libc::pollfd {
            fd: self.file.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                return Ok(None);
            }
            return Err(NetError::io(format!("poll {}", self.name), e));
        }
        if n == 0 {
            return Ok(None);
        }
        let n = (&self.file)
            .read(buf)
            .map_err(|e| NetError::io(format!("read {}", self.name), e))?;
        Ok(Some(n))
    }

    /// Hands the kernel one packet as received on the device (with its `virtio_net_hdr` first
    /// when the device has one).
    pub fn send(&self, packet: &[u8]) -> Result<(), NetError> {
        let n = (&self.file).write(packet).map_err(|e| {
            NetError::io(format!("write {} bytes to {}", packet.len(), self.name), e)
        })?;
        if n != packet.len() {
            return Err(NetError::io(
                format!("write to {}", self.name),
                std::io::Error::other(format!("{n} of {} bytes written", packet.len())),
            ));
        }
        Ok(())
    }

    /// A second handle on the same device (e.g. for a thread that reads while another writes).
    pub fn try_clone(&self) -> Result<Tap, NetError> {
        Ok(Tap {
            file: self
                .file
                .try_clone()
                .map_err(|e| NetError::io(format!("dup {}", self.name), e))?,
            name: self.name.clone(),
            vnet_hdr: self.vnet_hdr,
        })
    }
}
