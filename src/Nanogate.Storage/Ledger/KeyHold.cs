namespace Nanogate.Storage.Ledger;

/// <summary>The API key a hold is made for: recorded on the reservation (usage per key) and, if it has a spending cap, checked against it.</summary>
/// <param name="KeyId">key_….</param>
/// <param name="Capped">Whether the key has a daily or monthly cap (as the caller last saw it; the cap values are read in the hold's own transaction).</param>
public sealed record KeyHold(string KeyId, bool Capped);
