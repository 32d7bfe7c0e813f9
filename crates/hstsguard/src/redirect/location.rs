//! Writing the `Location`: the port and the request target, repaired and percent-encoded.

#[allow(unused_imports)]
use super::*;

/// `:port`, unless it is 443.
pub(crate) fn push_port(out: &mut String, port: u16) {
    if port == 443 {
        return;
    }
    out.push(':');
    let mut digits = [0u8; 5];
    let mut i = digits.len();
    let mut n = port;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

/// Bytes written as they are; everything else is percent-encoded.
pub(crate) fn keep_byte(b: u8) -> bool {
    matches!(b, b'!'..=b'~') && !matches!(b, b'"' | b'#' | b'<' | b'>' | b'\\' | b'`' | b'{' | b'}')
}

/// Writes the target as the rules of the module documentation say: one leading `/`,
/// unsafe bytes percent-encoded.
pub(crate) fn push_target(out: &mut String, target: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let rest = target.trim_start_matches(['/', '\\']);
    out.push('/');
    if rest.bytes().all(keep_byte) {
        out.push_str(rest);
        return;
    }
    for b in rest.bytes() {
        if keep_byte(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
}

/// Recomputes the canonical `Location` prefix: the canonical host's own port, else
/// `https_port`.
pub(crate) fn refresh_prefix(policy: &mut RedirectPolicy) {
    policy.canonical_prefix = policy.canonical_host.as_ref().map(|h| {
        let mut p = String::with_capacity(8 + h.name().len() + 6);
        p.push_str("https://");
        p.push_str(h.name());
        push_port(&mut p, h.port().unwrap_or(policy.https_port));
        p.into_boxed_str()
    });
}
