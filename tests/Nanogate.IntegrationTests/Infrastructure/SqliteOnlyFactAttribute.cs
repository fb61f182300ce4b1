namespace Nanogate.IntegrationTests.Infrastructure;

/// <summary>A test about the SQLite provider itself (its file, its classes): skipped, saying why, when the suite runs on PostgreSQL.</summary>
public sealed class SqliteOnlyFactAttribute : FactAttribute
{
    public SqliteOnlyFactAttribute(string reason)
    {
        if (TestStorage.OnPostgres)
        {
            Skip = "SQLite only: " + reason;
        }
    }
}
