//! The `livetemplate` command.

fn main() {
    eprintln!("livetemplate: no command yet");
    std::process::exit(2);
}
