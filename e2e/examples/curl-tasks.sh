# Task API with curl (the seed's request): submit, then poll until the task ends.
BASE=${NANOGATE_URL:-http://localhost:8080}
TASK=$(curl -s "$BASE/v1/images/generations" \
  -H "Authorization: Bearer $NANOGATE_API_KEY" -H "Content-Type: application/json" \
  -d '{"model":"nano-banana-2-lite","prompt":"A refined product photo of a compact AI API router device on a white desk","size":"auto"}' \
  | jq -r .task_id)
until STATUS=$(curl -s "$BASE/v1/tasks/$TASK" -H "Authorization: Bearer $NANOGATE_API_KEY" | jq -r .status);
      [ "$STATUS" != pending ] && [ "$STATUS" != running ]; do sleep 1; done
curl -s "$BASE/v1/tasks/$TASK" -H "Authorization: Bearer $NANOGATE_API_KEY" | jq -r '.status, .images[0].url'
