namespace Nanogate.Storage.Admin;

/// <summary>Pieces of SQL both providers' admin stores share.</summary>
internal static class AdminSql
{
    /// <summary>A LIKE pattern matching <paramref name="text"/> anywhere, its wildcards escaped with <c>\</c>.</summary>
    public static string Contains(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>The new outbox row's id (as the task store's).</summary>
    public static string NewMessageId() => Ids.New("msg_", 24);
}
