# OpenAI Images dialect with curl: one image as a signed URL.
curl -s "${NANOGATE_URL:-http://localhost:8080}/openai/v1/images/generations" \
  -H "Authorization: Bearer $NANOGATE_API_KEY" -H "Content-Type: application/json" \
  -d '{"model":"nano-banana-2-lite","prompt":"A lighthouse at dusk","size":"1024x1024","response_format":"url"}' \
  | jq -r '.data[0].url'
