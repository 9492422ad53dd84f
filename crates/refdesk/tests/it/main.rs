//! Tests of the `refdesk` binary as a system admin runs it: real child processes, real files.

mod backup;
mod child;
mod cli;
mod crash;
mod migrate;
mod nodes;
