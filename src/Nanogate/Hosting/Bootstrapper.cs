using Microsoft.Extensions.Options;
using Nanogate.Auth;
using Nanogate.Storage;
using Nanogate.Storage.Accounts;

namespace Nanogate.Hosting;

/// <summary>
/// Runs before the server accepts requests: applies migrations, establishes the admin key and the
/// demo account. Keys are printed to the console once, when they are created, and stored only as hashes.
/// </summary>
internal sealed partial class Bootstrapper(
    IStorage storage,
    IAccountStore accounts,
    AdminAuthenticator admin,
    IOptions<AdminOptions> adminOptions,
    IOptions<BootstrapOptions> bootstrapOptions,
    IOptions<Operations.TelemetryOptions> telemetryOptions,
    IOptions<ServerOptions> serverOptions,
    IHostApplicationLifetime lifetime,
    ServerAddress address,
    ILogger<Bootstrapper> logger) : IHostedService
{
    private const string DemoCreatedSetting = "demo_account_id";

    /// <summary>Lines printed on start for a person to read (keys created now, where to go).</summary>
    public IReadOnlyList<string> Banner { get; private set; } = [];

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.MigrateAsync(cancellationToken).ConfigureAwait(false);
        LogMigrated(logger, storage.Location);
        var banner = new List<string>();

        // Processes starting together (several behind one load balancer) must create the admin key and the
        // demo account once, not once each.
        await using (await storage.LockAsync("bootstrap", cancellationToken).ConfigureAwait(false))
        {
            if (!string.IsNullOrWhiteSpace(adminOptions.Value.ApiKey))
            {
                admin.SetHash(Ids.HashKey(adminOptions.Value.ApiKey), pinned: true);
            }
            else if (await accounts.GetSettingAsync(AdminAuthenticator.HashSetting, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                admin.SetHash(stored);
            }
            else
            {
                var key = AdminAuthenticator.NewKey();
                var hash = Ids.HashKey(key);
                await accounts.SetSettingAsync(AdminAuthenticator.HashSetting, hash, cancellationToken).ConfigureAwait(false);
                admin.SetHash(hash);
                banner.Add($"Admin key (shown once, stored hashed): {key}");
            }

            var bootstrap = bootstrapOptions.Value;
            if (!string.IsNullOrWhiteSpace(bootstrap.DemoKey))
            {
                if (await accounts.FindKeyByHashAsync(Ids.HashKey(bootstrap.DemoKey), cancellationToken).ConfigureAwait(false) is null)
                {
                    var account = await accounts.CreateAccountAsync("demo", bootstrap.DemoCredits, cancellationToken).ConfigureAwait(false);
                    await accounts.CreateKeyAsync(account.Id, "demo", bootstrap.DemoKey, cancellationToken).ConfigureAwait(false);
                    LogDemoCreated(logger, account.Id, bootstrap.DemoCredits);
                }
            }
            else if (await accounts.GetSettingAsync(DemoCreatedSetting, cancellationToken).ConfigureAwait(false) is null)
            {
                var account = await accounts.CreateAccountAsync("demo", bootstrap.DemoCredits, cancellationToken).ConfigureAwait(false);
                var created = await accounts.CreateKeyAsync(account.Id, "demo", null, cancellationToken).ConfigureAwait(false);
                await accounts.SetSettingAsync(DemoCreatedSetting, account.Id, cancellationToken).ConfigureAwait(false);
                banner.Add($"Demo key with {bootstrap.DemoCredits} credits (shown once, stored hashed): {created.Key}");
            }
        }

        if (serverOptions.Value.InlineScheduling)
        {
            banner.Add("Inline scheduling: on (Server:InlineScheduling=true): request code runs on the socket's completion thread");
        }

        Banner = banner;
        lifetime.ApplicationStarted.Register(() =>
        {
            var url = address.Get().ToString().TrimEnd('/');
            var lines = new List<string> { "", $"Nanogate is running at {url}" };
            lines.AddRange(banner.Select(b => "  " + b));
            lines.Add($"  Catalog:  {url}/v1/models");
            lines.Add($"  Gemini:   POST {url}/v1beta/models/nano-banana-2-lite:generateContent  (x-goog-api-key: <key>)");
            lines.Add("");
            if (string.Equals(telemetryOptions.Value.LogFormat, "json", StringComparison.OrdinalIgnoreCase))
            {
                // JSON logs are one object a line for a log shipper: the banner goes out as log entries, not free text.
                foreach (var line in lines)
                {
                    if (line.Length > 0)
                    {
                        LogBanner(logger, line);
                    }
                }
            }
            else
            {
                Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
            }
        });
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogBanner(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready at {Path}")]
    private static partial void LogMigrated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created demo account {AccountId} with {Credits} credits for the configured demo key")]
    private static partial void LogDemoCreated(ILogger logger, string accountId, long credits);
}
