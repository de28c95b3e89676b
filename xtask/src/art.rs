//! `cargo xtask art`: draws a picture for every product that has no photo yet — SVG art made
//! for its kind (coffee bag, honey jar, snack pouch, tapis cloth, batik, siger, weave…),
//! coloured and varied per product — writes them to `public/img/produk/` and lists them as
//! the product's images in `data/catalog.json`. Real photos replace them by replacing the list.

use crate::util::{root, step, Result};
use etalase_core::catalog::{CatalogData, Image, Product};
use std::fmt::Write as _;

const SIZE: u32 = 600;
const DIR: &str = "public/img/produk";
const URL: &str = "/img/produk";

/// Background, main colour, accent, ink.
const PALETTES: [[&str; 4]; 8] = [
    ["#fbf1dc", "#7a1f2b", "#c9962b", "#2b1d14"],
    ["#eef3e6", "#2f5d3a", "#d8a531", "#1d2a1f"],
    ["#f6e7e1", "#9b2f1f", "#e0b04a", "#2e1a12"],
    ["#e9eef5", "#233f6b", "#c9962b", "#152238"],
    ["#f3ead8", "#5b3a22", "#b5472b", "#2b1d14"],
    ["#fdf4e3", "#b5651d", "#7a1f2b", "#3a230f"],
    ["#efe6f2", "#5e2a6b", "#d4a437", "#26122b"],
    ["#e8f1ef", "#1f5f5b", "#e3a83b", "#132b29"],
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    CoffeeBag,
    Jar,
    Pouch,
    GiftBox,
    Tapis,
    Batik,
    Garment,
    Siger,
    Bracelet,
    Woven,
    Wood,
    Fish,
}

fn kind_of(p: &Product) -> Kind {
    let n = p.name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
    if has(&["batik"]) {
        Kind::Batik
    } else if has(&["ikan", "tuna"]) && !has(&["kerupuk", "abon"]) {
        Kind::Fish
    } else if has(&["bingkisan", "paket", "kotak"]) && !has(&["tisu", "bambu"]) {
        Kind::GiftBox
    } else if has(&["kopi", "green bean", "lada hitam curah", "lada putih butir"]) {
        Kind::CoffeeBag
    } else if has(&[
        "madu", "propolis", "sambal", "abon", "lada", "lempok", "dodol",
    ]) {
        Kind::Jar
    } else if has(&["keripik", "kemplang", "kerupuk", "opak", "stik", "snack"]) {
        Kind::Pouch
    } else if has(&["tapis", "selendang"]) && !has(&["gelang", "tas ", "dompet", "pembatas"]) {
        Kind::Tapis
    } else if has(&[
        "kebaya",
        "atasan",
        "kopiah",
        "sulam",
        "taplak",
        "sarung bantal",
    ]) {
        Kind::Garment
    } else if has(&["siger", "plakat"]) {
        Kind::Siger
    } else if has(&["gelang", "bros"]) {
        Kind::Bracelet
    } else if has(&["lilin", "kayu", "tatakan", "hiasan"]) {
        Kind::Wood
    } else {
        Kind::Woven
    }
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The first words of a name that fit on a label.
fn label_text(name: &str, max: usize) -> String {
    let mut out = String::new();
    for w in name.split_whitespace() {
        if !out.is_empty() && out.len() + 1 + w.len() > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

struct Art {
    svg: String,
    seed: u64,
    pal: [&'static str; 4],
}

impl Art {
    fn new(seed: u64, title: &str) -> Art {
        let pal = PALETTES[(seed % PALETTES.len() as u64) as usize];
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}" role="img" aria-label="{}"><rect width="{SIZE}" height="{SIZE}" fill="{}"/>"#,
            escape(title),
            pal[0]
        );
        Art { svg, seed, pal }
    }

    /// A number in `0..n` that differs per product and per use.
    fn pick(&mut self, n: u64) -> u64 {
        self.seed = self
            .seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.seed >> 33) % n.max(1)
    }

    fn push(&mut self, s: &str) {
        self.svg.push_str(s);
    }

    /// A band of tapis triangles and diamonds along the bottom: the house signature.
    fn tapis_band(&mut self, y: u32) {
        let (main, accent) = (self.pal[1], self.pal[2]);
        let _ = write!(
            self.svg,
            r#"<rect x="0" y="{y}" width="{SIZE}" height="56" fill="{main}"/>"#
        );
        for i in 0..10 {
            let x = i * 60 + 30;
            let _ = write!(
                self.svg,
                r#"<path d="M{} {}l14-14 14 14-14 14z" fill="{accent}"/><path d="M{} {}h60" stroke="{accent}" stroke-width="3"/>"#,
                x - 14,
                y + 28,
                x - 30,
                y + 6
            );
        }
    }

    fn label(&mut self, x: u32, y: u32, w: u32, text: &str, size: u32) {
        let ink = self.pal[3];
        let _ = write!(
            self.svg,
            r#"<text x="{}" y="{y}" font-family="system-ui,sans-serif" font-size="{size}" font-weight="700" fill="{ink}" text-anchor="middle">{}</text>"#,
            x + w / 2,
            escape(text)
        );
    }

    fn finish(mut self) -> String {
        self.svg.push_str("</svg>\n");
        self.svg
    }
}

fn draw_main(p: &Product, ikm_name: &str) -> String {
    let seed = fnv(p.slug.as_str());
    let mut a = Art::new(seed, &p.name);
    let [_, main, accent, ink] = a.pal;
    let short = label_text(&p.name, 16);
    match kind_of(p) {
        Kind::CoffeeBag => {
            let tilt = a.pick(7) as i64 - 3;
            a.push(&format!(r#"<g transform="rotate({tilt} 300 300)"><path d="M185 120h230l25 360H160z" fill="{main}"/><path d="M185 120h230v42H185z" fill="{ink}" opacity=".35"/><rect x="200" y="250" width="200" height="130" rx="12" fill="{}"/></g>"#, a.pal[0]));
            a.label(200, 305, 200, &short, 22);
            a.label(
                200,
                345,
                200,
                ikm_name.split_whitespace().last().unwrap_or(""),
                18,
            );
            for _ in 0..6 {
                let (x, y, r) = (90 + a.pick(420), 440 + a.pick(60), a.pick(180));
                a.push(&format!(r##"<ellipse cx="{x}" cy="{y}" rx="16" ry="22" transform="rotate({r} {x} {y})" fill="#3b2414"/><path d="M{x} {} v44" stroke="{accent}" stroke-width="3" transform="rotate({r} {x} {y})"/>"##, y - 22));
            }
        }
        Kind::Jar => {
            let fill = if p.name.to_lowercase().contains("sambal") {
                "#b3261e"
            } else if p.name.to_lowercase().contains("lada") {
                "#4a4037"
            } else {
                "#d98e04"
            };
            let h = 220 + a.pick(80) as u32;
            let top = 470 - h;
            a.push(&format!(r#"<rect x="190" y="{top}" width="220" height="{h}" rx="36" fill="{fill}"/><rect x="205" y="{}" width="190" height="46" rx="10" fill="{main}"/><rect x="210" y="{}" width="180" height="90" rx="10" fill="{}"/>"#, top - 30, top + h / 3, a.pal[0]));
            a.label(210, top + h / 3 + 40, 180, &label_text(&p.name, 12), 20);
            a.label(210, top + h / 3 + 70, 180, p.unit.as_str(), 16);
            a.push(&format!(r#"<path d="M210 {} q90 30 180 0" stroke="{accent}" stroke-width="6" fill="none"/>"#, top + 20));
        }
        Kind::Pouch => {
            a.push(&format!(r#"<path d="M170 110h260l-10 370H180z" fill="{main}"/><path d="M170 110h260v30H170z" fill="{accent}"/><ellipse cx="300" cy="330" rx="95" ry="80" fill="{}"/>"#, a.pal[0]));
            for _ in 0..7 {
                let (x, y, r) = (230 + a.pick(140), 280 + a.pick(100), a.pick(90));
                a.push(&format!(r##"<ellipse cx="{x}" cy="{y}" rx="26" ry="15" fill="#e2b33c" stroke="#a86f00" stroke-width="3" transform="rotate({r} {x} {y})"/>"##));
            }
            a.label(170, 200, 260, &short, 24);
        }
        Kind::GiftBox => {
            a.push(&format!(r#"<rect x="140" y="220" width="320" height="240" rx="10" fill="{main}"/><rect x="125" y="180" width="350" height="60" rx="8" fill="{ink}" opacity=".85"/><rect x="285" y="180" width="30" height="280" fill="{accent}"/><path d="M300 180c-60-70-120-20-60 0M300 180c60-70 120-20 60 0" stroke="{accent}" stroke-width="14" fill="none"/>"#));
            for i in 0..5 {
                let x = 160 + i * 60;
                a.push(&format!(
                    r#"<path d="M{x} 400l12-12 12 12-12 12z" fill="{accent}"/>"#
                ));
            }
            a.label(140, 520, 320, &short, 24);
        }
        Kind::Tapis => {
            a.push(&format!(
                r#"<rect x="110" y="90" width="380" height="420" fill="{main}"/>"#
            ));
            let rows = 5 + a.pick(3) as u32;
            for r in 0..rows {
                let y = 110 + r * (380 / rows);
                a.push(&format!(
                    r#"<path d="M110 {y}h380" stroke="{accent}" stroke-width="4"/>"#
                ));
                let motif = a.pick(3);
                for c in 0..6 {
                    let x = 140 + c * 60;
                    let yy = y + 380 / rows / 2;
                    let shape = match motif {
                        0 => format!(
                            r#"<path d="M{} {yy}l16-16 16 16-16 16z" fill="{accent}"/>"#,
                            x - 16
                        ),
                        1 => format!(
                            r#"<path d="M{} {}h40l-8 10h-24z M{} {}v-22l14 12z" fill="{accent}"/>"#,
                            x - 20,
                            yy + 6,
                            x,
                            yy + 2
                        ),
                        _ => format!(
                            r#"<path d="M{} {}l14-24 14 24z" fill="{accent}"/>"#,
                            x - 14,
                            yy + 10
                        ),
                    };
                    a.push(&shape);
                }
            }
            a.push(&format!(r#"<rect x="110" y="90" width="380" height="420" fill="none" stroke="{ink}" stroke-width="6"/>"#));
        }
        Kind::Batik => {
            let shirt = p.name.to_lowercase().contains("kemeja");
            let clip = if shirt {
                "M190 130l70-30h80l70 30 80 80-50 50-40-30v250H200V230l-40 30-50-50z"
            } else {
                "M120 100h360v400H120z"
            };
            a.push(&format!(r#"<defs><clipPath id="c"><path d="{clip}"/></clipPath></defs><path d="{clip}" fill="{main}"/><g clip-path="url(#c)">"#));
            let step = 60 + a.pick(3) as u32 * 10;
            let mut y = 80;
            while y < 540 {
                let mut x = 80 + (y / step % 2) * step / 2;
                while x < 540 {
                    a.push(&format!(r#"<circle cx="{x}" cy="{y}" r="{}" fill="none" stroke="{accent}" stroke-width="5"/><circle cx="{x}" cy="{y}" r="6" fill="{}"/>"#, step / 3, a.pal[0]));
                    x += step;
                }
                y += step;
            }
            a.push("</g>");
        }
        Kind::Garment => {
            let cap = p.name.to_lowercase().contains("kopiah");
            if cap {
                a.push(&format!(r#"<path d="M150 380q0-170 150-170t150 170z" fill="{ink}"/><rect x="150" y="360" width="300" height="50" fill="{main}"/>"#));
            } else {
                a.push(&format!(r#"<path d="M200 120l60-20h80l60 20 90 110-55 40-35-35v265H200V235l-35 35-55-40z" fill="{main}"/>"#));
            }
            for i in 0..9 {
                let x = 170 + i * 32;
                a.push(&format!(r#"<circle cx="{x}" cy="{}" r="12" fill="none" stroke="{accent}" stroke-width="5"/>"#, if cap { 385 } else { 150 + (i % 2) * 20 }));
            }
        }
        Kind::Siger => {
            let peaks = 7 + 2 * a.pick(2) as u32;
            let mut d = String::from("M110 430");
            let w = 380 / peaks;
            for i in 0..peaks {
                let mid = (i as i64 - (peaks / 2) as i64).unsigned_abs() as u32;
                let h = 260 - mid * 40;
                let _ = write!(
                    d,
                    "L{} {}L{} 380",
                    110 + i * w + w / 2,
                    430 - h,
                    110 + (i + 1) * w
                );
            }
            d.push_str("L490 430z");
            a.push(&format!(r##"<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f3d27a"/><stop offset="1" stop-color="{accent}"/></linearGradient></defs><path d="{d}" fill="url(#g)" stroke="{ink}" stroke-width="4"/><rect x="100" y="430" width="400" height="40" fill="{main}"/>"##));
        }
        Kind::Bracelet => {
            for i in 0..3 {
                let (cx, cy) = (220 + i * 80, 300 + (i % 2) * 40);
                a.push(&format!(r##"<ellipse cx="{cx}" cy="{cy}" rx="110" ry="70" fill="none" stroke="#b87333" stroke-width="22"/><ellipse cx="{cx}" cy="{cy}" rx="110" ry="70" fill="none" stroke="{accent}" stroke-width="4" stroke-dasharray="12 10"/>"##));
            }
        }
        Kind::Wood => {
            a.push(&format!(r##"<rect x="170" y="200" width="260" height="250" rx="20" fill="#8a5a35"/><path d="M170 260h260M170 330h260M170 400h260" stroke="#6b4226" stroke-width="6"/><rect x="160" y="170" width="280" height="50" rx="12" fill="{main}"/>"##));
            a.label(160, 205, 280, &label_text(&p.name, 14), 22);
        }
        Kind::Fish => {
            a.push(&format!(r##"<ellipse cx="300" cy="420" rx="230" ry="60" fill="#4f7d3a"/><path d="M140 320q160-120 300 0q-140 110-300 0z" fill="#8a4b1f"/><path d="M440 320l70-50v100z" fill="#8a4b1f"/><circle cx="185" cy="310" r="9" fill="{ink}"/><path d="M240 290q60 30 140 0" stroke="{accent}" stroke-width="5" fill="none"/>"##));
        }
        Kind::Woven => {
            let bag =
                p.name.to_lowercase().contains("tas") || p.name.to_lowercase().contains("dompet");
            let clip = if bag {
                "M150 220h300l-30 250H180z"
            } else {
                "M110 200h380l-40 260H150z"
            };
            a.push(&format!(r#"<defs><clipPath id="w"><path d="{clip}"/></clipPath></defs><path d="{clip}" fill="{main}"/><g clip-path="url(#w)">"#));
            for i in 0..14 {
                let x = 100 + i * 30;
                let o = if i % 2 == 0 { 0 } else { 15 };
                for j in 0..10 {
                    a.push(&format!(r#"<rect x="{x}" y="{}" width="30" height="15" fill="{accent}" opacity=".75"/>"#, 190 + j * 30 + o));
                }
            }
            a.push("</g>");
            if bag {
                a.push(&format!(r#"<path d="M220 220q80-140 160 0" stroke="{ink}" stroke-width="14" fill="none"/>"#));
            }
        }
    }
    a.tapis_band(544);
    a.finish()
}

/// A close-up: the product's pattern full-bleed, with the maker's name.
fn draw_detail(p: &Product, ikm_name: &str) -> String {
    let seed = fnv(p.slug.as_str()).rotate_left(17);
    let mut a = Art::new(seed, &format!("{} — {}", p.name, ikm_name));
    let [_, main, accent, _] = a.pal;
    a.push(&format!(
        r#"<rect width="{SIZE}" height="{SIZE}" fill="{main}"/>"#
    ));
    let step = 50 + a.pick(4) as u32 * 10;
    let mut y = step / 2;
    while y < SIZE {
        let mut x = step / 2;
        while x < SIZE {
            let s = step / 3;
            let shape = match kind_of(p) {
                Kind::Tapis | Kind::Garment | Kind::Siger | Kind::Bracelet => format!(
                    r#"<path d="M{} {y}l{s} -{s} {s} {s} -{s} {s}z" fill="{accent}"/>"#,
                    x - s
                ),
                Kind::Batik | Kind::Woven | Kind::Wood => format!(
                    r#"<circle cx="{x}" cy="{y}" r="{s}" fill="none" stroke="{accent}" stroke-width="4"/>"#
                ),
                _ => format!(
                    r#"<ellipse cx="{x}" cy="{y}" rx="{s}" ry="{}" fill="{accent}" opacity=".8" transform="rotate({} {x} {y})"/>"#,
                    s * 2 / 3,
                    (x + y) % 90
                ),
            };
            a.push(&shape);
            x += step;
        }
        y += step;
    }
    a.push(&format!(
        r#"<rect x="60" y="440" width="480" height="90" rx="16" fill="{}"/>"#,
        a.pal[0]
    ));
    a.label(60, 482, 480, &label_text(&p.name, 30), 24);
    a.label(60, 514, 480, ikm_name, 18);
    a.finish()
}

pub fn run() -> Result {
    step("Drawing product pictures into public/img/produk/");
    let path = root().join("data/catalog.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut data: CatalogData =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let dir = root().join(DIR);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut drawn = 0;
    for p in &mut data.products {
        let generated = p.images.iter().all(|i| i.src.starts_with(URL));
        if !generated {
            continue; // a real photo: leave it
        }
        let ikm_name = data
            .ikm
            .iter()
            .find(|i| i.slug == p.ikm)
            .map(|i| i.name.clone())
            .unwrap_or_default();
        let files = [
            (
                format!("{}.svg", p.slug),
                draw_main(p, &ikm_name),
                p.name.clone(),
            ),
            (
                format!("{}-2.svg", p.slug),
                draw_detail(p, &ikm_name),
                format!("{} — detail", p.name),
            ),
        ];
        p.images.clear();
        for (file, svg, alt) in files {
            std::fs::write(dir.join(&file), svg).map_err(|e| e.to_string())?;
            p.images.push(Image {
                src: format!("{URL}/{file}"),
                alt,
                width: SIZE,
                height: SIZE,
                sizes: Vec::new(),
            });
        }
        drawn += 1;
    }
    let json = serde_json::to_string_pretty(&data).map_err(|e| e.to_string())?;
    std::fs::write(&path, json + "\n").map_err(|e| e.to_string())?;
    println!("    {drawn} products drawn, catalog updated");
    Ok(())
}
