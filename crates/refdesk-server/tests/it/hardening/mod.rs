//! Regression tests for the findings of the security and bad-input review (issue 8), one or more
//! per finding, numbered as the review numbers them.

mod limits;
mod patrons;
mod sockets;
mod web;

/// A client whose requests come from another loopback address.
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(ip))
        .build()
        .unwrap()
}
