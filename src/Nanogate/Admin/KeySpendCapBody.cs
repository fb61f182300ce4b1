namespace Nanogate.Admin;

/// <summary>A key's spending caps in credits (null = none): per UTC day and per UTC calendar month.</summary>
internal sealed record KeySpendCapBody(long? Daily, long? Monthly);
