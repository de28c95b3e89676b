fn main() {
    etalase::start();
}
