//! `demo-vm`: a Lua 5.4 subset VM, the worked example of embedding `jit-core`.
