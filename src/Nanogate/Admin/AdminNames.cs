namespace Nanogate.Admin;

/// <summary>The rule for names an operator gives things (accounts, keys, channels): short, printable, one line.</summary>
internal static class AdminNames
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 100;

    /// <summary>Null when <paramref name="name"/> is acceptable, else the message saying what to fix.</summary>
    public static string? Problem(string name, string field)
    {
        if (name.Length > MaxLength)
        {
            return $"{field} is {name.Length} characters long; at most {MaxLength} are allowed.";
        }

        // Control characters (newlines, NUL, escape sequences) would forge lines in logs, CSV exports and the console.
        return name.Any(char.IsControl)
            ? $"{field} may not contain control characters (newlines, tabs, NUL)."
            : null;
    }
}
