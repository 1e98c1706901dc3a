//! The x86 encoder: one description of the instruction set for x86-32 and x86-64.
