// Drives bedrock-mock with the AWS SDK for JavaScript v3, whose default
// client for Bedrock Runtime speaks HTTP/2 (and signs `:authority` in
// place of `host`). Usage: node drive.mjs http://127.0.0.1:PORT
// Exits 0 when every call gave what the mock promises, 1 naming the first
// that did not.
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithBidirectionalStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";

const endpoint = process.argv[2];
const client = new BedrockRuntimeClient({
  region: "us-east-1",
  endpoint,
  credentials: {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  },
  maxAttempts: 1,
});

function check(what, condition, detail) {
  if (!condition) {
    console.error(`${what}: ${JSON.stringify(detail)}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

const messages = [{ role: "user", content: [{ text: "hi from js" }] }];

const converse = await client.send(new ConverseCommand({ modelId: "mock.echo", messages }));
check("Converse", converse.output?.message?.content?.[0]?.text === "Echo: hi from js", converse.output);

const stream = await client.send(new ConverseStreamCommand({ modelId: "mock.echo", messages }));
let text = "";
for await (const event of stream.stream) {
  text += event.contentBlockDelta?.delta?.text ?? "";
}
check("ConverseStream", text === "Echo: hi from js", text);

const invoked = await client.send(
  new InvokeModelCommand({ modelId: "mock.echo", contentType: "application/json", body: '{"x":1}' }),
);
check("InvokeModel", new TextDecoder().decode(invoked.body) === '{"x":1}', new TextDecoder().decode(invoked.body));

try {
  await client.send(new InvokeModelCommand({ modelId: "mock.error.ValidationException", body: "{}" }));
  check("a modeled error", false, "no error");
} catch (err) {
  check("a modeled error", err.name === "ValidationException", { name: err.name, message: err.message });
}

const sent = ["one", "two", "three"];
async function* events() {
  for (const word of sent) {
    yield { chunk: { bytes: new TextEncoder().encode(word) } };
  }
}
const duplex = await client.send(
  new InvokeModelWithBidirectionalStreamCommand({ modelId: "mock.echo", body: events() }),
);
const echoed = [];
for await (const event of duplex.body) {
  if (event.chunk?.bytes) {
    echoed.push(new TextDecoder().decode(event.chunk.bytes));
  }
}
check("InvokeModelWithBidirectionalStream", JSON.stringify(echoed) === JSON.stringify(sent), echoed);
client.destroy();
