//! What every operation of the OpenAPI document shares, added once after the handlers'
//! attributes are collected (ARCHITECTURE.md, "The OpenAPI document is derived").

use axum::http::StatusCode;

/// Complete what the handlers' attributes leave out, so that the document is valid OpenAPI 3.1
/// and says what the server really sends:
/// - every response has a description (the status's reason phrase where the attribute gives
///   none: OpenAPI requires one);
/// - error bodies are `application/problem+json` (RFC 9457), as `error.rs` sends them, not
///   `application/json`;
/// - the refusals every operation can meet are listed: `401` and `403` where a token is needed,
///   `400` (unreadable parameter or body), `404` (a path's record) and `422` (an invalid field)
///   where the operation takes them.
pub(super) fn complete(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
    let problem = || {
        ContentBuilder::new()
            .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            let public = op.security.as_ref().is_some_and(|s| {
                s.iter().all(|r| {
                    serde_json::to_value(r)
                        .is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
                })
            });
            let params: Vec<_> = op
                .parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    RefOr::T(p) => Some(p.parameter_in.clone()),
                    RefOr::Ref(_) => None,
                })
                .collect();
            let in_path = params.iter().any(|p| matches!(p, ParameterIn::Path));
            let in_query = params.iter().any(|p| matches!(p, ParameterIn::Query));
            let body = op.request_body.is_some();
            let responses = &mut op.responses.responses;
            let mut add = |status: &str, description: &str| {
                if !responses.contains_key(status) {
                    responses.insert(
                        status.into(),
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(description)
                                .content("application/problem+json", problem())
                                .build(),
                        ),
                    );
                }
            };
            if !public {
                add("401", "Unauthorized: no valid token");
                add(
                    "403",
                    "Forbidden: the caller's role or area does not allow it",
                );
            }
            if in_path || in_query || body {
                add(
                    "400",
                    "Bad Request: a parameter or the body could not be read",
                );
            }
            if in_path {
                add("404", "Not Found");
            }
            if in_query || body {
                add(
                    "422",
                    "Unprocessable Content: a field is invalid (named in `errors`)",
                );
            }
            for (status, response) in responses.iter_mut() {
                let RefOr::T(r) = response else { continue };
                let code = status.parse::<u16>().ok();
                if r.description.is_empty() {
                    r.description = code
                        .and_then(|c| StatusCode::from_u16(c).ok())
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("Response")
                        .to_string();
                }
                // A Problem declared as `application/json` is sent as problem+json; other
                // error bodies (the import's bad rows) keep their declared type.
                let problem_json = r.content.get("application/json").is_some_and(|c| {
                    matches!(c, RefOr::T(c) if matches!(&c.schema,
                        Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem")))
                });
                if code.is_some_and(|c| c >= 400) && problem_json {
                    if let Some(json) = r.content.shift_remove("application/json") {
                        r.content.insert("application/problem+json".into(), json);
                    }
                }
            }
        }
    }
    idempotency_keys(&mut doc);
    doc
}

/// The creates that honour `Idempotency-Key` (`benteng_db::idempotency`): a repeat with the
/// same key answers the first result and stores nothing.
const IDEMPOTENT_POSTS: &[&str] = &[
    "/api/v1/reports",
    "/api/v1/public/reports",
    "/api/v1/migrants",
    "/api/v1/migrants/{id}/steps",
    "/api/v1/desa-binaan/{id}/visits",
];

fn idempotency_keys(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    for (path, item) in doc.paths.paths.iter_mut() {
        let Some(op) = item.post.as_mut() else {
            continue;
        };
        if !IDEMPOTENT_POSTS.contains(&path.as_str()) {
            continue;
        }
        let header = ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "A key made by the client for this one request (16–100 letters, digits or \
                 `-_.:`, e.g. a UUID). Sent again with the same request, it answers the first \
                 result and stores nothing new, also after a restart; the same key for another \
                 kind of record is refused (422, `err-idempotency-reused`). Kept 30 days.",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(16))
                    .max_length(Some(100))
                    .pattern(Some("^[A-Za-z0-9._:-]{16,100}$")),
            ))
            .build();
        op.parameters
            .get_or_insert_with(Vec::new)
            .push(header.into());
    }
}
