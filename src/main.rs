fn main() {
    std::process::exit(sipdiag::cli::main());
}
