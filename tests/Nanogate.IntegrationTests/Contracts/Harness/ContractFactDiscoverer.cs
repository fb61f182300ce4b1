using Xunit.Abstractions;
using Xunit.Sdk;

namespace Nanogate.IntegrationTests.Contracts.Harness;

/// <summary>Discovers <see cref="ContractFactAttribute"/> tests: as usual, but skipped on a PostgreSQL class when no server is configured.</summary>
public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    /// <summary>The suffix of the concrete contract classes that run on PostgreSQL.</summary>
    public const string PostgresSuffix = "_on_postgres";

    /// <inheritdoc />
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        if (testMethod.TestClass.Class.Name.EndsWith(PostgresSuffix, StringComparison.Ordinal) && PostgresTestServer.SkipReason is { } reason)
        {
            return new SkippedContractTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason);
        }

        return base.CreateTestCase(discoveryOptions, testMethod, factAttribute);
    }
}
