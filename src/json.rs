//! JSON in the browser without a JSON library in the wasm: the browser's own `JSON.parse` and
//! `JSON.stringify`, with serde walking the JavaScript values. `serde_json` would add its
//! parser and number formatting (about 80 KB before compression) to every buyer's download.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Deeper than any document we write: reading deeper nesting walks the stack out (the
/// browser's `RangeError`), and a stored value is the user's to change.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const MAX_DEPTH: usize = 64;

/// Whether `text` nests arrays and objects at most [`MAX_DEPTH`] deep (outside strings).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn shallow(text: &str) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// Reads `text` as a `T`; the error says why (for a log line, never shown as is).
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    #[cfg(target_arch = "wasm32")]
    {
        let value = parse_value(text)?;
        serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = text;
        Err("JSON is read only in the browser".to_owned())
    }
}

/// The JSON value of `text`, refused when it nests too deep to read.
#[cfg(target_arch = "wasm32")]
fn parse_value(text: &str) -> Result<wasm_bindgen::JsValue, String> {
    if !shallow(text) {
        return Err("nested too deep".to_owned());
    }
    js_sys::JSON::parse(text).map_err(|_| "not JSON".to_owned())
}

/// Reads `text` as a list of `T`, keeping each element that reads and leaving out the others;
/// `None` when it is not a list.
pub fn parse_each<T: DeserializeOwned>(text: &str) -> Option<Vec<T>> {
    #[cfg(target_arch = "wasm32")]
    {
        let list = parse_value(text).ok()?;
        if !js_sys::Array::is_array(&list) {
            return None;
        }
        let list = js_sys::Array::from(&list);
        Some(
            list.iter()
                .filter_map(|item| serde_wasm_bindgen::from_value(item).ok())
                .collect(),
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = text;
        None
    }
}

/// `value` as JSON text: maps become objects, as a server expects.
pub fn stringify<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
    #[cfg(target_arch = "wasm32")]
    {
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        let value = value.serialize(&serializer).map_err(|e| e.to_string())?;
        js_sys::JSON::stringify(&value)
            .map(String::from)
            .map_err(|_| "cannot write JSON".to_owned())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = value;
        Err("JSON is written only in the browser".to_owned())
    }
}

/// An object read from JSON text whose fields are then read one by one, each as its own
/// type: a field in another shape spoils only itself.
pub struct Fields {
    #[cfg(target_arch = "wasm32")]
    object: wasm_bindgen::JsValue,
}

impl Fields {
    /// `None` when `text` is not a JSON object.
    pub fn parse(text: &str) -> Option<Fields> {
        #[cfg(target_arch = "wasm32")]
        {
            let object = parse_value(text).ok()?;
            (object.is_object() && !js_sys::Array::is_array(&object)).then_some(Fields { object })
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = text;
            None
        }
    }

    /// The field `name` as a `T`, if it is there and reads as one.
    pub fn get<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        #[cfg(target_arch = "wasm32")]
        {
            let value = js_sys::Reflect::get(&self.object, &name.into()).ok()?;
            if value.is_undefined() {
                return None;
            }
            serde_wasm_bindgen::from_value(value).ok()
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = name;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_outside_strings_only() {
        let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        assert!(shallow(&deep(MAX_DEPTH)));
        assert!(!shallow(&deep(MAX_DEPTH + 1)));
        assert!(!shallow(&format!(r#"{{"a":{}}}"#, deep(MAX_DEPTH))));
        // Brackets inside strings, escaped quotes included, are text.
        let text = format!(r#"{{"note":"{} \" {}"}}"#, "[".repeat(500), "{".repeat(500));
        assert!(shallow(&text));
        assert!(!shallow(&format!(r#"["\\", {}]"#, deep(MAX_DEPTH))));
        // Closing more than was opened never goes below zero.
        assert!(shallow("]]]]{}[1]"));
    }
}
