using System.Globalization;

namespace Nanogate.Storage.Ledger;

/// <summary>
/// A hold refused because it would take a key past its spending cap; thrown inside the hold's transaction, so nothing
/// was written. Answered as 402 in the request's dialect.
/// </summary>
public sealed class SpendCapExceededException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public SpendCapExceededException(SpendCapPeriod period, long cap, long spent, long requested)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"This API key's {(period == SpendCapPeriod.Daily ? "daily" : "monthly")} spending cap is {cap} credits; it has spent {spent} this {(period == SpendCapPeriod.Daily ? "UTC day" : "UTC month")} and this request needs {requested}. Wait for the next {(period == SpendCapPeriod.Daily ? "day" : "month")} or ask the operator to raise the cap."))
    {
        Period = period;
        Cap = cap;
        Spent = spent;
        Requested = requested;
    }

    /// <summary>Creates the refusal with a message only (for serializers and tests).</summary>
    public SpendCapExceededException()
    {
    }

    /// <summary>Creates the refusal with a message only.</summary>
    public SpendCapExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the refusal with a message and a cause.</summary>
    public SpendCapExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The cap's period.</summary>
    public SpendCapPeriod Period { get; }

    /// <summary>The cap, in credits.</summary>
    public long Cap { get; }

    /// <summary>Credits captured or held by the key this period before the request.</summary>
    public long Spent { get; }

    /// <summary>Credits the request asked to hold.</summary>
    public long Requested { get; }
}
