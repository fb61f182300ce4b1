namespace Nanogate.Catalog.Wire;

/// <summary>A price in US dollars, by package.</summary>
/// <param name="Min">With the package that gives the most credits per dollar.</param>
/// <param name="Max">With the package that gives the fewest.</param>
internal sealed record UsdRange(decimal Min, decimal Max);
