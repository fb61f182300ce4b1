namespace Nanogate.Storage.Ledger;

/// <summary>The period of a key's spending cap (UTC).</summary>
public enum SpendCapPeriod
{
    /// <summary>The UTC day.</summary>
    Daily,

    /// <summary>The UTC calendar month.</summary>
    Monthly,
}
