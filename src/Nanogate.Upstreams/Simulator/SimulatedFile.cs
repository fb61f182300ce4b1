namespace Nanogate.Upstreams.Simulator;

/// <summary>A file uploaded to the simulator's Files API (its bytes live in <see cref="Path"/>).</summary>
/// <param name="Id">The id in <c>files/{id}</c>.</param>
/// <param name="DisplayName">The display name given at upload start, if any.</param>
/// <param name="MimeType">The type declared at upload start (<c>X-Goog-Upload-Header-Content-Type</c>).</param>
/// <param name="SizeBytes">How many bytes were uploaded.</param>
/// <param name="Sha256">The SHA-256 of the bytes.</param>
/// <param name="Created">When the upload was finalized.</param>
/// <param name="Expires">When the file is deleted (48 hours after, as Google does).</param>
/// <param name="Path">Where the bytes are kept.</param>
internal sealed record SimulatedFile(string Id, string? DisplayName, string MimeType, long SizeBytes, byte[] Sha256, DateTimeOffset Created, DateTimeOffset Expires, string Path);
