//! JSON in the browser without a JSON library in the wasm: the browser's own `JSON.parse` and
//! `JSON.stringify`, with serde walking the JavaScript values. `serde_json` would add its
//! parser and number formatting (about 80 KB before compression) to every buyer's download.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Reads `text` as a `T`; the error says why (for a log line, never shown as is).
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    #[cfg(target_arch = "wasm32")]
    {
        let value = js_sys::JSON::parse(text).map_err(|_| "not JSON".to_owned())?;
        serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = text;
        Err("JSON is read only in the browser".to_owned())
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
            let object = js_sys::JSON::parse(text).ok()?;
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
