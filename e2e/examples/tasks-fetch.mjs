// Task API with fetch: submit, let Prefer: wait hold the request until the task ends, save the images.
import { writeFileSync } from "node:fs";

const base = process.env.NANOGATE_URL ?? "http://localhost:8080";
const headers = { Authorization: `Bearer ${process.env.NANOGATE_API_KEY}`, "Content-Type": "application/json" };

const submitted = await fetch(`${base}/v1/images/generations`, {
  method: "POST",
  headers: { ...headers, Prefer: "wait=30" }, // without it: 202 with a task_id at once
  body: JSON.stringify({
    model: "nano-banana-2-lite",
    prompt: "A refined product photo of a compact AI API router device on a white desk",
    aspect_ratio: "4:3",
    n: 2,
  }),
});
let task = await submitted.json();
while (["pending", "running"].includes(task.status)) {
  // Still going after the wait: poll.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  task = await (await fetch(`${base}/v1/tasks/${task.task_id}`, { headers })).json();
}

for (const image of task.images.filter((i) => i.status === "succeeded")) {
  const bytes = Buffer.from(await (await fetch(image.url)).arrayBuffer()); // signed link, valid 24 h
  writeFileSync(`router-${image.index}.png`, bytes);
}
console.log(task.status, JSON.stringify(task.credits));
