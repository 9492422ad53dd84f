//! Process metrics that are read on demand (memory), beside the counters and histograms that
//! the code records as it goes.

/// Resident set size of this process in bytes, from `/proc/self/statm` (Linux).
pub fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

pub fn record_process() {
    if let Some(rss) = rss_bytes() {
        metrics::gauge!("refdesk_process_resident_memory_bytes").set(rss as f64);
    }
}
