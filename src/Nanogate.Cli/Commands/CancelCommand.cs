using System.CommandLine;

namespace Nanogate.Cli.Commands;

/// <summary><c>nanogate cancel ID</c>: cancels the images of a task not yet started (refunded).</summary>
internal static class CancelCommand
{
    public static Command Create(CommandContext context)
    {
        var id = new Argument<string>("id") { Description = "The task id (task_...)" };
        var command = new Command("cancel", "Cancel a task: images not yet started are canceled and refunded") { id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = context.Client(parse);
            var task = await client.CancelTaskAsync(parse.GetValue(id)!, cancellationToken);
            await TaskCommand.WriteAsync(context, parse, task);
            return ExitCodes.Ok;
        });
        return command;
    }
}
