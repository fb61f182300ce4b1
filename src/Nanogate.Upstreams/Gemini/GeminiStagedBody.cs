namespace Nanogate.Upstreams.Gemini;

/// <summary>A request body ready to send: its largest images uploaded through the Files API (to delete after the call) with the key that owns them.</summary>
/// <param name="Body">The body to send (with fileData parts in place of the uploaded images).</param>
/// <param name="Key">The key the uploads used; the call and the deletes must use it too (files belong to one project).</param>
/// <param name="Files">The uploaded files' names (<c>files/…</c>).</param>
internal sealed record GeminiStagedBody(ReadOnlyMemory<byte> Body, int Key, IReadOnlyList<string> Files);
