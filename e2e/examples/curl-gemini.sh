# Gemini dialect with curl (the seed's request): a 16:9 image, decoded with jq.
# An error answer (wrong key, unknown model) is printed and no sunset.png is written.
set -euo pipefail
answer=$(curl -sS --fail-with-body "${NANOGATE_URL:-http://localhost:8080}/v1beta/models/gemini-3.1-flash-lite-image:generateContent" \
  -H "x-goog-api-key: $NANOGATE_API_KEY" -H "Content-Type: application/json" \
  -d '{"contents":[{"role":"user","parts":[{"text":"Generate an image of a sunset over mountains"}]}],
       "generationConfig":{"responseModalities":["TEXT","IMAGE"],"imageConfig":{"aspectRatio":"16:9","imageSize":"1K"}}}') || { echo "$answer" >&2; exit 1; }
jq -r '.candidates[0].content.parts[] | select(.inlineData) | .inlineData.data' <<<"$answer" | base64 -d > sunset.png
