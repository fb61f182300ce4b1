namespace Nanogate.Hosting;

/// <summary>The error fields.</summary>
internal sealed record ApiErrorDetail(string Code, string Message, string? Param);
