using System.Text.Json.Serialization;

namespace Nanogate.Accounts;

/// <summary>An account's credits.</summary>
/// <param name="Available">What new requests can hold.</param>
/// <param name="Reserved">Held by requests and tasks still running.</param>
/// <param name="Charged">Spent on images (and tokens) made.</param>
/// <param name="ToppedUp">Every top-up together.</param>
internal sealed record AccountCredits(long Available, long Reserved, long Charged, [property: JsonPropertyName("topped_up")] long ToppedUp)
{
    /// <summary>The wire form of a ledger balance.</summary>
    public static AccountCredits From(Storage.Ledger.AccountBalance balance) => new(balance.Available, balance.Reserved, balance.Charged, balance.ToppedUp);
}
