fn main() {
    etalase::start_staff();
}
