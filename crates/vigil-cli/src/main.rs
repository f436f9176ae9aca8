fn main() {
    eprintln!("vigil: not yet");
}
