//! Addresses, CIDR blocks and the caller's address (§5, §6.3, §13 rules 29 and 34).

use std::net::IpAddr;

/// An IPv4 or IPv6 block, host bits masked. IPv4-mapped IPv6 blocks are stored as IPv4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpNet {
    /// An IPv4 block: address bits and prefix length.
    V4(u32, u8),
    /// An IPv6 block.
    V6(u128, u8),
}

impl IpNet {
    /// Parses `10.0.0.1`, `10.0.0.0/8`, `::1`, `2001:db8::/32`; host bits are masked.
    pub fn parse(entry: &str) -> Option<IpNet> {
        todo!("{entry}")
    }

    /// Whether `ip` (IPv4-mapped counted as IPv4) is inside.
    pub fn contains(&self, ip: IpAddr) -> bool {
        todo!("{ip}")
    }
}

/// Parses a `;`-separated allowlist; returns the bad entries (trimmed) on error.
pub fn parse_allowlist(list: &str) -> Result<Vec<IpNet>, Vec<String>> {
    todo!("{list}")
}

/// Whether `ip` is in any block.
pub fn allowed(nets: &[IpNet], ip: IpAddr) -> bool {
    nets.iter().any(|n| n.contains(ip))
}

/// An IPv4-mapped IPv6 address as IPv4; others unchanged.
pub fn canonical(ip: IpAddr) -> IpAddr {
    todo!("{ip}")
}

/// The caller's address (§6.3, §13 rule 34): the peer, unless the peer is a trusted proxy;
/// then walk the `X-Forwarded-For` entries (headers joined in order, comma-separated)
/// from the right.
pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    todo!("{peer}{forwarded_for:?}{trusted:?}")
}
