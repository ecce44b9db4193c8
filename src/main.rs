//! The `gongyak` binary: all logic lives in the library.

fn main() -> std::process::ExitCode {
    gongyak::shell::mem::limit_arenas();
    gongyak::shell::cli::main()
}
