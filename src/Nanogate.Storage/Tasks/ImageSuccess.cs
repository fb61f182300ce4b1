using Nanogate.Storage.Media;

namespace Nanogate.Storage.Tasks;

/// <summary>A made and stored image, as the worker records it.</summary>
/// <param name="MediaId">The stored image's media id.</param>
/// <param name="MimeType">The image's media type (image/png, image/jpeg, …).</param>
/// <param name="Width">The image's width in pixels.</param>
/// <param name="Height">The image's height in pixels.</param>
/// <param name="Text">The model's text beside the image, if any.</param>
/// <param name="InputTokens">The upstream's prompt token count.</param>
/// <param name="OutputTokens">The upstream's output token count.</param>
/// <param name="ImageTokens">The output tokens that were image tokens.</param>
/// <param name="Media">The media row to insert with the success, when the file was written but not yet registered; null when the row already exists.</param>
/// <param name="Channel">The upstream channel that made it, or null when unknown.</param>
public sealed record ImageSuccess(string MediaId, string MimeType, int Width, int Height, string? Text, long InputTokens, long OutputTokens, long ImageTokens, NewMediaRow? Media = null, string? Channel = null);
