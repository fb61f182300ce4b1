namespace Nanogate.Core.Catalog;

/// <summary>A way to buy credits: <paramref name="CreditsPerUsd"/> credits for each US dollar, from <paramref name="MinimumUsd"/>.</summary>
public sealed record RechargePackage(string Id, string Name, int CreditsPerUsd, decimal MinimumUsd);
