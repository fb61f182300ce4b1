using System.CommandLine;

namespace Nanogate.Cli.Commands;

/// <summary><c>nanogate balance</c>: the account's credits.</summary>
internal static class BalanceCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("balance", "Show the account's credits (available, reserved, charged)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = context.Client(parse);
            var account = await client.GetAccountAsync(cancellationToken);
            if (context.Json(parse))
            {
                await context.WriteJsonAsync(account, CliJsonContext.Default.AccountInfo);
                return ExitCodes.Ok;
            }

            var c = account.Credits;
            await context.Env.Out.WriteLineAsync($"{c.Available} credits available ({c.Reserved} reserved, {c.Charged} charged, {c.ToppedUp} topped up) on {account.Name} ({account.Id})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
