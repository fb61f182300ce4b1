using System.Text.Json.Nodes;

namespace Nanogate.Tasks;

/// <summary>
/// A task (or synchronous images) body as read by <see cref="TaskBodyReader"/>: its fields as a small JSON object,
/// and the large <c>image_urls</c> strings (data URIs, raw base64) left as UTF-8 slices of the one body buffer,
/// by their index in the array (their place in <see cref="Fields"/> holds a short stand-in).
/// </summary>
/// <param name="Fields">Every field; large image strings replaced by a stand-in.</param>
/// <param name="InlineImages">image_urls index → the string's UTF-8 bytes (unescaped, unquoted).</param>
internal sealed record TaskBody(JsonObject Fields, IReadOnlyDictionary<int, ReadOnlyMemory<byte>> InlineImages);
