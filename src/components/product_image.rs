//! A product's picture with its size reserved, so nothing shifts while it loads.

use etalase_core::catalog::{Image, Product, IMAGE_SIZES};
use leptos::prelude::*;

/// The product's first image, or its category's illustration until it has one.
pub fn primary_image(product: &Product) -> Image {
    product.primary_image()
}

#[component]
pub fn ProductImage(image: Image, #[prop(default = true)] lazy: bool) -> impl IntoView {
    let srcset = image.srcset();
    let (srcset, sizes) = if srcset.is_empty() {
        (None, None)
    } else {
        (Some(srcset), Some(IMAGE_SIZES))
    };
    view! {
        // `loading` must be set before `src`: an image given its source first starts
        // loading at once, and 24 of them cost a phone ~30 ms per keystroke.
        <img
            class="product-image"
            loading=if lazy { "lazy" } else { "eager" }
            decoding="async"
            width=image.width
            height=image.height
            alt=image.alt
            sizes=sizes
            srcset=srcset
            src=image.src
        />
    }
}
