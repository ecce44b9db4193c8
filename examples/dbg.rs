fn main() {
    let cat = gongyak::definition::Catalog::load(std::path::Path::new("templates")).unwrap();
    for f in std::env::args().skip(1) {
        let bytes = std::fs::read(&f).unwrap();
        let c = gongyak::check::check(&bytes, &cat, &Default::default());
        println!("== {f}: accepted={}", c.accepted());
        for x in &c.findings {
            println!("  {x}");
        }
        if let Some(s) = &c.submission {
            println!("{}", serde_json::to_string(s).unwrap());
        }
    }
}
