//! Pieces of the `compile` benchmark (our trace backend against Cranelift):
//! trace generator, translation to CLIF, numeric kernels, and the adapter
//! to our backend.

pub mod clif;
pub mod tracegen;
