//! A serde mirror of the botocore service-model JSON format, and nothing more.
//!
//! These types say what the file contains; they do not say what it means.
//! Resolution (`crate::ir`) turns names into references, checks the model's
//! contradictions and knows botocore's quirks. Unknown keys are ignored so
//! that a newer model with traits we do not use still loads.

use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::BTreeMap;

use serde_json::Number;

/// A whole service model: one `service-2.json` file.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceModel {
    /// Format version of the file (`"2.0"`).
    pub version: Option<String>,
    /// Facts about the service: protocol, signing name, endpoint prefix.
    pub metadata: Metadata,
    /// Service-level documentation, HTML.
    pub documentation: Option<String>,
    /// Operations by name, in model order.
    pub operations: IndexMap<String, Operation>,
    /// Shapes by name, in model order.
    pub shapes: IndexMap<String, Shape>,
}

/// The `metadata` object.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub api_version: String,
    pub endpoint_prefix: String,
    pub protocol: String,
    /// Protocols the service accepts, newest models list several.
    #[serde(default)]
    pub protocols: Vec<String>,
    pub service_full_name: String,
    pub service_id: Option<String>,
    pub signature_version: Option<String>,
    /// The SigV4 signing name; when absent the endpoint prefix is used.
    pub signing_name: Option<String>,
    pub json_version: Option<String>,
    pub target_prefix: Option<String>,
    pub uid: Option<String>,
    /// Auth schemes in order of preference, e.g. `aws.auth#sigv4`.
    #[serde(default)]
    pub auth: Vec<String>,
    /// Present (as `{}`) on awsJson services that moved from the query
    /// protocol: their errors also carry the query code in a header.
    pub aws_query_compatible: Option<serde_json::Value>,
}

/// One entry of `operations`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    pub name: String,
    /// awsJson operations may leave it out: every request is `POST /`.
    #[serde(default)]
    pub http: HttpTrait,
    pub input: Option<ShapeRef>,
    pub output: Option<ShapeRef>,
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    pub documentation: Option<String>,
    #[serde(default)]
    pub deprecated: bool,
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub idempotent: bool,
    #[serde(default)]
    pub readonly: bool,
    /// Per-operation override of the service's auth schemes.
    #[serde(default)]
    pub auth: Vec<String>,
    /// `none`, `v4`, `v4-unsigned-body`, `bearer`.
    pub authtype: Option<String>,
    /// Smithy's endpoint trait: a prefix for the endpoint's host.
    pub endpoint: Option<EndpointTrait>,
    /// Endpoint rule parameters the operation fixes, e.g.
    /// `{"ServiceType": {"value": "ACM"}}`.
    #[serde(default)]
    pub static_context_params: BTreeMap<String, StaticContextParam>,
}

/// One entry of an operation's `staticContextParams`.
#[derive(Debug, Clone, Deserialize)]
pub struct StaticContextParam {
    pub value: serde_json::Value,
}

/// The `endpoint` object of an operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointTrait {
    /// Prepended to the host, e.g. `data.` or `{AccountId}.`; labels name
    /// input members marked `hostLabel`.
    pub host_prefix: String,
}

/// The `http` object of an operation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpTrait {
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub request_uri: String,
    pub response_code: Option<u16>,
}

/// A reference to a shape by name, as used by operation inputs, outputs and errors.
#[derive(Debug, Clone, Deserialize)]
pub struct ShapeRef {
    pub shape: String,
    /// Older models name an input's payload member on the reference
    /// instead of the shape; botocore merges it into the shape.
    pub payload: Option<String>,
}

/// One entry of `shapes`, tagged by its `type`.
///
/// botocore writes unions and documents as `structure` with a flag; a model
/// written with an explicit `union` or `document` type is accepted too.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Shape {
    Structure(StructureShape),
    Union(StructureShape),
    Document(StructureShape),
    /// botocore reads the older `character` type as a string.
    #[serde(alias = "character")]
    String(StringShape),
    Blob(BlobShape),
    Boolean(ScalarShape),
    Byte(ScalarShape),
    Short(ScalarShape),
    Integer(ScalarShape),
    Long(ScalarShape),
    Float(ScalarShape),
    Double(ScalarShape),
    BigInteger(ScalarShape),
    BigDecimal(ScalarShape),
    Timestamp(TimestampShape),
    List(ListShape),
    Map(MapShape),
}

/// Keys every shape may carry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Common {
    pub documentation: Option<String>,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub deprecated: bool,
    pub deprecated_message: Option<String>,
}

/// `min`/`max` as they appear in the file: lengths, entry counts or numeric ranges.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Bounds {
    pub min: Option<Number>,
    pub max: Option<Number>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureShape {
    #[serde(flatten)]
    pub common: Common,
    #[serde(default)]
    pub members: IndexMap<String, Member>,
    #[serde(default)]
    pub required: Vec<String>,
    /// The member bound to the HTTP payload.
    pub payload: Option<String>,
    #[serde(default)]
    pub exception: bool,
    #[serde(default)]
    pub fault: bool,
    pub error: Option<ErrorTrait>,
    pub retryable: Option<RetryableTrait>,
    /// botocore's spelling of a union.
    #[serde(default)]
    pub union: bool,
    /// botocore's spelling of a document.
    #[serde(default)]
    pub document: bool,
    /// A union of events sent as an event stream.
    #[serde(default)]
    pub eventstream: bool,
    /// A structure sent as one event of an event stream.
    #[serde(default)]
    pub event: bool,
}

/// The `error` object of an exception shape.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorTrait {
    /// The wire code when it differs from the shape name (awsQuery-compatible services).
    pub code: Option<String>,
    pub http_status_code: Option<u16>,
    #[serde(default)]
    pub sender_fault: bool,
}

/// The `retryable` object of an exception shape.
#[derive(Debug, Clone, Deserialize)]
pub struct RetryableTrait {
    #[serde(default)]
    pub throttling: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub shape: String,
    pub documentation: Option<String>,
    /// `uri`, `querystring`, `header`, `headers`, `statusCode`; absent means body.
    pub location: Option<String>,
    pub location_name: Option<String>,
    /// The JSON key when it differs from the member name (`jsonName`).
    pub json_name: Option<String>,
    #[serde(default)]
    pub idempotency_token: bool,
    #[serde(default)]
    pub eventheader: bool,
    #[serde(default)]
    pub eventpayload: bool,
    #[serde(default)]
    pub jsonvalue: bool,
    pub timestamp_format: Option<String>,
    #[serde(default)]
    pub deprecated: bool,
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub host_label: bool,
    #[serde(rename = "box", default)]
    pub boxed: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StringShape {
    #[serde(flatten)]
    pub common: Common,
    #[serde(flatten)]
    pub bounds: Bounds,
    pub pattern: Option<String>,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BlobShape {
    #[serde(flatten)]
    pub common: Common,
    #[serde(flatten)]
    pub bounds: Bounds,
    #[serde(default)]
    pub streaming: bool,
}

/// Booleans and numbers.
#[derive(Debug, Clone, Deserialize)]
pub struct ScalarShape {
    #[serde(flatten)]
    pub common: Common,
    #[serde(flatten)]
    pub bounds: Bounds,
    #[serde(rename = "box", default)]
    pub boxed: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimestampShape {
    #[serde(flatten)]
    pub common: Common,
    pub timestamp_format: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ListShape {
    #[serde(flatten)]
    pub common: Common,
    #[serde(flatten)]
    pub bounds: Bounds,
    pub member: Member,
    #[serde(default)]
    pub sparse: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MapShape {
    #[serde(flatten)]
    pub common: Common,
    #[serde(flatten)]
    pub bounds: Bounds,
    pub key: Member,
    pub value: Member,
    #[serde(default)]
    pub sparse: bool,
}

/// `paginators-1.json`: how list operations page.
#[derive(Debug, Clone, Deserialize)]
pub struct Paginators {
    #[serde(default)]
    pub pagination: IndexMap<String, PaginatorConfig>,
}

/// One operation's pagination.
#[derive(Debug, Clone, Deserialize)]
pub struct PaginatorConfig {
    /// The input member that carries the token.
    pub input_token: serde_json::Value,
    /// The output member (or path) that carries the next token.
    pub output_token: serde_json::Value,
    /// The input member that limits the page size.
    pub limit_key: Option<String>,
    /// The output member (or path) holding the page's items.
    pub result_key: Option<serde_json::Value>,
}

/// `endpoint-tests-1.json`: cases the endpoint rules must resolve.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointTests {
    pub test_cases: Vec<EndpointTestCase>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EndpointTestCase {
    pub documentation: Option<String>,
    #[serde(default)]
    pub params: IndexMap<String, serde_json::Value>,
    pub expect: EndpointExpectation,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EndpointExpectation {
    pub endpoint: Option<ExpectedEndpoint>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ExpectedEndpoint {
    pub url: String,
}
