//! The generated crates against `moto` (`moto[server]`), an AWS emulator
//! written by others that parses requests with botocore's models: the
//! Bedrock control plane (model customization jobs, custom models,
//! logging configuration, tags), Agents for Bedrock (agents, knowledge
//! bases, tags: the tag calls go through with the default validation),
//! SQS, DynamoDB, Secrets Manager and Kinesis, each with a modeled error
//! typed. Bedrock Runtime is not here: moto does not emulate it (the
//! mock, `bedrock-mock`, does).
//!
//! Each test starts its own `moto_server` on a free loopback port. Skipped
//! with a message when moto is not installed, unless
//! `BEDROCK_RS_REQUIRE_PYTHON=1` (set by CI, which installs it).

use integration_tests::{Moto, boto3_agent_arn, credentials, moto};

/// moto writes some timestamps as `2026-12-07 09:35:29` (or epoch
/// numbers) where the model says ISO 8601 date-times; the service does
/// not. The parser stays strict: the call ends in a response error naming
/// the member, never in a made-up value.
fn moto_departs<T: std::fmt::Debug, E: std::error::Error>(
    result: Result<T, bedrock_runtime::error::SdkError<E>>,
    member: &str,
) {
    match result {
        Err(bedrock_runtime::error::SdkError::Response(e)) => {
            let text = format!("{e:?}");
            assert!(text.contains(member), "{text}");
        }
        other => panic!("moto's {member} used to be an odd timestamp; now: {other:?}"),
    }
}

/// The configuration every client of a test shares: moto's endpoint, a
/// region and moto's accepted test keys.
fn shared(moto: &Moto) -> bedrock::SdkConfig {
    bedrock::SdkConfig::builder()
        .region("us-east-1")
        .credentials(credentials())
        .endpoint_url(&moto.url)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn bedrock_customization_jobs_custom_models_logging_and_tags() {
    use bedrock::types::{LoggingConfig, OutputDataConfig, S3Config, Tag, TrainingDataConfig};
    let Some(moto) = moto().await else { return };
    let client = bedrock::Client::new(&shared(&moto));

    let created = client
        .create_model_customization_job()
        .job_name("job-1")
        .custom_model_name("my-model")
        .role_arn("arn:aws:iam::123456789012:role/bedrock")
        .base_model_identifier("amazon.titan-text-express-v1")
        .training_data_config(
            TrainingDataConfig::builder()
                .s3_uri("s3://training/data.jsonl")
                .build()
                .unwrap(),
        )
        .output_data_config(
            OutputDataConfig::builder()
                .s3_uri("s3://output/")
                .build()
                .unwrap(),
        )
        .job_tags(Tag::builder().key("team").value("ml").build().unwrap())
        .send()
        .await
        .expect("moto creates the job");
    let job_arn = created.job_arn.clone();
    assert!(job_arn.starts_with("arn:aws:bedrock:"), "{job_arn}");

    // By name: moto routes an ARN in the path (sent percent-encoded, `%2F`
    // included, as the service takes it) to nothing, a departure from the
    // service, which accepts either.
    let job = client
        .get_model_customization_job()
        .job_identifier("job-1")
        .send()
        .await;
    moto_departs(job, "creationTime");
    let listed = client.list_model_customization_jobs().send().await;
    moto_departs(listed, "lastModifiedTime");

    let tags = client
        .list_tags_for_resource()
        .resource_arn(&job_arn)
        .send()
        .await
        .expect("moto lists the job's tags");
    assert_eq!(
        tags.tags
            .unwrap_or_default()
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect::<Vec<_>>(),
        [("team", "ml")]
    );

    moto_departs(client.list_custom_models().send().await, "creationTime");
    moto_departs(
        client
            .get_custom_model()
            .model_identifier("my-model")
            .send()
            .await,
        "creationTime",
    );

    client
        .put_model_invocation_logging_configuration()
        .logging_config(
            LoggingConfig::builder()
                .s3_config(S3Config::builder().bucket_name("logs").build().unwrap())
                .text_data_delivery_enabled(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("moto stores the logging configuration");
    let logging = client
        .get_model_invocation_logging_configuration()
        .send()
        .await
        .expect("moto returns the logging configuration");
    let config = logging.logging_config.expect("a logging configuration");
    assert_eq!(
        config.s3_config.map(|s| s.bucket_name).as_deref(),
        Some("logs")
    );
    assert_eq!(config.text_data_delivery_enabled, Some(true));
    client
        .delete_model_invocation_logging_configuration()
        .send()
        .await
        .expect("moto deletes it");
}

#[tokio::test(flavor = "multi_thread")]
async fn agents_knowledge_bases_and_tags_with_the_default_validation() {
    use bedrock_agent::types::{
        KnowledgeBaseConfiguration, KnowledgeBaseStorageType, KnowledgeBaseType,
        OpenSearchServerlessConfiguration, OpenSearchServerlessFieldMapping, StorageConfiguration,
        VectorKnowledgeBaseConfiguration,
    };
    let Some(moto) = moto().await else { return };
    let shared = bedrock_agent::SdkConfig::builder()
        .region("us-east-1")
        .credentials(credentials())
        .endpoint_url(&moto.url)
        .build()
        .unwrap();
    let client = bedrock_agent::Client::new(&shared);

    // moto writes the agent's createdAt as epoch seconds where the model
    // says an ISO 8601 date-time.
    let created = client
        .create_agent()
        .agent_name("helper")
        .foundation_model("anthropic.claude-3-haiku-20240307-v1:0")
        .instruction("You help with everything and with nothing in particular.")
        .send()
        .await;
    moto_departs(created, "createdAt");
    moto_departs(client.list_agents().send().await, "updatedAt");

    // The agent's ARN, from boto3 (which reads moto's epoch createdAt):
    // a real agent ARN, which the model's TaggableResourcesArn pattern (a
    // typo: /d{12}) matches nowhere. Tagging is sent with the default
    // validation, and moto takes it.
    let arn = boto3_agent_arn(&moto);
    let arn = arn.as_str();
    assert!(arn.starts_with("arn:aws:bedrock:us-east-1:"), "{arn}");
    client
        .tag_resource()
        .resource_arn(arn)
        .tags("team", "search")
        .tags("stage", "prod")
        .send()
        .await
        .expect("tagging a real agent ARN is sent, and moto accepts it");
    client
        .untag_resource()
        .resource_arn(arn)
        .tag_keys("stage")
        .send()
        .await
        .expect("moto removes the tag");
    let tags = client
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .expect("moto lists the agent's tags")
        .tags
        .unwrap_or_default();
    assert_eq!(
        tags.into_iter().collect::<Vec<_>>(),
        [("team".to_owned(), "search".to_owned())]
    );

    let knowledge_base = client
        .create_knowledge_base()
        .name("docs")
        .role_arn("arn:aws:iam::123456789012:role/kb")
        .knowledge_base_configuration(
            KnowledgeBaseConfiguration::builder()
                .r#type(KnowledgeBaseType::Vector)
                .vector_knowledge_base_configuration(
                    VectorKnowledgeBaseConfiguration::builder()
                        .embedding_model_arn(
                            "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
                        )
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .storage_configuration(
            StorageConfiguration::builder()
                .r#type(KnowledgeBaseStorageType::OpensearchServerless)
                .opensearch_serverless_configuration(
                    OpenSearchServerlessConfiguration::builder()
                        .collection_arn("arn:aws:aoss:us-east-1:123456789012:collection/abcdefghij")
                        .vector_index_name("docs")
                        .field_mapping(
                            OpenSearchServerlessFieldMapping::builder()
                                .vector_field("vector")
                                .text_field("text")
                                .metadata_field("metadata")
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await;
    match knowledge_base {
        Ok(created) => assert_eq!(created.knowledge_base.name, "docs"),
        Err(err) => moto_departs::<(), _>(Err(err), "createdAt"),
    }
    match client.list_knowledge_bases().send().await {
        Ok(listed) => assert_eq!(listed.knowledge_base_summaries.len(), 1),
        Err(err) => moto_departs::<(), _>(Err(err), "updatedAt"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sqs_queues_messages_and_typed_errors() {
    use sqs::operation::get_queue_url::GetQueueUrlError;
    let Some(moto) = moto().await else { return };
    let shared = sqs::SdkConfig::builder()
        .region("us-east-1")
        .credentials(credentials())
        .endpoint_url(&moto.url)
        .build()
        .unwrap();
    let client = sqs::Client::new(&shared);

    let queue_url = client
        .create_queue()
        .queue_name("jobs")
        .send()
        .await
        .expect("moto creates the queue")
        .queue_url
        .expect("a queue URL");
    let found = client
        .get_queue_url()
        .queue_name("jobs")
        .send()
        .await
        .expect("moto finds the queue");
    assert_eq!(found.queue_url.as_deref(), Some(queue_url.as_str()));
    client
        .send_message()
        .queue_url(&queue_url)
        .message_body("hello queue")
        .send()
        .await
        .expect("moto takes the message");
    let received = client
        .receive_message()
        .queue_url(&queue_url)
        .max_number_of_messages(1)
        .send()
        .await
        .expect("moto gives the message back");
    let bodies: Vec<String> = received
        .messages
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.body)
        .collect();
    assert_eq!(bodies, ["hello queue"]);

    // A query-compatible error: moto answers as SQS does, with the query
    // code in x-amzn-query-error; the error arrives typed.
    let err = client
        .get_queue_url()
        .queue_name("missing")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.as_service_error(),
            Some(GetQueueUrlError::QueueDoesNotExist(_))
        ),
        "{err:?}"
    );
    client
        .delete_queue()
        .queue_url(&queue_url)
        .send()
        .await
        .expect("moto deletes the queue");
}

#[tokio::test(flavor = "multi_thread")]
async fn dynamodb_tables_items_and_a_typed_error() {
    use dynamodb::operation::describe_table::DescribeTableError;
    use dynamodb::types::{
        AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
        ScalarAttributeType,
    };
    let Some(moto) = moto().await else { return };
    let shared = dynamodb::SdkConfig::builder()
        .region("us-east-1")
        .credentials(credentials())
        .endpoint_url(&moto.url)
        .build()
        .unwrap();
    let client = dynamodb::Client::new(&shared);
    client
        .create_table()
        .table_name("things")
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("moto creates the table");
    let text = |s: &str| AttributeValue::builder().s(s).build().unwrap();
    client
        .put_item()
        .table_name("things")
        .item("id", text("a"))
        .item("name", text("first"))
        .send()
        .await
        .expect("moto stores the item");
    let item = client
        .get_item()
        .table_name("things")
        .key("id", text("a"))
        .send()
        .await
        .expect("moto returns the item")
        .item
        .unwrap_or_default();
    assert_eq!(item.get("name").and_then(|v| v.s.as_deref()), Some("first"));
    let err = client
        .describe_table()
        .table_name("missing")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.as_service_error(),
            Some(DescribeTableError::ResourceNotFoundException(_))
        ),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_manager_secrets_and_a_typed_error() {
    use secretsmanager::operation::get_secret_value::GetSecretValueError;
    let Some(moto) = moto().await else { return };
    let shared = secretsmanager::SdkConfig::builder()
        .region("us-east-1")
        .credentials(credentials())
        .endpoint_url(&moto.url)
        .build()
        .unwrap();
    let client = secretsmanager::Client::new(&shared);
    client
        .create_secret()
        .name("db-password")
        .secret_string("hunter2")
        .send()
        .await
        .expect("moto creates the secret");
    client
        .put_secret_value()
        .secret_id("db-password")
        .secret_string("correct horse")
        .send()
        .await
        .expect("moto stores a new version");
    let secret = client
        .get_secret_value()
        .secret_id("db-password")
        .send()
        .await
        .expect("moto returns the secret");
    assert_eq!(secret.secret_string.as_deref(), Some("correct horse"));
    // Sensitive: the value never reaches Debug.
    assert!(!format!("{secret:?}").contains("correct horse"));
    let err = client
        .get_secret_value()
        .secret_id("missing")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.as_service_error(),
            Some(GetSecretValueError::ResourceNotFoundException(_))
        ),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn kinesis_streams_records_and_a_typed_error() {
    use kinesis::operation::describe_stream_summary::DescribeStreamSummaryError;
    let Some(moto) = moto().await else { return };
    let shared = kinesis::SdkConfig::builder()
        .region("us-east-1")
        .credentials(credentials())
        .endpoint_url(&moto.url)
        .build()
        .unwrap();
    let client = kinesis::Client::new(&shared);
    client
        .create_stream()
        .stream_name("events")
        .shard_count(1)
        .send()
        .await
        .expect("moto creates the stream");
    // moto writes StreamCreationTimestamp as a date string where the
    // model says epoch seconds.
    moto_departs(
        client.list_streams().send().await,
        "StreamCreationTimestamp",
    );
    let summary = client
        .describe_stream_summary()
        .stream_name("events")
        .send()
        .await;
    match summary {
        Ok(summary) => assert_eq!(summary.stream_description_summary.open_shard_count, 1),
        // moto's StreamCreationTimestamp, where it departs, is a response
        // error naming the member.
        Err(err) => moto_departs::<(), _>(Err(err), "StreamCreationTimestamp"),
    }
    let put = client
        .put_record()
        .stream_name("events")
        .data(b"one event".to_vec())
        .partition_key("k")
        .send()
        .await
        .expect("moto takes the record");
    assert!(put.shard_id.starts_with("shardId-"), "{}", put.shard_id);
    let err = client
        .describe_stream_summary()
        .stream_name("missing")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.as_service_error(),
            Some(DescribeStreamSummaryError::ResourceNotFoundException(_))
        ),
        "{err:?}"
    );
}
