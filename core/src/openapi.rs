//! Schemas for the OpenAPI document (feature `openapi`, which the server turns on and the
//! SPA does not): the few types that travel as strings with rules of their own.

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

/// A string schema with a description, and a pattern or format where one says it exactly.
fn string(description: &str, pattern: Option<&str>, format: Option<&str>) -> RefOr<Schema> {
    let mut b = ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description));
    if let Some(p) = pattern {
        b = b.pattern(Some(p));
    }
    if let Some(f) = format {
        b = b.format(Some(utoipa::openapi::SchemaFormat::Custom(f.to_owned())));
    }
    RefOr::T(Schema::Object(b.build()))
}

macro_rules! string_schema {
    ($ty:ty, $description:expr, $pattern:expr, $format:expr) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                string($description, $pattern, $format)
            }
        }
        impl utoipa::ToSchema for $ty {}
    };
}

string_schema!(
    crate::Slug,
    "Lower-case letters, digits and single hyphens, at most 80 characters.",
    Some("^[a-z0-9]+(-[a-z0-9]+)*$"),
    None
);
string_schema!(
    crate::Date,
    "A calendar date, YYYY-MM-DD.",
    Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
    Some("date")
);
string_schema!(
    crate::Phone,
    "An Indonesian mobile number; answered in E.164 (+628…), accepted as written (0812 3456 7890).",
    None,
    None
);
