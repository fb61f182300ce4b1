namespace Nanogate.Hosting;

/// <summary>The error fields.</summary>
public sealed record ApiErrorDetail(string Code, string Message, string? Param);
