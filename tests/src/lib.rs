//! Cross-crate integration tests live in `tests/tests/`; this library holds shared helpers.

/// Reading this process's memory map (`/proc/self/maps`), to check W^X from
/// the outside: what the kernel says, not what the provider believes.
#[cfg(target_os = "linux")]
pub mod maps {
    /// One line of `/proc/self/maps`.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Mapping {
        /// First address.
        pub start: usize,
        /// One past the last address.
        pub end: usize,
        /// The permission field, e.g. `r-xp`.
        pub perms: String,
        /// The path or pseudo-name (`[stack]`), empty for anonymous memory.
        pub name: String,
    }

    impl Mapping {
        /// Whether the mapping is writable and executable at once (a W^X violation).
        pub fn is_writable_and_executable(&self) -> bool {
            self.perms.contains('w') && self.perms.contains('x')
        }
    }

    /// All current mappings of this process.
    pub fn read() -> Vec<Mapping> {
        let text = std::fs::read_to_string("/proc/self/maps").expect("/proc/self/maps is readable");
        text.lines().filter_map(parse_line).collect()
    }

    fn parse_line(line: &str) -> Option<Mapping> {
        let mut fields = line.split_whitespace();
        let (start, end) = fields.next()?.split_once('-')?;
        let perms = fields.next()?.to_string();
        let name = fields.nth(3).unwrap_or("").to_string();
        Some(Mapping {
            start: usize::from_str_radix(start, 16).ok()?,
            end: usize::from_str_radix(end, 16).ok()?,
            perms,
            name,
        })
    }

    /// The permission field (`rw-p`, `r-xp`, ...) of the mapping holding `addr`.
    pub fn perms_at(addr: usize) -> Option<String> {
        read()
            .into_iter()
            .find(|m| m.start <= addr && addr < m.end)
            .map(|m| m.perms)
    }

    /// Panic with the offending lines if any mapping of the process is both
    /// writable and executable.
    pub fn assert_no_writable_executable_mapping() {
        let bad: Vec<Mapping> = read()
            .into_iter()
            .filter(Mapping::is_writable_and_executable)
            .collect();
        assert!(
            bad.is_empty(),
            "mappings both writable and executable: {bad:?}"
        );
    }
}

/// Placing hand-made or generated 32-bit code where the compat-mode gate can run it.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
pub mod low {
    use jit_core::memory::{CodeBlock, Placement};
    use os_glue::unix::UnixMemory;

    /// Sealed code below 4 GiB, with its 32-bit entry address (its first byte).
    #[derive(Debug)]
    pub struct LowCode {
        /// The block (keeps the code alive).
        pub block: CodeBlock<UnixMemory>,
        /// 32-bit address of the first byte.
        pub entry: u32,
    }

    /// Copy `bytes` into a fresh block below 4 GiB and seal it.
    pub fn low_code(bytes: &[u8]) -> LowCode {
        let mut block = CodeBlock::new(UnixMemory::new(), bytes.len(), Placement::Below4GiB)
            .expect("memory below 4 GiB");
        block.append(bytes).expect("code fits its block");
        block.seal().expect("sealing works");
        let entry = u32::try_from(block.addr()).expect("block below 4 GiB");
        LowCode { block, entry }
    }

    /// Runs compiled 32-bit code through `gate`, with its inputs and deopt
    /// buffer placed in `scratch` (below 4 GiB), and decodes the exit.
    pub fn run32<M: jit_core::memory::ExecutableMemory>(
        gate: &os_glue::gate32::Gate32,
        scratch: &mut os_glue::gate32::LowBuffer,
        compiled: &jit_core::backend::CompiledTrace<M>,
        inputs: &[jit_core::ir::Val],
    ) -> jit_core::backend::Exit {
        let n_in = inputs.len().max(1);
        let words = n_in + compiled.deopt_words();
        assert!(words * 8 <= scratch.len(), "scratch buffer too small");
        let base = scratch.addr32();
        // SAFETY: the buffer is 8-byte aligned (page aligned), at least
        // `words` u64 long, and nothing else uses it while this function runs.
        let all = unsafe { std::slice::from_raw_parts_mut(scratch.as_ptr() as *mut u64, words) };
        let (ins, deopt) = all.split_at_mut(n_in);
        compiled.encode_inputs(inputs, ins).expect("inputs");
        deopt.fill(0);
        let entry = u32::try_from(compiled.entry_address()).expect("code below 4 GiB");
        // SAFETY: the code is cdecl 32-bit code below 4 GiB following the
        // entry convention; the caller promises it touches only memory below
        // 4 GiB that is valid (its heap and this scratch buffer).
        let index = unsafe { gate.call32(entry, &[base, base + 8 * n_in as u32]) }.expect("gate");
        compiled.decode_exit(index as u32, deopt).expect("exit")
    }
}

/// The README's examples, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
