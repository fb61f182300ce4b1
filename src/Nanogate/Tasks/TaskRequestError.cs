namespace Nanogate.Tasks;

/// <summary>Why a task submission was refused: HTTP status, error code, a message that says what to fix, and the field.</summary>
internal sealed record TaskRequestError(int Status, string Code, string Message, string? Param)
{
    /// <summary>400 invalid_request naming <paramref name="param"/>.</summary>
    public static TaskRequestError Invalid(string message, string? param) => new(400, "invalid_request", message, param);
}
