//! Proves with a counting allocator that preload lookups allocate nothing: hits (exact
//! and superdomain), shallow and deep misses, for hosts in canonical form.

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocations;
use hstsguard::ua::PreloadList;

#[test]
fn preload_lookups_do_not_allocate() {
    let list = PreloadList::embedded();
    // Warm the OnceLock outside the measurement.
    assert!(list.lookup("github.com").unwrap().is_some());
    for (host, hit) in [
        ("github.com", true),
        ("gist.github.com", true),
        ("a.b.c.accounts.google.com", true),
        ("paypal.com", true),
        ("github.com.", true),
        ("not-preloaded-at-all.com", false),
        ("a.b.c.d.not-preloaded.example.co.uk", false),
        ("app", false),
        ("192.0.2.1", false),
    ] {
        let (n, found) = allocations(|| list.lookup(host).unwrap().map(|m| m.entry().len()));
        assert_eq!(found.is_some(), hit, "{host}");
        assert_eq!(n, 0, "lookup of {host} allocated {n} times");
    }
}
