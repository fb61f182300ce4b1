namespace Nanogate.Catalog.Wire;

/// <summary>A way to buy credits.</summary>
/// <param name="Id">The package id (e.g. <c>entry</c>), as a top-up names it.</param>
/// <param name="Name">Its display name.</param>
/// <param name="CreditsPerUsd">Credits for each US dollar.</param>
/// <param name="MinimumUsd">The smallest top-up in US dollars.</param>
internal sealed record CatalogPackage(string Id, string Name, int CreditsPerUsd, decimal MinimumUsd);
