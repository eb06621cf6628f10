//! `src/cli.rs` (the `cli` feature): a subcommand per operation, named as
//! in the AWS CLI (`invoke-model --model-id ...`), generated from the IR so
//! that a new operation appears in the CLI with no hand work.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust_type::{self, ident};
use super::{EmitError, Files, docs};
use crate::ir::names::Scope;
use crate::ir::{Member, MemberLocation, Operation, Service, ShapeKind};

/// Names the CLI's global options, its input options and its positional
/// arguments take.
const RESERVED: &[&str] = &[
    "region",
    "profile",
    "endpoint-url",
    "ca-bundle",
    "query",
    "output",
    "validation",
    "no-paginate",
    "help",
    "version",
    "outfile",
    "cli-input-json",
    "generate-cli-skeleton",
    "input-events",
];

pub(crate) fn emit(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    let module_doc = docs::inner(&format!(
        "A command-line interface to {}: a subcommand per operation. Built with the `cli` feature.",
        service.title
    ));
    let about = format!("A command-line client for {}", service.title);
    // Each operation's subcommand exists when its feature is on.
    let commands: Vec<TokenStream> = service
        .operations
        .iter()
        .map(|op| {
            let module = ident(&op.snake_name);
            let cfg = super::features::for_operation(op);
            quote! {
                #cfg
                let command = command.subcommand(#module::command());
            }
        })
        .collect();
    let arms = service.operations.iter().map(|op| {
        let module = ident(&op.snake_name);
        let name = op.name.to_kebab_case();
        let cfg = super::features::for_operation(op);
        quote! {
            #cfg
            #name => #module::run(global, &context, args).await,
        }
    });
    let schema = Schema::of(service);
    let modules = service
        .operations
        .iter()
        .map(|op| operation(service, &schema, op));
    let every_operation: Vec<usize> = (0..service.operations.len()).collect();
    let any_operation = super::features::for_users(service, &every_operation);
    let schema_table = schema.emit(service, &any_operation);
    let tokens = quote! {
        #module_doc

        /// Runs the command line of the process, named `binary` in help texts.
        pub async fn main(binary: &'static str) -> std::process::ExitCode {
            let command = crate::cli_support::root(binary, #about, env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
                .subcommand(crate::cli_support::decode_event_stream_command());
            #(#commands)*
            match command.try_get_matches() {
                Ok(matches) => crate::cli_support::finish(run(&matches).await),
                Err(err) => crate::cli_support::usage_error(err),
            }
        }

        async fn run(global: &clap::ArgMatches) -> Result<(), crate::cli_support::CliError> {
            let Some((name, args)) = global.subcommand() else {
                return Err(crate::cli_support::CliError::parameter("a command is required"));
            };
            if name == "decode-event-stream" {
                return crate::cli_support::decode_event_stream(args);
            }
            #any_operation
            let context = crate::cli_support::Context::from_args(global)?;
            match name {
                #(#arms)*
                other => Err(crate::cli_support::CliError::parameter(format!("unknown command {other}"))),
            }
        }

        #schema_table

        #(#modules)*
    };
    out.rust("src/cli.rs", tokens)
}

/// The shapes the operations' inputs reach, numbered in name order: the
/// table the runtime checks JSON values against and draws help and
/// skeletons from.
struct Schema<'a> {
    ids: BTreeMap<&'a str, usize>,
}

impl<'a> Schema<'a> {
    fn of(service: &'a Service) -> Self {
        let mut reached = BTreeSet::new();
        let mut pending: Vec<&str> = service
            .operations
            .iter()
            .flat_map(|op| op.input.members.iter())
            .filter(|m| !rust_type::is_event_stream(service, &m.target))
            .map(|m| m.target.as_str())
            .collect();
        while let Some(name) = pending.pop() {
            if !reached.insert(name) {
                continue;
            }
            match &service.shape(name).kind {
                ShapeKind::Structure(s) => {
                    pending.extend(s.members.iter().map(|m| m.target.as_str()))
                }
                ShapeKind::Union(u) if !u.event_stream => {
                    pending.extend(u.members.iter().map(|m| m.target.as_str()))
                }
                ShapeKind::List(l) => pending.push(&l.member),
                ShapeKind::Map(m) => pending.push(&m.value),
                _ => {}
            }
        }
        Schema {
            ids: reached
                .into_iter()
                .enumerate()
                .map(|(id, name)| (name, id))
                .collect(),
        }
    }

    /// The shape's index, as an unsuffixed literal.
    fn id(&self, shape: &str) -> proc_macro2::Literal {
        proc_macro2::Literal::usize_unsuffixed(self.ids.get(shape).copied().unwrap_or(usize::MAX))
    }

    /// `Field`s of members: keyed inside values by `keys` (their serde
    /// names), required unless an idempotency token fills them.
    fn fields(&self, members: &[Member], keys: &[String]) -> TokenStream {
        let fields = members.iter().zip(keys).map(|(m, key)| {
            let name = &m.name;
            let target = self.id(&m.target);
            let required = m.required && !m.idempotency_token;
            quote! {
                crate::cli_support::schema::Field { name: #name, key: #key, target: #target, required: #required }
            }
        });
        quote!(&[#(#fields),*])
    }

    fn emit(&self, service: &Service, cfg: &TokenStream) -> TokenStream {
        let shapes = self.ids.keys().map(|name| {
            let kind = match &service.shape(name).kind {
                ShapeKind::Structure(s) => {
                    let fields = self.fields(&s.members, &super::serde::field_names(s));
                    quote!(Structure(#fields))
                }
                ShapeKind::Union(u) => {
                    let keys: Vec<String> = u.members.iter().map(|m| m.wire_name.clone()).collect();
                    let fields = self.fields(&u.members, &keys);
                    quote!(Union(#fields))
                }
                ShapeKind::Enum(e) => {
                    let values = e.variants.iter().map(|v| &v.value);
                    quote!(Enum(&[#(#values),*]))
                }
                ShapeKind::String | ShapeKind::BigInteger | ShapeKind::BigDecimal => quote!(String),
                ShapeKind::Blob { .. } => quote!(Blob),
                ShapeKind::Boolean => quote!(Boolean),
                ShapeKind::Byte => quote!(Integer { min: -128, max: 127 }),
                ShapeKind::Short => quote!(Integer { min: -32768, max: 32767 }),
                ShapeKind::Integer => quote!(Integer { min: -2147483648, max: 2147483647 }),
                ShapeKind::Long => quote!(Integer { min: i64::MIN, max: i64::MAX }),
                ShapeKind::Float | ShapeKind::Double => quote!(Float),
                ShapeKind::Timestamp { .. } => quote!(Timestamp),
                ShapeKind::Document => quote!(Document),
                ShapeKind::List(l) => {
                    let member = self.id(&l.member);
                    quote!(List(#member))
                }
                ShapeKind::Map(m) => {
                    let value = self.id(&m.value);
                    quote!(Map(#value))
                }
            };
            quote! {
                crate::cli_support::schema::Shape { name: #name, kind: crate::cli_support::schema::Kind::#kind }
            }
        });
        quote! {
            /// The shapes the operations' inputs reach, for checking JSON
            /// option values and drawing help and skeletons.
            #cfg
            static SCHEMA: crate::cli_support::schema::Schema = crate::cli_support::schema::Schema {
                shapes: &[#(#shapes),*],
            };
        }
    }
}

/// What an operation's output does on the command line.
enum OutputMode<'a> {
    /// A blob payload goes to OUTFILE; the other members are printed.
    Outfile(&'a Member),
    /// Each event's blob goes to OUTFILE as it arrives.
    StreamToOutfile(&'a Member),
    /// Each event is printed as one JSON line as it arrives.
    StreamLines(&'a Member),
    /// The output is printed as JSON.
    Print,
}

fn output_mode<'a>(service: &Service, op: &'a Operation) -> OutputMode<'a> {
    let Some(payload) = op.output.payload_member() else {
        return OutputMode::Print;
    };
    match &service.shape(&payload.target).kind {
        ShapeKind::Blob { .. } => OutputMode::Outfile(payload),
        ShapeKind::Union(u) if u.event_stream => {
            // A stream with no events (only exceptions) writes nothing to a file.
            let every_event_is_a_blob = u.events(service).next().is_some()
                && u.events(service)
                    .all(|m| single_blob_member(service, &m.target).is_some());
            if every_event_is_a_blob {
                OutputMode::StreamToOutfile(payload)
            } else {
                OutputMode::StreamLines(payload)
            }
        }
        _ => OutputMode::Print,
    }
}

/// For an operation that sends an event stream: a closure making an event
/// from a line of `--input-events`. When the stream has one event type
/// holding one blob (Bedrock's `chunk.bytes`), the line is that blob;
/// otherwise it is the JSON of the union.
fn input_events(service: &Service, op: &Operation) -> Option<TokenStream> {
    let payload = op.input.payload_member()?;
    let ShapeKind::Union(u) = &service.shape(&payload.target).kind else {
        return None;
    };
    if !u.event_stream {
        return None;
    }
    let union = rust_type::of(service, &payload.target);
    let events: Vec<&Member> = u.events(service).collect();
    if let [event] = events.as_slice()
        && let Some(blob) = single_blob_member(service, &event.target)
    {
        let variant = ident(&event.rust_name);
        let structure = rust_type::of(service, &event.target);
        let setter = ident(&blob.rust_name);
        let value = quote! {
            #structure::builder()
                .#setter(crate::primitives::Blob::new(line.into_bytes()))
                .build()
                .map_err(|e| crate::cli_support::CliError::parameter(e.to_string()))?
        };
        let value = if event.boxed {
            quote!(Box::new(#value))
        } else {
            value
        };
        return Some(quote! {
            |line: String| -> Result<#union, crate::cli_support::CliError> {
                Ok(#union::#variant(#value))
            }
        });
    }
    Some(quote! {
        |line: String| crate::cli_support::json::<#union>("input-events", &line)
    })
}

/// The one member of an event structure, when it is a blob.
fn single_blob_member<'a>(service: &'a Service, target: &str) -> Option<&'a Member> {
    match &service.shape(target).kind {
        ShapeKind::Structure(s) => match s.members.as_slice() {
            [m] if matches!(service.shape(&m.target).kind, ShapeKind::Blob { .. }) => Some(m),
            _ => None,
        },
        _ => None,
    }
}

/// The first sentence of the documentation, as plain text for `--help`.
fn summary(docs: Option<&str>, fallback: &str) -> String {
    let Some(docs) = docs else {
        return fallback.to_owned();
    };
    let paragraph = docs.split("\n\n").next().unwrap_or_default();
    let mut plain = String::with_capacity(paragraph.len());
    let mut chars = paragraph.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // `[text](url)` keeps its text.
            '[' => {}
            ']' if chars.peek() == Some(&'(') => {
                for skipped in chars.by_ref() {
                    if skipped == ')' {
                        break;
                    }
                }
            }
            '`' | '*' | '\\' => {}
            '\n' => plain.push(' '),
            _ => plain.push(c),
        }
    }
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    match plain.find(". ") {
        Some(end) if end < 300 => plain[..=end].to_owned(),
        _ => plain,
    }
}

fn operation(service: &Service, schema: &Schema<'_>, op: &Operation) -> TokenStream {
    let module = ident(&op.snake_name);
    let command_name = op.name.to_kebab_case();
    let about = summary(op.docs.as_deref(), &format!("Calls {}.", op.name));
    let method = ident(&op.snake_name);
    let mode = output_mode(service, op);

    let mut scope = Scope::with_reserved(RESERVED.iter().copied());
    let mut args = Vec::new();
    let mut setters = Vec::new();
    let members: Vec<&Member> = op
        .input
        .members
        .iter()
        .filter(|m| !rust_type::is_event_stream(service, &m.target))
        .collect();
    for (index, m) in members.iter().enumerate() {
        let flag = scope.claim(&m.name.to_kebab_case());
        let member = &m.name;
        let help = summary(m.docs.as_deref(), &format!("The {} member.", m.name));
        let set = format_ident!("set_{}", crate::ir::names::bare(&m.rust_name));
        let shape = service.shape(&m.target);
        let field = proc_macro2::Literal::usize_unsuffixed(index);
        if matches!(shape.kind, ShapeKind::Boolean) {
            let negated = scope.claim(&format!("no-{flag}"));
            args.push(quote! {
                .arg(crate::cli_support::member_help(
                    clap::Arg::new(#flag).long(#flag).action(clap::ArgAction::SetTrue),
                    #help, &super::SCHEMA, &INPUT[#field],
                ))
                .arg(clap::Arg::new(#negated).long(#negated).action(clap::ArgAction::SetTrue).conflicts_with(#flag))
            });
            setters.push(quote! {
                if let Some(value) = options.boolean(#flag, #negated, #member) {
                    request = request.#set(Some(value));
                }
            });
            continue;
        }
        let value_name = match &shape.kind {
            ShapeKind::Blob { .. } => "TEXT|fileb://PATH",
            ShapeKind::Structure(_)
            | ShapeKind::Union(_)
            | ShapeKind::List(_)
            | ShapeKind::Map(_)
            | ShapeKind::Document => "JSON|file://PATH",
            ShapeKind::Timestamp { .. } => "TIMESTAMP",
            ShapeKind::Byte
            | ShapeKind::Short
            | ShapeKind::Integer
            | ShapeKind::Long
            | ShapeKind::Float
            | ShapeKind::Double => "NUMBER",
            _ => "TEXT",
        };
        args.push(quote! {
            .arg(crate::cli_support::member_help(
                clap::Arg::new(#flag).long(#flag).value_name(#value_name),
                #help, &super::SCHEMA, &INPUT[#field],
            ))
        });
        let ty = rust_type::member_value(service, m);
        let value = match &shape.kind {
            ShapeKind::String | ShapeKind::BigInteger | ShapeKind::BigDecimal => {
                quote!(options.string(#flag, #member))
            }
            ShapeKind::Blob { .. } => quote!(options.blob(#flag, #member)),
            _ => quote!(options.value::<#ty>(#flag, #member)),
        };
        setters.push(quote! {
            if let Some(value) = #value {
                request = request.#set(Some(value));
            }
        });
    }
    let keys: Vec<String> = members.iter().map(|m| m.name.clone()).collect();
    let owned: Vec<Member> = members.iter().map(|m| (*m).clone()).collect();
    let input_fields = schema.fields(&owned, &keys);
    let (outfile_arg, output, prints) = output_code(service, op, &mode);
    let context_param = if prints {
        quote!(context)
    } else {
        quote!(_context)
    };
    let mutated =
        !setters.is_empty() || (op.paginator.is_some() && matches!(mode, OutputMode::Print));
    let request_binding = if mutated {
        quote!(let mut request)
    } else {
        quote!(let request)
    };
    let options_binding = if setters.is_empty() {
        quote!(let options)
    } else {
        quote!(let mut options)
    };
    let run_doc = format!(" Runs `{command_name}`.");
    let cfg = super::features::for_operation(op);
    // The CLI offers every operation and member the model has, deprecated or not.
    let allow = super::docs::allow_deprecated_uses(
        op.deprecated.is_some()
            || op.input.has_deprecated_member()
            || op.output.has_deprecated_member(),
    );
    quote! {
        #cfg
        mod #module {
            /// The members of the input, as options and `--cli-input-json` take them.
            const INPUT: &[crate::cli_support::schema::Field] = #input_fields;

            /// The subcommand and its options.
            pub(super) fn command() -> clap::Command {
                clap::Command::new(#command_name)
                    .about(#about)
                    #(#args)*
                    .args(crate::cli_support::input_args())
                    #outfile_arg
            }

            #[doc = #run_doc]
            #allow
            pub(super) async fn run(
                global: &clap::ArgMatches,
                #context_param: &crate::cli_support::Context,
                args: &clap::ArgMatches,
            ) -> Result<(), crate::cli_support::CliError> {
                if crate::cli_support::print_skeleton(args, &super::SCHEMA, INPUT)? {
                    return Ok(());
                }
                #options_binding = crate::cli_support::Options::new(args, &super::SCHEMA, INPUT)?;
                let client = crate::Client::from_conf(crate::cli_support::config(global).await?);
                #request_binding = client.#method();
                #(#setters)*
                options.finish()?;
                crate::cli_support::warn_violations(client.config().validation_mode(), request.as_input().validate());
                #output
            }
        }
    }
}

/// The OUTFILE argument, if any, the code that sends and prints, and
/// whether that code prints through the output context.
fn output_code(
    service: &Service,
    op: &Operation,
    mode: &OutputMode<'_>,
) -> (TokenStream, TokenStream, bool) {
    let op_name = &op.name;
    let send = quote! {
        request.send().await.map_err(|e| crate::cli_support::CliError::from_sdk(e, #op_name))?
    };
    let others = |skip: &Member| -> (TokenStream, bool) {
        let inserts: Vec<TokenStream> = op
            .output
            .members
            .iter()
            .filter(|m| m.name != skip.name)
            .map(|m| {
                let field = ident(&m.rust_name);
                let key = match m.location {
                    MemberLocation::Body => m.wire_name.as_str(),
                    _ => m.name.as_str(),
                };
                if m.required {
                    quote! { printed.insert(#key.to_owned(), crate::cli_support::to_json(&output.#field)?); }
                } else {
                    quote! {
                        if let Some(value) = &output.#field {
                            printed.insert(#key.to_owned(), crate::cli_support::to_json(value)?);
                        }
                    }
                }
            })
            .collect();
        if inserts.is_empty() {
            // Nothing besides the body: nothing to print.
            return (quote! { Ok(()) }, false);
        }
        let code = quote! {
            let mut printed = serde_json::Map::new();
            #(#inserts)*
            context.print(&serde_json::Value::Object(printed))
        };
        (code, true)
    };
    match mode {
        OutputMode::Outfile(payload) => {
            let field = ident(&payload.rust_name);
            let write = if payload.required {
                quote! { outfile.write(output.#field.as_bytes())?; }
            } else {
                quote! {
                    if let Some(body) = &output.#field {
                        outfile.write(body.as_bytes())?;
                    }
                }
            };
            let (print, prints) = others(payload);
            (
                quote!(.arg(crate::cli_support::outfile_arg())),
                quote! {
                    let mut outfile = crate::cli_support::Outfile::create(args)?;
                    let output = #send;
                    #write
                    #print
                },
                prints,
            )
        }
        OutputMode::StreamToOutfile(payload) | OutputMode::StreamLines(payload) => {
            let field = ident(&payload.rust_name);
            let ShapeKind::Union(u) = &service.shape(&payload.target).kind else {
                return (quote!(), quote!(Ok(())), false);
            };
            let union = rust_type::of(service, &payload.target);
            let (print, others_print) = others(payload);
            let to_outfile = matches!(mode, OutputMode::StreamToOutfile(_));
            // Events of a two-way stream are written one per line.
            let duplex = super::http_binding::streams_input(service, op);
            let write = if duplex {
                format_ident!("write_line")
            } else {
                format_ident!("write")
            };
            let handle_event = if to_outfile {
                let arms: Vec<(TokenStream, TokenStream, bool, proc_macro2::Ident)> = u
                    .events(service)
                    .filter_map(|m| {
                        let variant = ident(&m.rust_name);
                        let blob = single_blob_member(service, &m.target)?;
                        let blob_field = ident(&blob.rust_name);
                        let body = if blob.required {
                            quote! { outfile.#write(event.#blob_field.as_bytes())?; }
                        } else {
                            quote! {
                                if let Some(bytes) = &event.#blob_field {
                                    outfile.#write(bytes.as_bytes())?;
                                }
                            }
                        };
                        Some((
                            quote!(#union::#variant(event)),
                            body,
                            blob.required,
                            blob_field,
                        ))
                    })
                    .collect();
                match arms.as_slice() {
                    [(pattern, _, false, blob_field)] => quote! {
                        if let #pattern = event
                            && let Some(bytes) = &event.#blob_field
                        {
                            outfile.#write(bytes.as_bytes())?;
                        }
                    },
                    [(pattern, body, true, _)] => quote! {
                        if let #pattern = event {
                            #body
                        }
                    },
                    _ => {
                        let arms = arms
                            .iter()
                            .map(|(pattern, body, _, _)| quote! { #pattern => { #body } });
                        quote! {
                            match event {
                                #(#arms)*
                                _ => {}
                            }
                        }
                    }
                }
            } else {
                quote! {
                    match &event {
                        #union::Unknown(name) => tracing::debug!(event = %name, "an event type this version does not know"),
                        known => context.print_line(known)?,
                    }
                }
            };
            let outfile_arg = if to_outfile {
                quote!(.arg(crate::cli_support::outfile_arg()))
            } else {
                quote!()
            };
            let open = to_outfile
                .then(|| quote! { let mut outfile = crate::cli_support::Outfile::create(args)?; });
            let (start, fed) = match input_events(service, op) {
                Some(make_event) => (
                    quote! {
                        let (sender, mut output) = #send;
                        let lines = crate::cli_support::input_lines(args)?;
                        let feeding = tokio::spawn(crate::cli_support::feed_lines(lines, sender, #make_event));
                    },
                    quote! { crate::cli_support::fed(feeding).await?; },
                ),
                None => (quote! { let mut output = #send; }, quote!()),
            };
            let outfile_arg = if duplex {
                quote!(#outfile_arg .arg(crate::cli_support::input_events_arg()))
            } else {
                outfile_arg
            };
            (
                outfile_arg,
                quote! {
                    #open
                    #start
                    while let Some(event) = output
                        .#field
                        .recv()
                        .await
                        .map_err(|e| crate::cli_support::CliError::from_stream(e, #op_name))?
                    {
                        #handle_event
                    }
                    #fed
                    #print
                },
                others_print || !to_outfile,
            )
        }
        OutputMode::Print => match &op.paginator {
            Some(paginator) => {
                let token_in = op
                    .input
                    .members
                    .iter()
                    .find(|m| m.name == paginator.input_token);
                let token_out = op
                    .output
                    .members
                    .iter()
                    .find(|m| m.name == paginator.output_token);
                let (Some(token_in), Some(token_out)) = (token_in, token_out) else {
                    return (
                        quote!(),
                        quote! { context.print(&crate::cli_support::to_json(&#send)?) },
                        true,
                    );
                };
                let set_token =
                    format_ident!("set_{}", crate::ir::names::bare(&token_in.rust_name));
                let token_field = ident(&token_out.rust_name);
                let token_key = &token_out.wire_name;
                let result_key = match paginator
                    .result_key
                    .as_deref()
                    .and_then(|k| op.output.members.iter().find(|m| m.name == k))
                {
                    Some(m) => {
                        let key = &m.wire_name;
                        quote!(Some(#key))
                    }
                    None => quote!(None),
                };
                let next = if token_out.required {
                    quote!(Some(output.#token_field.clone()).filter(|t| !t.is_empty()))
                } else {
                    quote!(output.#token_field.clone())
                };
                (
                    quote!(),
                    quote! {
                        let mut pages = Vec::new();
                        let mut seen = std::collections::HashSet::new();
                        loop {
                            let output = request.clone().send().await.map_err(|e| crate::cli_support::CliError::from_sdk(e, #op_name))?;
                            let next = #next;
                            pages.push(crate::cli_support::to_json(&output)?);
                            match next {
                                Some(token) if context.paginate() => {
                                    if !seen.insert(token.clone()) {
                                        return Err(crate::cli_support::CliError::other(format!(
                                            "the service sent the pagination token {token:?} twice"
                                        )));
                                    }
                                    request = request.#set_token(Some(token));
                                }
                                _ => break,
                            }
                        }
                        context.print(&crate::cli_support::merge_pages(pages, #result_key, #token_key))
                    },
                    true,
                )
            }
            None => (
                quote!(),
                quote! { context.print(&crate::cli_support::to_json(&#send)?) },
                true,
            ),
        },
    }
}
