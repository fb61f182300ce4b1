using System.CommandLine;
using Nanogate.Client;

namespace Nanogate.Cli.Commands;

/// <summary><c>nanogate task ID</c>: one task with its images.</summary>
internal static class TaskCommand
{
    public static Command Create(CommandContext context)
    {
        var id = new Argument<string>("id") { Description = "The task id (task_...)" };
        var command = new Command("task", "Show one task: its status, images and credits") { id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = context.Client(parse);
            var task = await client.GetTaskAsync(parse.GetValue(id)!, cancellationToken);
            await WriteAsync(context, parse, task);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Prints a task as text, or as JSON with --json.</summary>
    internal static async Task WriteAsync(CommandContext context, ParseResult parse, NanogateTask task)
    {
        if (context.Json(parse))
        {
            await context.WriteJsonAsync(task, CliJsonContext.Default.NanogateTask);
            return;
        }

        var o = context.Env.Out;
        await o.WriteLineAsync($"{task.TaskId}  {task.Status}  {task.Model}");
        if (task.Request is { } r)
        {
            await o.WriteLineAsync($"  prompt: {r.Prompt}");
            await o.WriteLineAsync($"  ratio {r.AspectRatio}, resolution {r.Resolution}, n {r.N}");
        }

        foreach (var image in task.Images)
        {
            await o.WriteLineAsync(image.Status == NanogateTaskStatus.Succeeded
                ? $"  image {image.Index}: {image.Width}x{image.Height} {image.MimeType} {image.Url}"
                : $"  image {image.Index}: {image.Status}{(image.Error is { } e ? $" ({e.Code}: {e.Message})" : "")}");
        }

        if (task.Error is { } error)
        {
            await o.WriteLineAsync($"  error: {error.Code}: {error.Message}");
        }

        if (task.Credits is { } c)
        {
            await o.WriteLineAsync($"  credits: {c.Reserved} reserved, {c.Charged ?? 0} charged, {c.Refunded ?? 0} refunded");
        }
    }
}
