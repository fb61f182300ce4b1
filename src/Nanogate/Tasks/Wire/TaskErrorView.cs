namespace Nanogate.Tasks.Wire;

/// <summary>A task's or an image's failure.</summary>
/// <param name="Code">A stable code (e.g. content_blocked).</param>
/// <param name="Message">What happened and what to do.</param>
internal sealed record TaskErrorView(string Code, string? Message);
