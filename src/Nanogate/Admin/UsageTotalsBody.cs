namespace Nanogate.Admin;

/// <summary>The sums of every bucket in the window.</summary>
internal sealed record UsageTotalsBody(long Requests, long Images, long CreditsCharged, long CreditsRefunded);
