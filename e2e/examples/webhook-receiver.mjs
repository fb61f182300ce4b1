// Receiving task webhooks (pass callback_url: "http://your-host:3000/" when submitting):
// verify each delivery's Standard Webhooks signature with the account's secret.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const base = process.env.NANOGATE_URL ?? "http://localhost:8080";
const auth = { Authorization: `Bearer ${process.env.NANOGATE_API_KEY}` };
const { secret } = await (await fetch(`${base}/v1/webhook-secret`, { headers: auth })).json(); // whsec_…
const webhook = new Webhook(secret);
const seen = new Set(); // deliveries are retried until answered 2xx: deduplicate on webhook-id

const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    let event;
    try {
      event = webhook.verify(body, req.headers); // checks the signature and the timestamp (±5 min)
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(204).end();
    if (seen.has(req.headers["webhook-id"])) return;
    seen.add(req.headers["webhook-id"]);
    console.log(event.type, event.data.task_id, event.data.images?.[0]?.url ?? "");
  });
});
server.listen(Number(process.env.PORT ?? 3000), () => console.log(`listening on ${server.address().port}`));
