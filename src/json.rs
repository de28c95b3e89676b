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
