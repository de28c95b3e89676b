//! HTTP plumbing every area uses, and nothing about any one area: the error type and its JSON,
//! extractors, security headers, answers compressed once, CPU gates, throttles, and the
//! OpenAPI document's finishing.

pub mod error;
pub mod extract;
pub mod gate;
pub mod http;
pub mod openapi;
pub mod precompressed;
pub mod security;
pub mod throttle;
