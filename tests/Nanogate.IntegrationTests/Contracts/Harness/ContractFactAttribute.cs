using Xunit.Sdk;

namespace Nanogate.IntegrationTests.Contracts.Harness;

/// <summary>
/// A contract test, declared once on the abstract contract class and run by each provider's concrete class. A plain
/// <see cref="FactAttribute"/> cannot skip per class, so <see cref="ContractFactDiscoverer"/> skips the
/// <c>…_on_postgres</c> copies when no PostgreSQL test server is configured (never in CI).
/// </summary>
[XunitTestCaseDiscoverer("Nanogate.IntegrationTests.Contracts.Harness.ContractFactDiscoverer", "Nanogate.IntegrationTests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ContractFactAttribute : FactAttribute;
