//! The interpreter: runs a bundle loaded at run time, with the same semantics and the same
//! HTTP contract as generated code.
