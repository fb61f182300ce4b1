namespace Nanogate.Storage.Tasks;

/// <summary>A made and stored image, as the worker records it.</summary>
public sealed record ImageSuccess(string MediaId, string MimeType, int Width, int Height, string? Text, long InputTokens, long OutputTokens, long ImageTokens);
