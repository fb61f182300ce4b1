namespace Nanogate.Pipeline;

/// <summary>The <c>dialect</c> label of Nanogate's metrics (<c>tasks</c>, <c>gemini</c>, <c>openai</c>).</summary>
internal static class DialectLabels
{
    /// <summary>The label of <paramref name="dialect"/>; the Nanogate dialect is the task API's.</summary>
    public static string MetricLabel(this Dialect dialect) => dialect switch
    {
        Dialect.Gemini => "gemini",
        Dialect.OpenAi => "openai",
        _ => "tasks",
    };
}
