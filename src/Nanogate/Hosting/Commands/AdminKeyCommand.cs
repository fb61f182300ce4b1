using System.CommandLine;
using Nanogate.Auth;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Changes;

namespace Nanogate.Hosting.Commands;

/// <summary>
/// <c>reset-admin-key</c>: the way back in after losing the admin key. Replaces the stored key with a new one, printed
/// once; the old key stops working on every running process (at once on PostgreSQL through the change feed; a running
/// SQLite server keeps the key it loaded until restarted, and the command says so).
/// </summary>
internal static class AdminKeyCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CommandContext context)
    {
        var command = new Command("reset-admin-key", "Replace the admin key with a new one (printed once, stored hashed): the way back in after losing it.");
        command.SetAction(CommandActions.Guarded(context, async (_, ct) =>
        {
            await using var host = await context.OpenAsync(migrate: true, ct).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(host.Configuration["Admin:ApiKey"]))
            {
                throw new CommandFailedException("the admin key is set by configuration (Admin:ApiKey): change it there and restart; nothing was changed.", ExitCodes.Configuration);
            }

            var key = await host.Get<AdminAuthenticator>().RotateAsync(host.Get<IAccountStore>(), host.Get<IChangeFeed>(), ct).ConfigureAwait(false);
            await Admin.Manage.AdminAudit.RecordCliAsync(host.Services, "admin_key.rotate", null, null, ct).ConfigureAwait(false);
            await context.Output.WriteLineAsync("New admin key (shown once, stored hashed):").ConfigureAwait(false);
            await context.Output.WriteLineAsync(key).ConfigureAwait(false);
            if (!string.Equals(host.Configuration["Storage:Provider"], "postgres", StringComparison.OrdinalIgnoreCase))
            {
                await context.Output.WriteLineAsync("A Nanogate server running on this SQLite database keeps the old key until it is restarted.").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
