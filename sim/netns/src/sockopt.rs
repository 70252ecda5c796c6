//! The few socket options the checks set on standard-library sockets.

use std::os::fd::AsRawFd;

use crate::NetError;

/// `setsockopt(fd, level, name, &value, sizeof(int))`.
fn set_int(
    sock: &impl AsRawFd,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
    what: &str,
) -> Result<(), NetError> {
    // SAFETY: a valid socket fd and a pointer to an int of the size given.
    let r = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            level,
            name,
            &value as *const libc::c_int as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if r != 0 {
        return Err(NetError::last_os(format!("setsockopt {what} = {value}")));
    }
    Ok(())
}

/// `SO_RCVBUFFORCE`: a receive buffer of `bytes`, above `net.core.rmem_max` (root), so that a
/// burst of datagrams written faster than a reader drains them is not dropped.
pub fn set_recv_buffer(sock: &impl AsRawFd, bytes: usize) -> Result<(), NetError> {
    let bytes = bytes.min(i32::MAX as usize / 2) as libc::c_int;
    set_int(
        sock,
        libc::SOL_SOCKET,
        libc::SO_RCVBUFFORCE,
        bytes,
        "SO_RCVBUFFORCE",
    )
}

/// `SO_SNDBUFFORCE`: a send buffer of `bytes`.
pub fn set_send_buffer(sock: &impl AsRawFd, bytes: usize) -> Result<(), NetError> {
    let bytes = bytes.min(i32::MAX as usize / 2) as libc::c_int;
    set_int(
        sock,
        libc::SOL_SOCKET,
        libc::SO_SNDBUFFORCE,
        bytes,
        "SO_SNDBUFFORCE",
    )
}

/// `UDP_SEGMENT`: every send on the socket is cut into datagrams of `gso_size` payload bytes
/// (the last shorter), by the device when it offers USO, else by the kernel.
pub fn set_udp_segment(sock: &impl AsRawFd, gso_size: u16) -> Result<(), NetError> {
    set_int(
        sock,
        libc::SOL_UDP,
        libc::UDP_SEGMENT,
        libc::c_int::from(gso_size),
        "UDP_SEGMENT",
    )
}

/// `UDP_NO_CHECK6_RX`: accept IPv6 UDP datagrams whose checksum field is 0 (RFC 6936), which
/// Linux sends from sockets with `UDP_NO_CHECK6_TX`.
pub fn accept_zero_udp6_checksum(sock: &impl AsRawFd) -> Result<(), NetError> {
    set_int(
        sock,
        libc::SOL_UDP,
        libc::UDP_NO_CHECK6_RX,
        1,
        "UDP_NO_CHECK6_RX",
    )
}
