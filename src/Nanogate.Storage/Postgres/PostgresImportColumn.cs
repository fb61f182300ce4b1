namespace Nanogate.Storage.Postgres;

/// <summary>A column of the target schema as <c>information_schema.columns</c> describes it.</summary>
/// <param name="Table">Its table.</param>
/// <param name="Name">Its name.</param>
/// <param name="DataType">Its type (<c>bigint</c>, <c>boolean</c>, <c>text</c>, …).</param>
/// <param name="IsIdentity">True for an identity column (its sequence is moved past the copied values).</param>
internal sealed record PostgresImportColumn(string Table, string Name, string DataType, bool IsIdentity);
