//! The trace IR: typed operations with guards, a builder, a verifier and a reference interpreter.
