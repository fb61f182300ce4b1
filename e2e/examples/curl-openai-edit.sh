# OpenAI Images dialect with curl: edit input.png (multipart; several files as image[]).
curl -s "${NANOGATE_URL:-http://localhost:8080}/openai/v1/images/edits" \
  -H "Authorization: Bearer $NANOGATE_API_KEY" \
  -F model=nano-banana-2-lite -F prompt="Make it look like winter" -F image=@input.png \
  | jq -r '.data[0].b64_json' | base64 -d > winter.png
