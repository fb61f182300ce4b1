# OpenAI Images dialect with curl: edit input.png (multipart; several files as image[]).
# An error answer (wrong key, no input.png) is printed and no winter.png is written.
set -euo pipefail
answer=$(curl -sS --fail-with-body "${NANOGATE_URL:-http://localhost:8080}/openai/v1/images/edits" \
  -H "Authorization: Bearer $NANOGATE_API_KEY" \
  -F model=nano-banana-2-lite -F prompt="Make it look like winter" -F image=@input.png) || { echo "$answer" >&2; exit 1; }
jq -r '.data[0].b64_json' <<<"$answer" | base64 -d > winter.png
