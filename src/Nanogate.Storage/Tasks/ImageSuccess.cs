using Nanogate.Storage.Media;

namespace Nanogate.Storage.Tasks;

/// <summary>A made and stored image, as the worker records it.</summary>
/// <param name="Media">The media row to insert with the success, when the file was written but not yet registered; null when the row already exists.</param>
/// <param name="Channel">The upstream channel that made it, or null when unknown.</param>
public sealed record ImageSuccess(string MediaId, string MimeType, int Width, int Height, string? Text, long InputTokens, long OutputTokens, long ImageTokens, NewMediaRow? Media = null, string? Channel = null);
