namespace Nanogate.Admin.Manage;

/// <summary>A task's credits: held at submit, captured, given back.</summary>
internal sealed record AdminTaskCredits(long Reserved, long Charged, long Refunded);
