//! `src/endpoint_data.rs`: the service's endpoint rule set, embedded for
//! the runtime's evaluator (which holds AWS's partitions), and a test for
//! every case of the rule set's test file.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{EmitError, Files, docs};
use crate::ir::{EndpointRules, EndpointValue, Service};

pub(crate) fn emit(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    let Some(rules) = &service.endpoint_rules else {
        return Ok(());
    };
    let module_doc = docs::inner(
        "The service's endpoint rule set, as the model gives it, and the cases it must resolve with the runtime's partitions.",
    );
    let rule_set = &rules.rule_set;
    let tests = tests(rules);
    let tokens = quote! {
        #module_doc

        /// The endpoint rule set (`endpoint-rule-set-1.json`).
        pub(crate) const RULES: &str = #rule_set;

        #tests
    };
    out.rust("src/endpoint_data.rs", tokens)
}

fn tests(rules: &EndpointRules) -> TokenStream {
    let cases = rules.tests.iter().enumerate().map(|(i, case)| {
        let mut words = case.docs.to_snake_case();
        words.truncate(60);
        let name = format_ident!("case_{:02}_{}", i + 1, words.trim_end_matches('_'));
        let doc = format!(" {}", case.docs);
        let params = case.params.iter().map(|(name, value)| match value {
            EndpointValue::Bool(b) => quote! { (#name, Value::Bool(#b)) },
            EndpointValue::String(s) => quote! { (#name, Value::String(#s.to_owned())) },
            EndpointValue::StringList(items) => {
                quote! { (#name, Value::Array(vec![#(Value::String(#items.to_owned())),*])) }
            }
        });
        let expect = match &case.expect {
            Ok(url) => quote! { Ok(#url.to_owned()) },
            Err(message) => quote! { Err(#message.to_owned()) },
        };
        quote! {
            #[doc = #doc]
            #[test]
            fn #name() {
                assert_eq!(resolve(&[#(#params),*]), #expect);
            }
        }
    });
    quote! {
        #[cfg(test)]
        mod tests {
            use sdk_runtime::endpoint_rules::{RuleSet, Value};

            fn resolve(params: &[(&'static str, Value)]) -> Result<String, String> {
                let rules = RuleSet::parse(super::RULES).map_err(|e| e.to_string())?;
                let params = params.iter().cloned().collect();
                rules.resolve(&params).map_err(|e| e.to_string())
            }

            #(#cases)*
        }
    }
}
