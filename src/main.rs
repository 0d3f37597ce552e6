fn main() {
    println!("giantstep");
}
